"""School-age counts by single year of age per township from the registry, the forecast against
school places, the SVG chart and the xlsx export."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from civitas.permits import forecast
from civitas.permits.models import School
from civitas.testing.factories import person, resident_id

D = datetime.date


@pytest.fixture
def children(personas: Any) -> None:
    for birth, grid in ((D(2020, 3, 1), "g1"), (D(2020, 3, 2), "g1"), (D(2020, 10, 1), "g1"), (D(2014, 1, 1), "g3")):
        person("儿童", division=personas[grid], doc_number=resident_id(birth))
    School.objects.create(name="稠城一小", township=personas["t1"], grade1_places=1, grade7_places=0)


def test_children_are_counted_by_single_year_of_age_on_31_august(children: None, personas: Any) -> None:
    counts = forecast.age_counts("330782", 2026)
    t1, t2 = counts["330782001"], counts["330782100"]
    assert (t1["female"] + t1["male"])[6] == 2  # born March 2020: six on 2026-08-31
    assert (t1["female"] + t1["male"])[5] == 1  # born October 2020: still five
    assert (t2["female"] + t2["male"])[12] == 1
    assert forecast.age_counts("330782100", 2026).keys() == {"330782100"}


def test_the_forecast_ages_the_cohorts_into_grade_1_and_compares_with_places(children: None) -> None:
    _, result = forecast.school_forecast("330782", 2026, 5, forecast.Assumptions())
    g1 = {r.year: r for r in result.for_township("330782001", 1)}
    # the five-year-old of 2026 enters Grade 1 in 2027 (survival 0.9995 a year)
    assert g1[2027].demand == pytest.approx(0.9995, abs=1e-6)
    assert g1[2027].capacity == 1.0 and g1[2027].gap == pytest.approx(-0.0005, abs=1e-6)
    g7 = {r.year: r for r in result.for_township("330782001", 7)}
    assert g7[2027].demand == 0.0 and g7[2027].utilisation is None  # no eleven-year-olds, no places
    assert len(result.for_township("330782001")) == 10


def test_the_forecast_page_shows_a_chart_and_the_export_opens(children: None, personas: Any) -> None:
    client = Client()
    client.force_login(personas["analyst"])
    page = client.get("/permits/forecast/", {"base_year": 2026, "years": 6})
    assert page.status_code == 200 and "<svg" in page.content.decode()
    export = client.get("/permits/forecast.xlsx", {"base_year": 2026, "years": 6})
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["forecast"].iter_rows(values_only=True))
    assert rows[0][:4] == ("township code", "township", "year", "grade")
    assert len(rows) == 1 + 2 * 6 * 2  # two townships × six years × two grades


def test_the_chart_keeps_its_words_as_text_in_the_readers_language(children: None, personas: Any) -> None:
    client = Client()
    client.force_login(personas["analyst"])
    page = client.get("/permits/forecast/", {"base_year": 2026, "years": 6}, HTTP_ACCEPT_LANGUAGE="ru").content
    chart = page.decode().split("<svg", 1)[1]
    assert "<text" in chart and "G1 demand" not in chart
    assert personas["t1"].name in chart  # a Chinese township name is text for the browser, not missing glyphs


def test_the_export_headers_are_in_the_readers_language(children: None, personas: Any) -> None:
    client = Client()
    client.force_login(personas["analyst"])
    export = client.get("/permits/forecast.xlsx", {"base_year": 2026, "years": 6}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = load_workbook(io.BytesIO(export.content))
    header = next(book["forecast"].iter_rows(values_only=True))
    assert header[1] == "镇街" and header[5] == "需求"
