"""The one-pass batch gives exactly the verdicts of the per-person eligibility function."""

from __future__ import annotations

import datetime
import random

from civitas.permits.batch import EPOCH, day_number, evaluate
from civitas.permits.eligibility import Fact, Period, Rules, eligibility

D = datetime.date


def _random_people(rng: random.Random, n: int) -> dict[int, list[Period]]:
    people: dict[int, list[Period]] = {}
    for pid in range(1, n + 1):
        day = D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
        periods = []
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(5, 400)
            end = None if rng.random() < 0.3 else day + datetime.timedelta(days=length)
            periods.append(
                Period(
                    day,
                    end,
                    verified=rng.random() < 0.85,
                    purpose=rng.choice(("work", "business", "study", "family")),
                    employer=rng.choice(("", "某厂")),
                )
            )
            if end is None:
                break
            day = end + datetime.timedelta(days=rng.choice((0, 3, 20, 29, 30, 31, 60)))
        people[pid] = periods
    return people


def _rows(people: dict[int, list[Period]]) -> list[tuple[int, int, int | None, bool, str, bool]]:
    return [
        (
            pid,
            day_number(p.start),
            None if p.end is None else day_number(p.end),
            p.verified,
            p.purpose,
            bool(p.employer),
        )
        for pid, periods in sorted(people.items())
        for p in sorted(periods, key=lambda p: p.start)
    ]


def test_batch_verdicts_match_the_per_person_function_on_random_histories() -> None:
    rng = random.Random(5)
    people = _random_people(rng, 600)
    for today in (D(2025, 3, 1), D(2026, 7, 15), D(2027, 1, 31)):
        for rules in (Rules(), Rules(gap_tolerance_days=0, tenancy_is_home=False), Rules(min_residence_months=12)):
            batch = evaluate(_rows(people), today, rules)
            got = batch.as_dict()
            for pid, periods in people.items():
                single = eligibility(periods, [], today, rules)
                assert got[pid] == single.eligible, (pid, today, rules)
                i = int((batch.person_id == pid).nonzero()[0][0])
                since = None if batch.since[i] < 0 else EPOCH + datetime.timedelta(days=int(batch.since[i]))
                assert since == single.residence_since
                assert bool(batch.job[i]) == single.condition("job").met


def test_recorded_facts_count_in_the_batch_too() -> None:
    people = {1: [Period(D(2025, 1, 1), None, purpose="family")]}
    rules = Rules(tenancy_is_home=False)
    assert not evaluate(_rows(people), D(2026, 1, 1), rules).as_dict()[1]
    assert evaluate(_rows(people), D(2026, 1, 1), rules, {"owned_home": {1}}).as_dict()[1]
    assert eligibility(people[1], [Fact("owned_home", D(2020, 1, 1))], D(2026, 1, 1), rules).eligible
