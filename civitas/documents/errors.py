"""The one error type of the documents package and its stable machine codes."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class ErrorCode(StrEnum):
    """Stable codes: the same string appears in pages, the API and logs."""

    ID_LENGTH = "id.length"
    ID_CHARACTERS = "id.characters"
    ID_PROVINCE = "id.province"
    ID_DATE = "id.date"
    ID_DATE_RANGE = "id.date_range"
    ID_CHECK_DIGIT = "id.check_digit"
    MRZ_FORMAT = "mrz.format"
    MRZ_CHARACTERS = "mrz.characters"
    MRZ_CHECK_DIGIT = "mrz.check_digit"
    MRZ_DATE = "mrz.date"
    MRZ_SEX = "mrz.sex"
    MRZ_CODE = "mrz.code"
    PHONE_INVALID = "phone.invalid"
    DOCUMENT_UNRECOGNISED = "document.unrecognised"


class DocumentError(ValueError):
    """A document failed a rule. ``field`` names the field, ``code`` the rule, ``message`` is translatable.

    Messages never contain the document's own digits, so they are safe to log.
    """

    def __init__(self, field: str, code: ErrorCode | str, message: Any) -> None:
        super().__init__(message)
        self.field = field
        self.code = ErrorCode(code)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"DocumentError(field={self.field!r}, code={self.code.value!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentError):
            return NotImplemented
        return (self.field, self.code) == (other.field, other.code)

    def __hash__(self) -> int:
        return hash((self.field, self.code))

    def as_dict(self) -> dict[str, str]:
        """JSON-serialisable form (message rendered in the active language)."""
        return {"field": self.field, "code": self.code.value, "message": str(self.message)}


def local_today() -> datetime.date:
    """Today's date in the platform's time zone (Asia/Shanghai)."""
    return datetime.datetime.now(LOCAL_TZ).date()
