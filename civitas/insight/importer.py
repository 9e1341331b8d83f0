"""Import of external indicators from CSV or xlsx: columns ``indicator, unit, month, value``.

Every row is checked before anything is written; problems are reported per row (unknown unit code,
month not YYYY-MM, value not a number, the same indicator/unit/month twice). One bad row stops the
import (nothing is half-imported).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civitas.core import audit
from civitas.insight.models import ExternalImport, ExternalIndicator, ExternalValue
from civitas.places.models import Division

COLUMNS = ("indicator", "unit", "month", "value")
CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,39}$")


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch: ExternalImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(name: str, content: BinaryIO) -> list[dict[str, Any]]:
    """Rows as dicts keyed by lower-case header, from .xlsx or CSV (UTF-8, optional BOM)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(content, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
        if not values:
            return []
        header = [str(cell or "").strip().lower() for cell in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:] if any(c is not None for c in row)]
    text = content.read().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return [{(key or "").strip().lower(): value for key, value in row.items()} for row in reader]


def validate(rows: list[dict[str, Any]]) -> tuple[list[tuple[str, str, datetime.date, float]], list[RowError]]:
    errors: list[RowError] = []
    if rows and (missing := [c for c in COLUMNS if c not in rows[0]]):
        return [], [
            RowError(1, ",".join(missing), str(_("Missing columns: {names}.").format(names=", ".join(missing))))
        ]
    codes = {str(row.get("unit") or "").strip() for row in rows}
    known = set(Division.objects.filter(code__in=codes).values_list("code", flat=True))
    seen: dict[tuple[str, str, datetime.date], int] = {}
    clean = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        indicator = str(row.get("indicator") or "").strip()
        unit = str(row.get("unit") or "").strip()
        if not CODE.match(indicator):
            errors.append(
                RowError(
                    number, "indicator", str(_("{value} is not an indicator code.").format(value=indicator or "-"))
                )
            )
            continue
        if unit not in known:
            errors.append(RowError(number, "unit", str(_("Unknown unit code {code}.").format(code=unit or "-"))))
            continue
        month = parse_month(row.get("month"))
        if month is None:
            errors.append(
                RowError(number, "month", str(_("{value} is not a month (YYYY-MM).").format(value=row.get("month"))))
            )
            continue
        value = parse_number(row.get("value"))
        if value is None:
            errors.append(RowError(number, "value", str(_("{value} is not a number.").format(value=row.get("value")))))
            continue
        key = (indicator, unit, month)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "unit",
                    str(
                        _("Duplicate of row {row}: {indicator} for {unit} in {month}.").format(
                            row=seen[key], indicator=indicator, unit=unit, month=f"{month:%Y-%m}"
                        )
                    ),
                )
            )
            continue
        seen[key] = number
        clean.append((indicator, unit, month, value))
    return clean, errors


@transaction.atomic
def do_import_external(name: str, content: BinaryIO, *, acting_user: Any) -> ImportReport:
    """Validate every row, then replace the values of the same indicator/unit/month; audited."""
    clean, errors = validate(read_rows(name, content))
    if errors:
        return ImportReport(rows=0, errors=errors)
    batch = ExternalImport.objects.create(
        file_name=name[:200], rows=len(clean), created_by=acting_user if getattr(acting_user, "pk", None) else None
    )
    indicators = {}
    for code in sorted({row[0] for row in clean}):
        indicators[code], _created = ExternalIndicator.objects.get_or_create(code=code, defaults={"name": {"en": code}})
    for code, unit, month, value in clean:
        ExternalValue.objects.update_or_create(
            indicator=indicators[code], division_id=unit, month=month, defaults={"value": value, "batch": batch}
        )
    audit.record(
        "insight.external_imported",
        actor=acting_user,
        obj=batch,
        new={"file": name, "rows": len(clean), "indicators": sorted(indicators)},
    )
    return ImportReport(rows=len(clean), batch=batch)


def parse_month(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "")) if not isinstance(value, int | float) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
