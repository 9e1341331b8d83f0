"""Batch assignment equals the brute-force optimum on small cases, and respects capacity."""

import itertools
import random

from civitas.mediation.dispatch import Candidate, Dispute, Weights, batch_assign, evaluate

W = Weights()


def brute_force(disputes, candidates) -> float:
    options = [None, *range(len(candidates))]
    best = 0.0
    for choice in itertools.product(options, repeat=len(disputes)):
        used = [0] * len(candidates)
        total = 0.0
        ok = True
        for d, j in zip(disputes, choice, strict=True):
            if j is None:
                continue
            used[j] += 1
            e = evaluate(d, candidates[j], W)
            if not e.eligible or used[j] > candidates[j].spare:
                ok = False
                break
            total += e.score
        if ok:
            best = max(best, total)
    return best


def random_case(rng: random.Random):
    langs = ["zh", "ar", "en", "ru"]
    candidates = [
        Candidate(
            id=j + 1,
            kind=rng.choice(["peoples", "foreign", "hometown"]),
            languages=frozenset(rng.sample(langs, rng.randint(1, 3))),
            skills=frozenset(rng.sample(["trade", "wages"], rng.randint(1, 2))),
            home_province=rng.choice(["36", "41"]),
            load=rng.randint(0, 2),
            max_load=rng.randint(1, 3),
            rating=rng.uniform(2.5, 5),
            lat=29.3 + rng.random() / 5,
            lon=120.0 + rng.random() / 5,
        )
        for j in range(rng.randint(1, 4))
    ]
    disputes = [
        Dispute(
            id=100 + i,
            category=rng.choice(["trade", "wages"]),
            party_languages=(frozenset(rng.sample(langs, rng.randint(1, 2))), frozenset({"zh"})),
            foreign=rng.random() > 0.5,
            hometown_province=rng.choice(["", "36", "41"]),
            lat=29.3 + rng.random() / 5,
            lon=120.0 + rng.random() / 5,
        )
        for i in range(rng.randint(1, 5))
    ]
    return disputes, candidates


def test_batch_assignment_equals_the_brute_force_optimum_on_many_small_cases():
    rng = random.Random(2026)
    for _ in range(150):
        disputes, candidates = random_case(rng)
        result = batch_assign(disputes, candidates, W)
        assert abs(result.total - brute_force(disputes, candidates)) < 1e-6


def test_a_mediator_with_two_free_places_takes_two_cases_and_no_more():
    c = Candidate(id=1, kind="peoples", languages=frozenset({"zh"}), skills=frozenset({"trade"}), load=1, max_load=3)
    disputes = [Dispute(id=i, category="trade", party_languages=(frozenset({"zh"}),)) for i in range(3)]
    result = batch_assign(disputes, [c], W)
    assert sorted(v for v in result.assignments.values() if v) == [1, 1]
    assert list(result.assignments.values()).count(None) == 1


def test_batch_gives_the_only_arabic_speaker_to_the_case_that_needs_arabic():
    arabic = Candidate(
        id=1,
        kind="foreign",
        languages=frozenset({"zh", "ar"}),
        skills=frozenset({"trade"}),
        max_load=1,
        rating=5.0,
    )
    chinese = Candidate(id=2, kind="peoples", languages=frozenset({"zh"}), skills=frozenset({"trade"}), max_load=1)
    local = Dispute(id=10, category="trade", party_languages=(frozenset({"zh"}),))
    foreign = Dispute(id=11, category="trade", party_languages=(frozenset({"ar"}), frozenset({"zh"})), foreign=True)
    # Greedy in arrival order would hand the local case to the better-rated Arabic speaker.
    result = batch_assign([local, foreign], [arabic, chinese], W)
    assert result.assignments == {10: 2, 11: 1}


def test_nobody_eligible_leaves_the_case_unassigned():
    c = Candidate(id=1, kind="peoples", languages=frozenset({"zh"}), skills=frozenset({"trade"}))
    d = Dispute(id=1, category="trade", party_languages=(frozenset({"sw"}),))
    assert batch_assign([d], [c], W).assignments == {1: None}
