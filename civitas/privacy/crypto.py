"""Encryption at rest (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Identity and phone numbers are stored only as ciphertext; exact-match lookups go through a blind
index, an HMAC of the normalised value under a separate key, so a database dump reveals neither.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from base64 import b64decode, b64encode
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_VERSION = "v1"


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    key = b64decode(key_b64)
    if len(key) != 32:
        raise ValueError("CIVITAS_DATA_KEY must be 32 bytes, base64-encoded")
    return AESGCM(key)


@lru_cache(maxsize=32)
def _index_template(key_b64: str, context: str) -> hmac.HMAC:
    mac = hmac.new(b64decode(key_b64), digestmod=hashlib.sha256)
    mac.update(context.encode())
    mac.update(b"\x00")
    return mac


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt `plaintext`; `context` (e.g. 'person.doc') is bound as associated data."""
    nonce = os.urandom(12)
    sealed = _aead(settings.CIVITAS_DATA_KEY).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_VERSION}:{b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = b64decode(body)
    return _aead(settings.CIVITAS_DATA_KEY).decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed digest of a normalised value, for equality lookups."""
    mac = _index_template(settings.CIVITAS_INDEX_KEY, context).copy()
    mac.update(value.strip().upper().encode())
    return mac.hexdigest()[:40]
