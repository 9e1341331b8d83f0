"""Indicator extraction on a small fixture city: each defined once, grouped per unit and month."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Q

from civitas.insight import indicators
from civitas.insight.indicators import Extract, Tally
from civitas.testing import factories

T1, T2, T3 = "330782001", "330782100", "330782002"
UNITS = [T1, T2, T3]
SEPT, OCT = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)


def values(code: str, level: int = 9, units: list[str] = UNITS, end: datetime.date = SEPT) -> Any:
    indicator = indicators.REGISTRY[code]
    return indicators.extract(indicator, Extract(level, "330782", SEPT, end), units).period_values()


def test_declarations_on_time_are_the_checked_declarations_filed_in_time(city: dict[str, Any]) -> None:
    result, reasons = values("RES_ON_TIME")
    assert result.to_dict() == pytest.approx({T1: 80.0, T2: 100.0, T3: 75.0})
    assert reasons == {}


def test_declarations_on_time_never_leave_0_to_100_percent_whatever_the_events_say(city: dict[str, Any]) -> None:
    from civitas.insight.tests.conftest import emit_many

    emit_many("residence.declaration_late", 30, city["g3"].code)  # late events without verified declarations
    result, _ = values("RES_ON_TIME")
    assert result[T2] == pytest.approx(100.0)
    assert ((result >= 0) & (result <= 100)).all()


def test_a_declaration_of_several_people_counts_once(city: dict[str, Any]) -> None:
    from civitas.residence.models import Declaration, DeclarationMember

    declaration = Declaration.objects.filter(division=city["g3"]).first()
    assert declaration is not None
    for name in ("甲", "乙"):
        DeclarationMember.objects.create(
            declaration=declaration, person=factories.person(name, division=city["g3"]), relation="spouse"
        )
    extraction = indicators.extract(indicators.REGISTRY["RES_ON_TIME"], Extract(9, "330782", SEPT, SEPT), [T2])
    assert extraction.denominator is not None and extraction.denominator.loc[T2].tolist() == [5.0]


def test_declarations_rejected_or_not_yet_checked_are_not_counted(city: dict[str, Any]) -> None:
    from civitas.residence.models import Declaration

    Declaration.objects.filter(division=city["g3"]).update(status="rejected", days_late=9)
    result, reasons = values("RES_ON_TIME")
    assert T2 not in result.dropna() and "denominator" in reasons[T2]


def test_foreign_residents_registered_within_24_hours_count_only_foreigners(city: dict[str, Any]) -> None:
    result, reasons = values("RES_FOREIGN_24H")
    assert result[T1] == pytest.approx(50.0)
    assert set(reasons) == {T2, T3}  # no foreign declarations: nothing to measure against


def test_group_renting_is_counted_per_1000_rented_rooms(city: dict[str, Any]) -> None:
    result, _ = values("RES_OVER_CAPACITY")
    assert result.to_dict() == pytest.approx({T1: 1000 / 3, T2: 0.0, T3: 400.0})


def test_a_zero_denominator_is_a_reported_gap_not_a_silent_nan(city: dict[str, Any]) -> None:
    result, reasons = values("INS_HAZARDS_CLOSED")
    assert result[T1] == pytest.approx(50.0) and result[T2] == pytest.approx(100.0)
    assert result.isna()[T3] and "denominator" in reasons[T3]


def test_flows_are_summed_over_the_months_of_the_period(city: dict[str, Any]) -> None:
    result, _ = values("RES_DECLARED_ROOMS", end=OCT)
    assert result[T1] == pytest.approx(13 / 3 * 100)


def test_the_monthly_series_keeps_each_month_apart(city: dict[str, Any]) -> None:
    extraction = indicators.extract(indicators.REGISTRY["RES_ON_TIME"], Extract(9, "330782", SEPT, OCT), [T1])
    assert extraction.numerator.loc[T1].tolist() == [8.0, 3.0]
    assert extraction.denominator is not None and extraction.denominator.loc[T1].tolist() == [10.0, 3.0]


def test_communities_and_grids_are_units_too(city: dict[str, Any]) -> None:
    result, _ = values("RES_ON_TIME", level=12, units=["330782001001", "330782002001"])
    assert result.to_dict() == pytest.approx({"330782001001": 80.0, "330782002001": 75.0})
    grid = city["g1"].code
    series = indicators.extract(indicators.REGISTRY["RES_ON_TIME"], Extract(15, grid, SEPT, SEPT), [grid])
    assert series.period_values()[0][grid] == pytest.approx(80.0)


def test_the_scope_keeps_other_townships_out_of_the_query(city: dict[str, Any]) -> None:
    extraction = indicators.extract(indicators.REGISTRY["RES_ON_TIME"], Extract(9, T1, SEPT, SEPT), [T1, T2])
    assert extraction.numerator.loc[T2].sum() == 0


def test_an_indicator_on_a_model_that_does_not_exist_is_unavailable(db: Any) -> None:
    ghost = indicators.Indicator("X", "x", "", 1, ((1, Tally("nosuchapp.Thing", "division_code", "at")),))
    assert not ghost.available()
    renamed = indicators.Indicator(
        "Y", "y", "", 1, ((1, Tally("core.DomainEvent", "division_code", "occurred_at", Q(no_such_field=1))),)
    )
    assert not renamed.available()
    assert indicators.REGISTRY["RES_ON_TIME"].available()


def test_disputes_settled_and_days_to_settle_read_the_mediation_cases(city: dict[str, Any]) -> None:
    if not indicators.REGISTRY["MED_DAYS_TO_SETTLE"].available():
        pytest.skip("the mediation app has no Case model yet")
    from civitas.insight.tests.conftest import SEPTEMBER
    from civitas.mediation.models import Case

    # Rows written directly: only the fields the indicator reads (the mediation actions own the workflow).
    for number, (status, days) in enumerate((("settled", 2), ("settled", 4), ("closed", 9))):
        Case.objects.create(
            code=f"T{number}",
            channel="web",
            category="trade",
            description="x",
            division=city["g1"],
            status=status,
            created_at=SEPTEMBER - datetime.timedelta(days=days),
            closed_at=SEPTEMBER,
        )
    settled, _ = values("MED_SETTLED", units=[T1])
    days, _ = values("MED_DAYS_TO_SETTLE", units=[T1])
    assert settled[T1] == pytest.approx(200 / 3) and days[T1] == pytest.approx(3.0)


def test_each_indicator_is_defined_once_with_a_direction_and_unit() -> None:
    for code, indicator in indicators.REGISTRY.items():
        assert indicator.code == code
        assert indicator.direction in (1, -1)
        assert str(indicator.unit)


def test_a_stock_over_a_stock_is_not_summed_over_the_months(city: dict[str, Any]) -> None:
    rooms_per_resident = indicators.Indicator(
        "X", "x", "", 1, ((1, indicators.RENTED_ROOMS),), indicators.RESIDENTS, 1.0
    )
    one, _ = indicators.extract(rooms_per_resident, Extract(9, "330782", SEPT, SEPT), [T3]).period_values()
    two, _ = indicators.extract(rooms_per_resident, Extract(9, "330782", SEPT, OCT), [T3]).period_values()
    assert one[T3] == two[T3] == pytest.approx(5 / 1)  # five rooms, one resident (the landlord) in t3


def test_school_places_are_measured_against_six_year_olds_per_township(city: dict[str, Any]) -> None:
    indicator = indicators.REGISTRY["SCH_PLACES"]
    if not indicator.available():
        pytest.skip("the permits app has no School model yet")
    from civitas.permits.models import School

    year = datetime.date.today().year
    for _ in range(4):
        birth = datetime.date(year - 6, 3, 1)
        factories.person("小明", division=city["g1"], birth_date=birth, doc_number=factories.resident_id(birth))
    School.objects.create(name="实验小学", township=city["t1"], grade1_places=3)  # only the fields read
    result, _ = values("SCH_PLACES", units=[T1])
    assert result[T1] == pytest.approx(75.0)
    assert indicator.levels == (9,)


def test_permit_coverage_counts_permits_among_residents_eligible_for_one(city: dict[str, Any]) -> None:
    if not indicators.REGISTRY["PRM_COVERAGE"].available():
        pytest.skip("the permits app has no Permit model yet")
    from civitas.permits.models import Permit
    from civitas.residence.models import Declaration, Residency

    declaration = Declaration.objects.filter(division=city["g1"]).first()
    assert declaration is not None
    today = datetime.date.today()
    long_ago, last_month = today - datetime.timedelta(days=400), today - datetime.timedelta(days=30)
    jiangxi = [factories.person(name, division=city["g1"]) for name in ("甲", "乙")]  # ID place code 360102
    newcomer = factories.person("丙", division=city["g1"])
    local = factories.person(
        "丁", division=city["g1"], doc_number=factories.make_resident_id("330782", datetime.date(1990, 1, 1), 7)
    )
    for person, start, confirmed in [
        (jiangxi[0], long_ago, True),
        (jiangxi[1], long_ago, True),
        (newcomer, last_month, True),  # not six months yet
        (local, long_ago, True),  # from Zhejiang: no permit needed
        (newcomer, long_ago, False),  # not verified
    ]:
        Residency.objects.create(  # only the fields the indicator reads (the residence actions own the workflow)
            person=person,
            declaration=declaration,
            property=declaration.property,
            room=declaration.room,
            division=city["g1"],
            start=start,
            confirmed=confirmed,
        )
    Permit.objects.create(
        number="330782202600000001",
        person=jiangxi[0],
        division=city["g1"],
        issued_on=long_ago,
        valid_until=today + datetime.timedelta(days=300),
        residence_years_since=long_ago,
    )
    result, reasons = values("PRM_COVERAGE", units=[T1, T2])
    assert result[T1] == pytest.approx(50.0)
    assert "denominator" in reasons[T2]  # nobody eligible there: nothing to measure against
