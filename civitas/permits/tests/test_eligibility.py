"""Eligibility as a pure function: six months' continuous verified residence and job, home or study."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from civitas.permits.eligibility import Fact, Period, Rules, add_months, eligibility, eligibility_batch

if not settings.configured:  # running with -p no:django
    settings.configure(USE_I18N=False)

T1 = "330782001001001"
T2 = "330782100001001"


def work(start: date, end: date | None = None, division: str = T1, **kw: object) -> Period:
    kw.setdefault("purpose", "work")
    kw.setdefault("employer", "义乌小商品城")
    return Period(start=start, end=end, division_code=division, **kw)  # type: ignore[arg-type]


def test_it_is_eligible_on_the_day_six_months_are_reached_exactly() -> None:
    periods = [work(date(2026, 1, 15), declaration_id=7)]
    assert eligibility(periods, [], date(2026, 7, 15)).eligible
    day_before = eligibility(periods, [], date(2026, 7, 14))
    assert not day_before.eligible
    residence = day_before.condition("residence")
    assert not residence.met and "2026-07-15" in str(residence.reason)
    assert day_before.eligible_from == date(2026, 7, 15)


def test_six_months_from_the_end_of_a_month_clamps_to_the_shorter_month() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert eligibility([work(date(2025, 8, 31))], [], date(2026, 2, 28)).eligible


def test_a_gap_within_the_tolerance_keeps_continuity() -> None:
    periods = [work(date(2026, 1, 1), date(2026, 3, 1)), work(date(2026, 3, 31))]
    result = eligibility(periods, [], date(2026, 7, 1))
    assert result.eligible and result.residence_since == date(2026, 1, 1)


def test_a_gap_longer_than_the_tolerance_restarts_the_six_months() -> None:
    periods = [work(date(2026, 1, 1), date(2026, 3, 1)), work(date(2026, 4, 1))]
    result = eligibility(periods, [], date(2026, 7, 1))
    assert not result.eligible
    assert result.residence_since == date(2026, 4, 1)
    assert result.failed[0].code == "residence"
    assert "2026-10-01" in str(result.condition("residence").hint)


def test_the_gap_tolerance_is_configurable() -> None:
    periods = [work(date(2026, 1, 1), date(2026, 3, 1)), work(date(2026, 4, 1))]
    assert eligibility(periods, [], date(2026, 7, 1), Rules(gap_tolerance_days=31)).eligible
    one_night_away = [work(date(2026, 1, 1), date(2026, 1, 2)), work(date(2026, 1, 3))]
    strict = eligibility(one_night_away, [], date(2026, 7, 3), Rules(gap_tolerance_days=0))
    assert strict.residence_since == date(2026, 1, 3) and strict.eligible


def test_a_move_between_townships_keeps_continuity_and_is_shown() -> None:
    periods = [
        work(date(2025, 11, 1), date(2026, 2, 10), T1, declaration_id=1),
        work(date(2026, 2, 10), None, T2, declaration_id=2),
    ]
    result = eligibility(periods, [], date(2026, 5, 1))
    residence = result.condition("residence")
    assert result.eligible and residence.met
    assert [e.reference for e in residence.evidence] == ["D1", "D2"]
    assert "2" in str(residence.reason) and "townships" in str(residence.reason)


def test_unverified_declarations_do_not_count() -> None:
    periods = [Period(date(2025, 1, 1), None, verified=False, purpose="work", employer="X")]
    result = eligibility(periods, [], date(2026, 1, 1))
    assert not result.eligible and result.residence_since is None


def test_a_residence_that_ended_long_ago_is_not_current() -> None:
    result = eligibility([work(date(2024, 1, 1), date(2025, 1, 1))], [], date(2026, 1, 1))
    assert not result.condition("residence").met


def test_a_tenancy_counts_as_a_stable_home_even_without_a_job() -> None:
    periods = [Period(date(2025, 1, 1), None, purpose="family", declaration_id=3)]
    result = eligibility(periods, [], date(2026, 1, 1))
    assert result.eligible
    assert not result.condition("job").met
    assert result.condition("home").met and result.condition("home").evidence[0].reference == "D3"


def test_without_tenancy_as_home_it_needs_a_job_home_fact_or_study() -> None:
    rules = Rules(tenancy_is_home=False)
    periods = [Period(date(2025, 1, 1), None, purpose="family")]
    result = eligibility(periods, [], date(2026, 1, 1), rules)
    assert not result.eligible
    assert {c.code for c in result.failed} == {"job", "home", "study"}
    assert all(str(c.hint) for c in result.failed)
    deed = Fact("owned_home", date(2020, 1, 1), reference="deed 2020-123", label="房产证")
    assert eligibility(periods, [deed], date(2026, 1, 1), rules).eligible
    school = Fact("study", date(2025, 9, 1), date(2026, 7, 1), reference="enrolment 88")
    assert eligibility(periods, [school], date(2026, 1, 1), rules).condition("study").met
    assert not eligibility(periods, [school], date(2026, 8, 1), rules).eligible


def test_a_job_is_shown_with_the_declaration_and_the_employment_record() -> None:
    contract = Fact("employment", date(2025, 6, 1), reference="contract 42", label="义乌某公司")
    periods = [work(date(2025, 1, 1), declaration_id=9)]
    job = eligibility(periods, [contract], date(2026, 1, 1)).condition("job")
    assert job.met
    assert [e.reference for e in job.evidence] == ["D9", "contract 42"]
    assert "义乌小商品城" in str(job.reason)


def test_a_declaration_for_work_without_employer_is_not_a_job() -> None:
    periods = [work(date(2025, 1, 1), employer=" ")]
    assert not eligibility(periods, [], date(2026, 1, 1)).condition("job").met


def test_rules_round_trip_and_reject_unknown_keys() -> None:
    rules = Rules(gap_tolerance_days=10, job_purposes=("work",))
    assert Rules.from_dict(rules.to_dict()) == rules
    with pytest.raises(ValueError, match="gap_days"):
        Rules.from_dict({"gap_days": 3})


def test_the_batch_gives_the_same_answers_as_one_by_one() -> None:
    a = [work(date(2025, 1, 1))]
    b = [work(date(2026, 1, 1), date(2026, 2, 1)), work(date(2026, 5, 1))]
    rows = [(1, p) for p in a] + [(2, p) for p in b]
    today = date(2026, 7, 1)
    got = dict(eligibility_batch(rows, {}, today))
    assert got[1].eligible == eligibility(a, [], today).eligible is True
    assert got[2].eligible == eligibility(b, [], today).eligible is False
