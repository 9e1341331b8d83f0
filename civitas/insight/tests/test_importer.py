"""External indicators from CSV/xlsx: row-level validation, nothing half-imported, used by runs."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from civitas.insight import actions
from civitas.insight.importer import do_import_external
from civitas.insight.models import ExternalValue
from civitas.insight.tests.conftest import small_framework_records


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8-sig"))


def test_it_reports_unknown_units_non_numbers_bad_months_and_duplicates_by_row(city: dict[str, Any]) -> None:
    report = do_import_external(
        "x.csv",
        csv_file(
            "indicator,unit,month,value\n"
            "EXT_SCHOOL,330782001,2026-09,0.9\n"
            "EXT_SCHOOL,330799999,2026-09,0.8\n"
            "EXT_SCHOOL,330782100,2026-09,lots\n"
            "EXT_SCHOOL,330782002,Sept,0.7\n"
            "EXT_SCHOOL,330782001,2026-09,0.95\n"
        ),
        acting_user=city["analyst"],
    )
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [(3, "unit"), (4, "value"), (5, "month"), (6, "unit")]
    assert "330799999" in report.errors[0].message and "row 2" in report.errors[3].message
    assert not ExternalValue.objects.exists()


def test_it_imports_xlsx_and_an_external_indicator_feeds_a_run(city: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "unit", "month", "value"])
    for unit, value in (("330782001", 0.9), ("330782100", 0.5), ("330782002", 0.7)):
        sheet.append(["EXT_SCHOOL", unit, "2026-09", value])
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    report = do_import_external("school.xlsx", content, acting_user=city["analyst"])
    assert report.ok and report.rows == 3
    records = [
        *small_framework_records(),
        {
            "code": "EXT_SCHOOL",
            "parent": "INDEX",
            "level": 1,
            "kind": "indicator",
            "source": "external",
            "direction": 1,
        },
    ]
    framework = actions.do_create_framework("ext", {"en": "E"}, records, acting_user=city["analyst"])
    run = actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 1),
        options={"treat": False},
    )
    raw = dict(zip(run.stages["Raw"]["units"], run.stages["Raw"]["values"], strict=True))
    assert raw["330782001"][run.stages["Raw"]["columns"].index("EXT_SCHOOL")] == 0.9


def test_the_import_page_lists_row_errors(city: dict[str, Any]) -> None:
    client = Client()
    client.force_login(city["analyst"])
    upload = csv_file("indicator,unit,month,value\nEXT_A,999,2026-09,1\n")
    upload.name = "bad.csv"
    response = client.post(reverse("insight:import"), {"file": upload})
    assert response.status_code == 422 and "999" in response.content.decode()
