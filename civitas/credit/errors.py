"""Validation errors carrying the error code shared by pages, API and log (see choices.ErrorCode)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def field_error(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def codes_of(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {str(e.code or "") for errs in exc.error_dict.values() for e in errs}
    return {str(e.code or "") for e in exc.error_list}
