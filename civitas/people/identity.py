"""Turning a validated identity document into the stored, protected form (and back, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from civitas.privacy.crypto import blind_index, decrypt, encrypt

DOC_CONTEXT = "person.doc"
PHONE_CONTEXT = "person.phone"


@dataclass(frozen=True)
class ProtectedValue:
    enc: str
    index: str
    masked: str


def document_index(number: str) -> str:
    return blind_index(number, context=DOC_CONTEXT)


def phone_index(e164: str) -> str:
    return blind_index(e164, context=PHONE_CONTEXT)


def protect_document(number: str, masked: str) -> ProtectedValue:
    number = number.strip().upper()
    return ProtectedValue(encrypt(number, context=DOC_CONTEXT), document_index(number), masked)


def protect_phone(e164: str, masked: str) -> ProtectedValue:
    return ProtectedValue(encrypt(e164, context=PHONE_CONTEXT), phone_index(e164), masked)


def reveal_document(enc: str) -> str:
    return decrypt(enc, context=DOC_CONTEXT)


def reveal_phone(enc: str) -> str:
    return decrypt(enc, context=PHONE_CONTEXT)


def mask_identity_number(number: str) -> str:
    """Resident ID / HMT permit: province and the last two characters only (see Person's docstring)."""
    from civitas.documents.idnumbers import mask_resident_id

    return mask_resident_id(number)


def mask_document(number: str) -> str:
    """Generic mask for passports and other documents: first 2 and last 2 characters."""
    number = number.strip().upper()
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]
