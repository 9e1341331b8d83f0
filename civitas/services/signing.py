"""The card-signing key from settings and the public keys a verifier trusts."""

from __future__ import annotations

import base64
import time
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from civitas.services import credentials


@lru_cache(maxsize=4)
def _private_key(seed_b64: str) -> Ed25519PrivateKey:
    return credentials.private_key_from_seed(seed_b64)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.CIVITAS_SIGNING_KEY)


@lru_cache(maxsize=4)
def _public_keys(seed_b64: str) -> dict[str, Ed25519PublicKey]:
    pub = _private_key(seed_b64).public_key()
    return {credentials.key_id(pub): pub}


def public_keys() -> dict[str, Ed25519PublicKey]:
    """The trusted keys by key id, built once per process (do not mutate the returned dict)."""
    return _public_keys(settings.CIVITAS_SIGNING_KEY)


def card_token(card: Any) -> str:
    """The signed credential shown as the card's QR code."""
    claims = credentials.CardClaims(
        card_number=card.number,
        serial=card.serial,
        holder=card.person.display_name(),
        nationality=card.person.nationality,
        issued_at=int(card.issued_at.timestamp()) if card.issued_at else int(time.time()),
        expires_on=card.expires_on,
        key_id="",
    )
    return credentials.sign(claims, private_key())


def public_key_document() -> dict[str, Any]:
    pub = private_key().public_key()
    return {
        "alg": "Ed25519",
        "kid": credentials.key_id(pub),
        "public_key": base64.b64encode(credentials.raw_public_key(pub)).decode(),
        "format": "base64url(payload JSON) '.' base64url(Ed25519 signature over the payload bytes)",
    }
