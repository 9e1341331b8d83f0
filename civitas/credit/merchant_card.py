"""The public, consented merchant-grade lookup: a signed URL printed as a QR code on the merchant card."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

from civitas.credit.models import MerchantFile

SALT = "civitas.credit.merchant-grade"


def public_token(mf: MerchantFile) -> str:
    """A signed token naming the file's current public token; withdrawing consent rotates it (old codes die)."""
    return signing.dumps(mf.public_token, salt=SALT, compress=False)


def file_for_token(token: str) -> MerchantFile | None:
    try:
        raw = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return MerchantFile.objects.select_related("person").filter(public_token=raw, public_consent=True).first()


def public_url(mf: MerchantFile) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("credit:public_grade", args=[public_token(mf)])


def qr_svg(mf: MerchantFile) -> bytes:
    buf = io.BytesIO()
    segno.make(public_url(mf), error="m").save(buf, kind="svg", scale=6, border=2)
    return buf.getvalue()
