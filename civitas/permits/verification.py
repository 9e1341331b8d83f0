"""Credentials for stored permits: the key in use, the QR code, and online verification (live status)."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civitas.permits.choices import PermitStatus
from civitas.permits.credential import (
    Claims,
    Verification,
    key_id,
    private_key_from_seed,
    public_key_bytes,
    sign,
    verify_token,
)
from civitas.permits.models import Permit


@lru_cache(maxsize=4)
def _private(seed: str) -> Ed25519PrivateKey:
    return private_key_from_seed(seed)


def signing_key() -> Ed25519PrivateKey:
    return _private(settings.CIVITAS_SIGNING_KEY)


def public_key() -> bytes:
    return public_key_bytes(signing_key())


def public_key_document() -> dict[str, Any]:
    raw = public_key()
    pem = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return {
        "alg": "Ed25519",
        "kid": key_id(raw),
        "public_key": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "pem": pem,
        "signed_message": "'civitas-permit-credential-v1' NUL byte + the token's payload bytes",
        "token_format": "base64url(payload JSON) '.' base64url(signature)",
        "payload_fields": {
            "v": "version",
            "n": "permit number",
            "nm": "name",
            "exp": "expiry (ISO date)",
            "ph": "photo reference",
            "kid": "key id",
            "iat": "token date",
        },
    }


def token_for(permit: Permit, today: datetime.date) -> str:
    claims = Claims(
        number=permit.number,
        name=permit.person.display_name(),
        expires=permit.valid_until,
        photo=f"photo:{permit.number}",
        issued=today,
        kid=key_id(public_key()),
    )
    return sign(claims, signing_key())


def verify_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("permits:verify") + "?" + urlencode({"t": token})


def qr_svg(token: str) -> str:
    return segno.make(verify_url(token), error="m").svg_inline(scale=4, border=2)


LIVE_STATUS = {
    PermitStatus.VALID: "valid",
    PermitStatus.SUSPENDED: "suspended",
    PermitStatus.EXPIRED: "expired",
    PermitStatus.CANCELLED: "revoked",
}


STATUS_WORDS = {
    "valid": _("valid"),
    "expired": _("expired"),
    "invalid": _("invalid (altered, another key or not a credential)"),
    "suspended": _("suspended (endorsement missed)"),
    "revoked": _("revoked (cancelled)"),
}


@dataclass(frozen=True)
class OnlineVerification:
    offline: Verification
    status: str  # valid | expired | invalid | suspended | revoked
    live: bool  # True when the registry was consulted

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def status_words(self) -> str:
        return str(STATUS_WORDS.get(self.status, self.status))

    @property
    def offline_words(self) -> str:
        return str(STATUS_WORDS.get(self.offline.status, self.offline.status))


def verify_online(token: str, today: datetime.date) -> OnlineVerification:
    """The offline check, then the live state: suspended, expired or cancelled permits are refused."""
    offline = verify_token(token, public_key(), today)
    if offline.claims is None:
        return OnlineVerification(offline, offline.status, False)
    permit = Permit.objects.filter(number=offline.claims.number).first()
    if permit is None:
        return OnlineVerification(offline, "invalid", True)
    live = LIVE_STATUS[PermitStatus(permit.status)]
    if live == "valid" and today > permit.valid_until:
        live = "expired"  # anniversary passed; the nightly job will suspend it
    if offline.status != "valid" and live == "valid":
        live = offline.status  # an old token of a still-valid permit: show a fresh QR
    return OnlineVerification(offline, live, True)
