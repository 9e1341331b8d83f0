"""Index runs through the Django side: each stage on a hand-computed case, and bad input reported."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from civitas.core.models import AuditEvent
from civitas.insight import actions
from civitas.insight.choices import RunStatus, UnitLevel
from civitas.insight.drilldown import indicator_records, indicator_series, unit_tree
from civitas.insight.models import IndexScore
from civitas.insight.tests.conftest import small_framework_records

SEPT = datetime.date(2026, 9, 1)
T1, T2, T3 = "330782001", "330782100", "330782002"
HAND = {"treat": False, "impute": None}


def compute(city: dict[str, Any], records: list[dict[str, Any]] | None = None, **kw: Any) -> Any:
    framework = actions.do_create_framework(
        "small", {"en": "Small"}, records or small_framework_records(), acting_user=city["analyst"]
    )
    options = {**HAND, **kw.pop("options", {})}
    return actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options=options,
        **kw,
    )


def scores(run: Any, node: str = "INDEX") -> dict[str, tuple[float, int]]:
    return {s.division_id: (s.score, s.rank) for s in IndexScore.objects.filter(run=run, node_code=node)}


def test_it_keeps_the_raw_values_computed_from_events(city: dict[str, Any]) -> None:
    run = compute(city)
    raw = dict(zip(run.stages["Raw"]["units"], run.stages["Raw"]["values"], strict=True))
    assert raw[T1] == pytest.approx([80.0, 1000 / 3])
    assert raw[T2] == pytest.approx([100.0, 0.0])
    assert raw[T3] == pytest.approx([75.0, 400.0])


def test_it_normalises_min_max_with_direction_and_ranks_the_arithmetic_mean(city: dict[str, Any]) -> None:
    run = compute(city)
    normalised = dict(zip(run.stages["Normalised"]["units"], run.stages["Normalised"]["values"], strict=True))
    # on time: (80-75)/25 = 20; group renting is "lower is better": (-333.3 + 400) / 400 = 16.67
    assert normalised[T1] == pytest.approx([20.0, 100 / 6])
    assert normalised[T2] == pytest.approx([100.0, 100.0])
    assert normalised[T3] == pytest.approx([0.0, 0.0])
    assert scores(run) == {T2: (pytest.approx(100.0), 1), T1: (pytest.approx(110 / 6), 2), T3: (pytest.approx(0.0), 3)}
    assert run.status == RunStatus.DONE
    assert list(run.stages) == ["Raw", "Normalised", "Aggregated"]


def test_it_rescales_edited_weights_within_the_parent(city: dict[str, Any]) -> None:
    run = compute(city, small_framework_records((3.0, 1.0)))
    # t1: 0.75 * 20 + 0.25 * 16.67
    assert scores(run)[T1][0] == pytest.approx(0.75 * 20 + 0.25 * 100 / 6)


def test_it_normalises_by_z_score_with_the_sample_standard_deviation(city: dict[str, Any]) -> None:
    run = compute(city, options={"normalisation": {"method": "zscore", "mean": 0, "sd": 1}})
    normalised = dict(zip(run.stages["Normalised"]["units"], run.stages["Normalised"]["values"], strict=True))
    mean, sd = 85.0, ((5**2 + 15**2 + 10**2) / 2) ** 0.5
    assert normalised[T1][0] == pytest.approx((80 - mean) / sd)


def test_it_imputes_a_missing_value_with_the_mean_and_reports_the_gap(city: dict[str, Any]) -> None:
    records = small_framework_records()
    records[2] = {**records[2], "code": "INS_HAZARDS_CLOSED", "direction": 1}
    run = compute(city, records, options={"impute": "mean"})
    imputed = dict(zip(run.stages["Imputed"]["units"], run.stages["Imputed"]["values"], strict=True))
    assert imputed[T3][1] == pytest.approx((50.0 + 100.0) / 2)
    assert {(g["indicator"], g["unit"]) for g in run.gaps} == {("INS_HAZARDS_CLOSED", T3)}
    assert "zero" in run.gaps[0]["reason"]


def test_it_fails_naming_the_indicator_and_unit_when_a_complete_case_has_no_data(city: dict[str, Any]) -> None:
    records = small_framework_records()
    records[2] = {**records[2], "code": "INS_HAZARDS_CLOSED", "direction": 1}
    run = compute(city, records, options={"require_complete": True})
    assert run.status == RunStatus.FAILED
    assert run.error["indicator"] == "INS_HAZARDS_CLOSED" and run.error["unit"] == T3
    assert T3 in run.error["message"]
    assert not IndexScore.objects.filter(run=run).exists()


def test_it_fails_naming_the_unit_when_geometric_aggregation_meets_a_zero(city: dict[str, Any]) -> None:
    run = compute(city, options={"aggregation": "geometric"})
    assert run.status == RunStatus.FAILED
    assert run.error["code"] == "value_not_positive"
    assert run.error["unit"] in (T3,) and run.error["indicator"] == "RES_ON_TIME"


def test_it_rejects_a_framework_with_a_cycle(city: dict[str, Any]) -> None:
    records = [
        *small_framework_records(),
        {"code": "A", "parent": "B", "level": 2, "kind": "group"},
        {"code": "B", "parent": "A", "level": 3, "kind": "group"},
    ]
    with pytest.raises(ValidationError) as error:
        actions.do_create_framework("cyclic", {"en": "C"}, records, acting_user=city["analyst"])
    assert "A" in str(error.value) and "B" in str(error.value)


def test_it_rejects_weights_that_do_not_resolve(city: dict[str, Any]) -> None:
    framework = actions.do_create_framework(
        "small", {"en": "S"}, small_framework_records(), acting_user=city["analyst"]
    )
    with pytest.raises(ValidationError) as error:
        actions.do_set_weights(framework, {"RES_ON_TIME": 0, "RES_OVER_CAPACITY": 0}, acting_user=city["analyst"])
    assert "INDEX" in str(error.value)
    framework.refresh_from_db()
    assert framework.version == 1


def test_it_records_weight_changes_in_the_audit_log_and_raises_the_version(city: dict[str, Any]) -> None:
    framework = actions.do_create_framework(
        "small", {"en": "S"}, small_framework_records(), acting_user=city["analyst"]
    )
    actions.do_set_weights(framework, {"RES_ON_TIME": 2.5}, acting_user=city["analyst"], note="on-time matters")
    framework.refresh_from_db()
    assert framework.version == 2
    event = AuditEvent.objects.get(action="insight.weights_changed")
    # the audit log keeps floats as their repr (exact through jsonb)
    assert float((event.old or {})["RES_ON_TIME"]) == 1.0
    assert float((event.new or {})["RES_ON_TIME"]) == 2.5 and event.note == "on-time matters"


def test_it_snapshots_the_framework_so_later_edits_do_not_change_a_run(city: dict[str, Any]) -> None:
    run = compute(city)
    actions.do_set_weights(run.framework, {"RES_ON_TIME": 9}, acting_user=city["analyst"])
    run.refresh_from_db()
    assert run.snapshot_node("RES_ON_TIME")["weight"] == 1.0 and run.framework_version == 1


def test_it_reproduces_the_monte_carlo_from_its_seed(city: dict[str, Any]) -> None:
    first = compute(city, mc_runs=300, seed=7)
    framework = first.framework
    second = actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options=HAND,
        mc_runs=300,
        seed=7,
    )
    assert first.sensitivity == second.sensitivity
    units = {u["unit"]: u for u in first.sensitivity["units"]}
    assert units[T2]["rank_q05"] == 1 and units[T3]["rank_q95"] == 3
    assert set(first.sensitivity["removal"]) == {"RES_ON_TIME", "RES_OVER_CAPACITY"}


def test_its_monte_carlo_can_draw_the_normalisation_as_well_as_the_weights(city: dict[str, Any]) -> None:
    run = compute(city, mc_runs=200, seed=3, options={"mc_normalisations": ["minmax", "zscore", "rank"]})
    assert run.status == RunStatus.DONE, run.error
    factors = set(run.sensitivity["first_order"])
    assert factors == {"normalisation", "weight:RES_ON_TIME", "weight:RES_OVER_CAPACITY"}
    weights_only = actions.do_compute_run(
        run.framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options=HAND,
        mc_runs=200,
        seed=3,
    )
    assert weights_only.sensitivity is not None
    assert set(weights_only.sensitivity["first_order"]) == {"weight:RES_ON_TIME", "weight:RES_OVER_CAPACITY"}


def test_an_unknown_normalisation_for_the_monte_carlo_fails_the_run_naming_it(city: dict[str, Any]) -> None:
    run = compute(city, mc_runs=50, seed=1, options={"mc_normalisations": ["minmax", "cubic"]})
    assert run.status == RunStatus.FAILED and "cubic" in run.error["message"]


def test_it_explains_a_unit_down_to_the_records_behind_an_indicator(city: dict[str, Any]) -> None:
    run = compute(city)
    tree = {row["code"]: row for row in unit_tree(run, T1)}
    assert tree["INDEX"]["score"] == pytest.approx(110 / 6) and tree["INDEX"]["rank"] == 2
    assert tree["RES_ON_TIME"]["raw"] == pytest.approx(80.0)
    series = indicator_series(run, T1, "RES_ON_TIME")
    assert series is not None and series.numerator == [8.0] and series.denominator == [10.0]
    records, total = indicator_records(run, T1, "RES_ON_TIME")
    assert total == 8 and all(r["where"].startswith(T1) for r in records)
    assert all(r["who"].startswith("陈＊＊ · ") and "陈租客" not in r["who"] for r in records)


def test_it_compares_communities_as_well_as_townships(city: dict[str, Any]) -> None:
    run = compute(city, level=UnitLevel.COMMUNITY)
    assert set(scores(run)) == {"330782001001", "330782100001", "330782002001"}


def test_it_leaves_out_an_indicator_no_unit_has_data_for_and_says_why(city: dict[str, Any]) -> None:
    records = [
        *small_framework_records(),
        {
            "code": "MED_BREACHES",
            "parent": "INDEX",
            "level": 1,
            "kind": "indicator",
            "direction": -1,
            "source": "platform",
        },
    ]
    run = compute(city, records)
    assert run.status == RunStatus.DONE
    assert [e["indicator"] for e in run.details["excluded"]] == ["MED_BREACHES"]
    assert "MED_BREACHES" not in run.stages["Raw"]["columns"]


def test_reasons_are_read_in_the_viewers_language_whatever_language_the_run_was_computed_in(
    city: dict[str, Any],
) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    records = [
        *small_framework_records(),
        {"code": "MED_BREACHES", "parent": "INDEX", "level": 1, "kind": "indicator", "direction": -1},
    ]
    with translation.override("zh-hans"):
        run = compute(city, records)
    (excluded,) = run.details["excluded"]
    assert excluded["reason_id"] == "every unit has the same value ({value:g}), so it cannot rank them"
    client = Client()
    client.force_login(city["analyst"])
    html = client.get(reverse("insight:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "MED_BREACHES</span>: every unit has the same value (0), so it cannot rank them" in html
    with translation.override("zh-hans"):
        chinese = translation.gettext(excluded["reason_id"]).format(value=0.0)
    assert excluded["reason"] == chinese
