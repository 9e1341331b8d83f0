"""School-place points: scheme as data, gates, the insurance rule, scoring and allocation by score."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from django.conf import settings

from civitas.permits.schoolpoints import (
    DEFAULT_SCHEME_DATA,
    Applicant,
    InsuranceRule,
    PointsScheme,
    SchemeError,
    School,
    TieBreakRule,
    allocate,
)

if not settings.configured:  # running with -p no:django
    settings.configure(USE_I18N=False)

AS_OF = "2025-09-01"  # insurance window: 2017-09 … 2025-08


@pytest.fixture
def scheme() -> PointsScheme:
    return PointsScheme.from_dict(DEFAULT_SCHEME_DATA)


def _gates(scheme: PointsScheme, **facts: object) -> dict[str, bool]:
    return {g.code: g.passed for g in scheme.check_gates({"as_of": AS_OF, **facts})}


# --- scheme as data ---------------------------------------------------------------------------------


def test_a_scheme_survives_a_json_round_trip(scheme: PointsScheme) -> None:
    stored = json.loads(json.dumps(scheme.to_dict()))
    assert PointsScheme.from_dict(stored) == scheme


def test_a_scheme_with_an_unknown_item_kind_or_key_is_rejected() -> None:
    bad_kind = {"code": "s", "basic": [{"code": "x", "kind": "bonus", "fact": "f"}]}
    with pytest.raises(SchemeError, match="unknown kind"):
        PointsScheme.from_dict(bad_kind)
    typo = {"code": "s", "basic": [{"code": "x", "kind": "flag", "fact": "f", "point": 5}]}
    with pytest.raises(SchemeError, match="unknown keys point"):
        PointsScheme.from_dict(typo)
    duplicate = {"code": "s", "basic": [{"code": "x", "kind": "flag", "fact": "f", "points": 1}] * 2}
    with pytest.raises(SchemeError, match="duplicate codes x"):
        PointsScheme.from_dict(duplicate)


# --- gates ----------------------------------------------------------------------------------------


def test_the_permit_gate_needs_twelve_whole_months_before_the_application_date(scheme: PointsScheme) -> None:
    assert _gates(scheme, permit_continuous_since="2024-09-01", job_in_district=True)["permit_12_months"]
    assert not _gates(scheme, permit_continuous_since="2024-09-02", job_in_district=True)["permit_12_months"]
    failed = scheme.check_gates({"as_of": AS_OF, "permit_continuous_since": "2024-09-02"})[0]
    assert failed.facts["months"] == 11
    assert "11 whole months" in str(failed.reason) and "12 required" in str(failed.reason)


def test_the_job_or_insurance_gate_passes_on_either_and_fails_on_neither(scheme: PointsScheme) -> None:
    since = "2020-01-01"
    assert _gates(scheme, permit_continuous_since=since, insurance_in_district=True)["job_or_insurance"]
    assert _gates(scheme, permit_continuous_since=since, job_in_district=True)["job_or_insurance"]
    result = scheme.score({"as_of": AS_OF, "permit_continuous_since": since, "job_in_district": False})
    assert not result.eligible
    assert [g.code for g in result.failed_gates] == ["job_or_insurance"]
    assert "a job in the district, social insurance in the district" in str(result.failed_gates[0].reason)
    assert "job_in_district" not in str(result.failed_gates[0].reason)  # families read words, not codes


def test_a_missing_fact_fails_its_gate_with_a_reason(scheme: PointsScheme) -> None:
    result = scheme.check_gates({"as_of": AS_OF, "job_in_district": True})[0]
    assert not result.passed and "permit held continuously since" in str(result.reason)


# --- social insurance -----------------------------------------------------------------------------


def _insurance_points(*periods: Mapping[str, Any], rule: InsuranceRule | None = None) -> float:
    rule = rule or InsuranceRule()
    points, _used, _text = rule.evaluate({"insurance_periods": list(periods)}, date.fromisoformat(AS_OF))
    return points


def test_insurance_is_two_points_a_type_year_pro_rated_by_month() -> None:
    assert _insurance_points({"type": "pension", "from": "2025-01", "to": "2025-06"}) == pytest.approx(1.0)
    assert _insurance_points({"type": "pension", "from": "2025-01", "to": "2025-07"}) == pytest.approx(14 / 12)
    two_types = [{"type": t, "from": "2024-09", "to": "2025-08"} for t in ("pension", "medical")]
    assert _insurance_points(*two_types) == pytest.approx(4.0)


def test_insurance_counts_only_the_last_eight_years() -> None:
    # Ongoing since 2010: only the 96 months 2017-09 … 2025-08 count → 16 points for one type.
    assert _insurance_points({"type": "pension", "from": "2010-01", "to": None}) == pytest.approx(16.0)
    assert _insurance_points({"type": "pension", "from": "2010-01", "to": "2017-08"}) == 0
    assert _insurance_points({"type": "pension", "from": "2010-01", "to": "2017-09"}) == pytest.approx(2 / 12)
    # The application month itself is not a completed contribution month.
    assert _insurance_points({"type": "pension", "from": "2025-09", "to": None}) == 0


def test_insurance_points_are_capped_at_sixty() -> None:
    five_types = [{"type": t, "from": "2010-01", "to": None} for t in InsuranceRule().types]
    assert _insurance_points(*five_types) == 60.0  # 5 × 16 = 80 before the cap
    four_types = five_types[:4]
    assert _insurance_points(*four_types) == 60.0  # 64 before the cap
    assert _insurance_points(*five_types[:3]) == pytest.approx(48.0)


def test_insurance_overlaps_count_once_and_other_districts_or_types_not_at_all() -> None:
    periods: list[dict[str, Any]] = [
        {"type": "pension", "from": "2024-09", "to": "2025-02"},
        {"type": "pension", "from": "2025-01", "to": "2025-08"},  # overlaps two months
        {"type": "medical", "from": "2024-09", "to": "2025-08", "in_district": False},
        {"type": "housing_fund", "from": "2024-09", "to": "2025-08"},
    ]
    assert _insurance_points(*periods) == pytest.approx(2.0)
    anywhere = InsuranceRule(district_only=False)
    assert _insurance_points(*periods, rule=anywhere) == pytest.approx(4.0)


# --- a full score ---------------------------------------------------------------------------------


def test_a_score_adds_basic_and_additional_and_subtracts_deductions(scheme: PointsScheme) -> None:
    facts = {
        "as_of": AS_OF,
        "permit_continuous_since": "2021-03-01",  # 54 months × 3 / 12 = 13.5
        "job_in_district": True,
        "housing": "registered_rental",  # 10
        "insurance_periods": [  # 2 types × 72 months × 2 / 12 = 24
            {"type": "pension", "from": "2019-09", "to": None},
            {"type": "medical", "from": "2019-09", "to": None},
        ],
        "parent_education": "college",  # 5
        "municipal_honours": 3,  # 15, capped at 10
        "credit_dishonest_record": True,  # −20
    }
    result = scheme.score(facts)
    points = {line.code: line.points for line in result.lines}
    assert points == {
        "social_insurance": 24.0,
        "permit_years": 13.5,
        "housing": 10.0,
        "education": 5.0,
        "honours": 10.0,
        "dishonesty": -20.0,
    }
    assert (result.basic, result.additional, result.deductions, result.total) == (47.5, 15.0, 20.0, 42.5)
    assert result.eligible
    lines = {line.code: line for line in result.lines}
    assert lines["permit_years"].facts["months"] == 54
    assert "capped at 10" in str(lines["honours"].explanation)
    assert "144 insurance months in 2017-09..2025-08" in str(lines["social_insurance"].explanation)
    assert json.loads(json.dumps(result.as_dict()))["total"] == 42.5


def test_scores_are_rounded_to_the_scheme_precision(scheme: PointsScheme) -> None:
    facts = {"as_of": AS_OF, "insurance_periods": [{"type": "pension", "from": "2025-01", "to": "2025-07"}]}
    assert scheme.score(facts).total == 1.17


# --- allocation -----------------------------------------------------------------------------------

SEED = "2025-07-01 draw"


def test_a_small_allocation_matches_a_hand_computation() -> None:
    """Schools A (2 places), B (1), C (1); tie-break: earlier permit date, then lottery (seed SEED).

    Order of turns: p1 90, p2 85, p4 80 (permit 2019-06, earlier than p3's 2020-01), p3 80,
    then the 70s: p6 and p7 (permit 2020-05) before p5 (2021-01); p6 before p7 because
    sha256("2025-07-01 draw:p6") = 0e88dcdc… < sha256("…:p7") = 18704a26…; p8 has no preferences.
      p1 → A;  p2 → A (A now full);  p4: A full → B;  p3: A, B full → unplaced;
      p6 → C;  p7: C full → unplaced;  p5: B, C full → unplaced;  p8 → no_preferences.
    Cut-offs: A 85 (refused best 80: no tie); B 80 and C 70 were each decided by the tie-break.
    """
    schools = [School("A", {1: 2}), School("B", {1: 1}), School("C", {1: 1}, name="城西小学")]
    applicants = [
        Applicant("p1", 90, ("A", "B")),
        Applicant("p2", 85, ("A",)),
        Applicant("p3", 80, ("A", "B"), permit_date=date(2020, 1, 1)),
        Applicant("p4", 80, ("A", "B"), permit_date=date(2019, 6, 1)),
        Applicant("p5", 70, ("B", "C"), permit_date=date(2021, 1, 1)),
        Applicant("p6", 70, ("C",), permit_date=date(2020, 5, 1)),
        Applicant("p7", 70, ("C",), permit_date=date(2020, 5, 1)),
        Applicant("p8", 60, ()),
    ]
    rule = TieBreakRule(keys=("permit_date", "lottery"), seed=SEED)
    result = allocate(list(reversed(applicants)), schools, rule)
    placed = {pid: p.school_id for pid, p in result.placements.items()}
    assert placed == {
        "p1": "A",
        "p2": "A",
        "p4": "B",
        "p3": None,
        "p6": "C",
        "p7": None,
        "p5": None,
        "p8": None,
    }
    orders = {pid: p.order for pid, p in result.placements.items()}
    assert sorted(orders, key=orders.__getitem__) == ["p1", "p2", "p4", "p3", "p6", "p7", "p5", "p8"]
    assert result.placements["p4"].preference_rank == 2
    assert result.placements["p4"].full_preferences == ("A",)
    assert result.placements["p8"].status == "no_preferences"
    assert result.placements["p5"].status == "unplaced"
    assert result.placements["p5"].full_preferences == ("B", "C")
    assert result.placements["p7"].tied_with == 2
    assert "城西小学" in str(result.placements["p7"].reason)
    assert "lottery with the published seed 2025-07-01 draw" in str(result.placements["p7"].reason)

    a, b, c = (result.cutoffs[s, 1] for s in "ABC")
    assert (a.cutoff_score, a.full, a.highest_refused_score, a.decided_by_tie_break) == (85, True, 80, False)
    assert (b.cutoff_score, b.last_admitted_id, b.decided_by_tie_break) == (80, "p4", True)
    assert (c.cutoff_score, c.last_admitted_id, c.decided_by_tie_break) == (70, "p6", True)
    assert result.placed_at("A") == ["p1", "p2"]


def test_the_lottery_is_reproducible_from_the_published_seed_alone() -> None:
    rule = TieBreakRule(keys=("lottery",), seed=SEED)
    applicants = [Applicant(f"a{i}", 50, ("S",)) for i in range(20)]
    first = allocate(applicants, [School("S", {1: 5})], rule)
    shuffled = applicants[:]
    random.Random(3).shuffle(shuffled)
    second = allocate(shuffled, [School("S", {1: 5})], rule)
    assert first.placed_at("S") == second.placed_at("S")
    other_seed = allocate(applicants, [School("S", {1: 5})], TieBreakRule(keys=("lottery",), seed="other"))
    assert set(other_seed.placed_at("S")) != set(first.placed_at("S"))


def test_quotas_are_per_grade_and_never_exceeded() -> None:
    schools = [School("S", {1: 1, 7: 2})]
    applicants = [Applicant(f"g1-{i}", 90 - i, ("S",), grade=1) for i in range(3)] + [
        Applicant(f"g7-{i}", 50 - i, ("S",), grade=7) for i in range(3)
    ]
    result = allocate(applicants, schools, TieBreakRule(keys=("permit_date",)))
    assert result.placed_at("S", 1) == ["g1-0"]
    assert result.placed_at("S", 7) == ["g7-0", "g7-1"]
    assert result.placements["g7-0"].order == 1  # turns are counted within a grade
    assert result.cutoffs["S", 7].cutoff_score == 49


def test_a_school_without_a_quota_for_the_grade_counts_as_full() -> None:
    result = allocate(
        [Applicant("x", 10, ("S", "T"))],
        [School("S", {7: 5}), School("T", {1: 1})],
        TieBreakRule(keys=("permit_date",)),
    )
    assert result.placements["x"].school_id == "T" and result.placements["x"].full_preferences == ("S",)


def test_it_rejects_an_unknown_school_and_a_lottery_without_seed() -> None:
    with pytest.raises(SchemeError, match="unknown schools"):
        allocate([Applicant("x", 1, ("Z",))], [School("S", {1: 1})], TieBreakRule(keys=("permit_date",)))
    with pytest.raises(SchemeError, match="seed"):
        TieBreakRule(keys=("lottery",))


def test_twenty_thousand_applicants_and_two_hundred_schools_allocate_quickly() -> None:
    rng = random.Random(7)
    schools = [School(f"S{i:03d}", {1: 80}) for i in range(200)]
    applicants = [
        Applicant(
            f"A{i:05d}",
            round(rng.uniform(0, 120), 2),
            tuple(rng.sample([s.id for s in schools], 5)),
            permit_date=date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1),
        )
        for i in range(20_000)
    ]
    started = time.perf_counter()
    result = allocate(applicants, schools, TieBreakRule(seed=SEED))
    elapsed = time.perf_counter() - started
    print(f"allocated 20,000 applicants to 200 schools in {elapsed:.3f} s")
    assert len(result.placements) == 20_000
    assert all(c.admitted <= c.quota for c in result.cutoffs.values())
    # Serial dictatorship: every preference passed over was full, with a cut-off at or above the score.
    for placement in result.placements.values():
        for school in placement.full_preferences:
            cutoff = result.cutoffs[school, 1]
            assert cutoff.full and cutoff.cutoff_score is not None and cutoff.cutoff_score >= placement.score
