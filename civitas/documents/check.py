"""Bulk document checking for integrators: one input per line or a CSV column, one JSON-ready dict each.

Privacy: a checker's output ends up in logs, so identity numbers are never echoed in clear. ``input``
and ``fields["number"]`` hold the masked form (``33**************3X``); the birth date, which is exactly
the masked part, is left out unless ``include_birth_date=True``. For MRZs the document number and the
optional data (which often holds a national ID number) are masked too; ``input`` then describes the
document (``TD3:P/UTO/L8*****C3``) instead of repeating the zone. Error messages never contain digits of
the document.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from civitas.documents import idnumbers, mrz
from civitas.documents.errors import DocumentError, ErrorCode, local_today

_ID_LIKE = re.compile(r"[0-9]{5,19}[0-9X]")


def _mask_middle(value: str, start: int = 2, end: int = 2) -> str:
    if len(value) <= start + end:
        return "*" * len(value)
    return value[:start] + "*" * (len(value) - start - end) + value[len(value) - end :]


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _result(input_: str, kind: str, fields: dict[str, Any], errors: list[DocumentError]) -> dict[str, Any]:
    return {
        "input": input_,
        "kind": kind,
        "valid": not errors,
        "fields": fields,
        "errors": [error.as_dict() for error in errors],
    }


def _check_id(compact: str, today: datetime.date, include_birth_date: bool) -> dict[str, Any]:
    masked = idnumbers.mask_resident_id(compact)
    kind = "hk_macao_taiwan_permit" if compact[:2] in idnumbers.PERMIT_PREFIXES else "resident_id"
    errors = idnumbers.find_resident_id_errors(compact, today)
    fields: dict[str, Any] = {"number": masked}
    if not errors:
        parsed = idnumbers.parse_resident_id(compact, today)
        province = idnumbers.province_of(parsed.province_code) or ("", "")
        fields.update(
            place_code=parsed.place_code,
            province_code=parsed.province_code,
            province=province[0],
            province_en=province[1],
            sex=parsed.sex,
            holder=parsed.kind,
        )
        if include_birth_date:
            fields["birth_date"] = parsed.birth_date.isoformat()
    return _result(masked, kind, fields, errors)


def _check_mrz(text: str, today: datetime.date) -> dict[str, Any]:
    try:
        result = mrz.parse_mrz(text, today)
    except DocumentError as error:
        compact = re.sub(r"[\s|]+", "", text).upper()
        return _result(f"mrz:{compact[:5]}…[{len(compact)}]", "mrz", {}, [error])
    number = _mask_middle(result.document_number)
    fields = {
        "format": result.format,
        "document_code": result.document_code,
        "issuing_state": result.issuing_state,
        "surname": result.surname,
        "given_names": result.given_names,
        "document_number": number,
        "nationality": result.nationality,
        "birth_date": _iso(result.birth_date),
        "sex": result.sex,
        "expiry_date": _iso(result.expiry_date),
        "expired": result.is_expired(today),
        "optional_data": _mask_middle(result.optional_data, 0, 0),
        "checks": dict(result.checks),
    }
    if result.format == "TD1":
        fields["optional_data_2"] = _mask_middle(result.optional_data_2, 0, 0)
    label = f"{result.format}:{result.document_code}/{result.issuing_state}/{number}"
    return _result(label, f"mrz_{result.format.lower()}", fields, result.errors)


def check_document(
    text: str, *, today: datetime.date | None = None, include_birth_date: bool = False
) -> dict[str, Any]:
    """Detect an identity number or an MRZ (lines separated by ``|`` or newlines, or concatenated) and
    check it. Returns ``{"input", "kind", "valid", "fields", "errors"}``, JSON-serialisable."""
    today = today or local_today()
    compact = re.sub(r"\s+", "", text or "").upper()
    if _ID_LIKE.fullmatch(compact):
        return _check_id(compact, today, include_birth_date)
    if mrz.looks_like_mrz(text):
        return _check_mrz(text, today)
    error = DocumentError(
        "document",
        ErrorCode.DOCUMENT_UNRECOGNISED,
        _("Document: neither an 18-character identity number nor a machine-readable zone."),
    )
    return _result(idnumbers.mask_resident_id(compact), "unknown", {}, [error])


def check_lines(
    lines: Iterable[str], *, today: datetime.date | None = None, include_birth_date: bool = False
) -> Iterator[dict[str, Any]]:
    """One result per input, in order (a blank input is "unknown"); each dict also has ``index``, the
    1-based position of its input, because the masked ``input`` cannot identify it."""
    today = today or local_today()
    for index, line in enumerate(lines, start=1):
        yield {"index": index, **check_document(line, today=today, include_birth_date=include_birth_date)}


def read_inputs(path: str | Path, column: str | None = None) -> Iterator[str]:
    """Inputs from a file: one per line, or the named column of a CSV (UTF-8, BOM allowed). Blank skipped.

    Raises ValueError if ``column`` is not in the CSV header."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if column is None:
            for line in handle:
                if line.strip():
                    yield line.strip()
            return
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise ValueError(f"column {column!r} not found; columns: {', '.join(reader.fieldnames or [])}")
        for row in reader:
            value = (row.get(column) or "").strip()
            if value:
                yield value
