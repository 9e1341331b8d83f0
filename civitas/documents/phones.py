"""Phone numbers: validate with libphonenumber metadata, store in E.164, mask for display and logs."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _

from civitas.documents.errors import DocumentError, ErrorCode

FIELD = "phone"


def _parse(text: str, default_region: str | None) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse((text or "").strip(), default_region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Phone: not a valid number (for another country, start with +).")
        raise DocumentError(FIELD, ErrorCode.PHONE_INVALID, message)
    return number


def normalise_phone(text: str, default_region: str = "CN") -> str:
    """E.164 form (``+8613812345678``) of a number typed nationally or internationally."""
    return phonenumbers.format_number(_parse(text, default_region), phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(text: str, default_region: str = "CN") -> bool:
    try:
        _parse(text, default_region)
    except DocumentError:
        return False
    return True


def mask_phone(number: str, default_region: str = "CN") -> str:
    """``+8613812345678`` -> ``+86 138****5678``: country code, first 3 and last 4 national digits."""
    parsed = _parse(number, default_region)
    national = phonenumbers.national_significant_number(parsed)
    if len(national) >= 8:
        shown = national[:3] + "*" * (len(national) - 7) + national[-4:]
    else:
        shown = "*" * (len(national) - 2) + national[-2:]
    return f"+{parsed.country_code} {shown}"
