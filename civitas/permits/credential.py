"""The permit's verifiable credential: a compact token signed with Ed25519, shown as a QR code.

Token = ``base64url(payload JSON) "." base64url(signature)``; the signature covers
``DOMAIN + payload bytes`` so a permit signature can never be replayed as another kind of Civitas
signature. The permits key is derived from ``settings.CIVITAS_SIGNING_KEY`` with HKDF-SHA256
(info ``INFO``), so the root seed signs nothing directly. Anyone holding the published public key
(``/permits/public-key``) verifies a token offline with :func:`verify_token`; the payload holds only
what a verifier needs: permit number, name, a photo placeholder reference and the expiry date.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DOMAIN = b"civitas-permit-credential-v1\x00"
INFO = b"civitas permits credential signing key v1"
VERSION = 1
MAX_TOKEN_LENGTH = 2000


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key_from_seed(root_seed_b64: str) -> Ed25519PrivateKey:
    root = base64.b64decode(root_seed_b64)
    if len(root) != 32:
        raise ValueError("CIVITAS_SIGNING_KEY must be 32 bytes, base64-encoded")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(root)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    """A short fingerprint naming the key (first 8 bytes of its base64url form)."""
    return _b64e(public_raw)[:11]


@dataclass(frozen=True)
class Claims:
    number: str  # permit number
    name: str
    expires: date
    photo: str = ""  # reference of the photo placeholder (no image in the token)
    issued: date | None = None
    kid: str = ""

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "v": VERSION,
            "n": self.number,
            "nm": self.name,
            "exp": self.expires.isoformat(),
            "ph": self.photo,
            "kid": self.kid,
        }
        if self.issued:
            data["iat"] = self.issued.isoformat()
        return data


def sign(claims: Claims, private: Ed25519PrivateKey) -> str:
    body = json.dumps(claims.payload(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return _b64e(body) + "." + _b64e(private.sign(DOMAIN + body))


@dataclass(frozen=True)
class Verification:
    """Outcome of an offline check: status is valid | expired | invalid; claims only when signed by us."""

    status: str
    claims: Claims | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def verify_token(token: str, public_raw: bytes, today: date) -> Verification:
    """Check the signature with the public key alone, then the expiry. Never raises on bad input."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return Verification("invalid", problem="malformed")
    body_text, sig_text = token.split(".")
    try:
        body, signature = _b64d(body_text), _b64d(sig_text)
        public = Ed25519PublicKey.from_public_bytes(public_raw)
        public.verify(signature, DOMAIN + body)
    except (binascii.Error, ValueError, InvalidSignature):
        return Verification("invalid", problem="signature")
    try:
        data = json.loads(body)
        claims = Claims(
            number=str(data["n"]),
            name=str(data["nm"]),
            expires=date.fromisoformat(data["exp"]),
            photo=str(data.get("ph", "")),
            kid=str(data.get("kid", "")),
            issued=date.fromisoformat(data["iat"]) if data.get("iat") else None,
        )
        if data.get("v") != VERSION:
            return Verification("invalid", problem="version")
    except (ValueError, KeyError, TypeError):
        return Verification("invalid", problem="payload")
    if today > claims.expires:
        return Verification("expired", claims, problem="expired")
    return Verification("valid", claims)
