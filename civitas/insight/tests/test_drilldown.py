"""The records behind an indicator: dated by what they were counted by, about a person shown masked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from civitas.insight import actions, indicators
from civitas.insight.drilldown import indicator_records
from civitas.insight.indicators import Extract
from civitas.insight.tests.conftest import SEPTEMBER, small_framework_records

SEPT = datetime.date(2026, 9, 1)
T1 = "330782001"


@pytest.fixture
def run(city: dict[str, Any]) -> Any:
    framework = actions.do_create_framework(
        "small", {"en": "Small"}, small_framework_records(), acting_user=city["analyst"]
    )
    return actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
    )


def test_a_declaration_behind_an_indicator_is_dated_when_it_was_declared_and_names_the_declarant_masked(
    city: dict[str, Any], run: Any
) -> None:
    records, total = indicator_records(run, T1, "RES_ON_TIME")
    assert total == 8
    assert {r["when"] for r in records} == {SEPTEMBER}
    tenant = city["tenant"]
    assert all(r["who"].startswith(f"陈＊＊ · {tenant.doc_masked} · T") for r in records)
    assert all(tenant.name not in r["who"] for r in records)


def test_a_residence_permit_behind_an_indicator_shows_its_number_masked(city: dict[str, Any], run: Any) -> None:
    if not indicators.REGISTRY["PRM_COVERAGE"].available():
        pytest.skip("the permits app has no Permit model yet")
    from civitas.permits.models import Permit

    day = datetime.date(2026, 3, 1)
    Permit.objects.create(  # only the fields the indicator reads (the permits actions own the workflow)
        number="330782202600000123",
        person=city["tenant"],
        division=city["g1"],
        issued_on=day,
        valid_until=day.replace(year=2027),
        residence_years_since=day,
    )
    records, total = indicator_records(run, T1, "PRM_COVERAGE")
    assert total == 1
    (record,) = records
    assert "330782202600000123" not in record["who"] and record["who"].endswith("33**************23")
    assert record["when"] == day and record["timed"] is False


def test_the_records_page_shows_records_dated_by_day_as_well_as_by_time(city: dict[str, Any]) -> None:
    from django.test import Client
    from django.urls import reverse

    if not indicators.REGISTRY["PRM_COVERAGE"].available():
        pytest.skip("the permits app has no Permit model yet")
    from civitas.permits.models import Permit

    day = datetime.date(2026, 3, 1)
    Permit.objects.create(
        number="330782202600000124",
        person=city["tenant"],
        division=city["g1"],
        issued_on=day,
        valid_until=day.replace(year=2027),
        residence_years_since=day,
    )
    from civitas.residence.models import Declaration, Residency

    for person, grid in ((city["tenant"], city["g1"]), (city["landlord3"], city["g4"])):  # eligible for a permit
        declaration = Declaration.objects.filter(division=grid).first()
        assert declaration is not None
        Residency.objects.create(
            person=person,
            declaration=declaration,
            property=declaration.property,
            room=declaration.room,
            division=grid,
            start=datetime.date(2025, 1, 1),
            confirmed=True,
        )
    records = [
        *small_framework_records(),
        {"code": "PRM_COVERAGE", "parent": "INDEX", "level": 1, "kind": "indicator", "direction": 1},
    ]
    framework = actions.do_create_framework("permits", {"en": "P"}, records, acting_user=city["analyst"])
    run = actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
    )
    assert "PRM_COVERAGE" in run.stages["Raw"]["columns"]
    client = Client()
    client.force_login(city["police"])
    for code, shown in (("PRM_COVERAGE", "2026-03-01<"), ("RES_ON_TIME", "2026-09-15 10:00")):
        url = reverse("insight:indicator", kwargs={"pk": run.pk, "code": T1, "indicator": code})
        response = client.get(url)
        assert response.status_code == 200 and shown in response.content.decode(), code
        assert "330782202600000124" not in response.content.decode()


def test_every_registered_indicator_reads_installed_models_and_its_queries_run(db: Any) -> None:
    """A field renamed in another app would otherwise silently drop the indicator from every run."""
    extract = Extract(9, "330782", SEPT, SEPT)
    unavailable = [code for code, indicator in indicators.REGISTRY.items() if not indicator.available()]
    assert unavailable == []
    for indicator in indicators.REGISTRY.values():
        extraction = indicators.extract(indicator, extract, [T1])
        assert extraction.numerator.shape == (1, 1)
