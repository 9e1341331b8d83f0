"""Bulk document checking for integrators (hotels, employers, landlords with spreadsheets)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from civitas.documents.check import check_lines

router = Router(tags=["documents"])


class CheckIn(Schema):
    inputs: list[str] = Field(
        ...,
        min_length=1,
        max_length=10000,
        description="One resident ID, permit number or MRZ (lines joined by '|' or newline) each.",
    )


class CheckError(Schema):
    field: str
    code: str
    message: str


class CheckOut(Schema):
    input: str
    kind: str
    valid: bool
    fields: dict[str, Any]
    errors: list[CheckError]


@router.post("/check", response=list[CheckOut], summary="Check identity documents in bulk")
def check(request: HttpRequest, payload: CheckIn) -> list[dict[str, Any]]:
    """Verdict, parsed fields and every failed rule per input; identity numbers are echoed only masked."""
    return list(check_lines(payload.inputs))
