"""Ranking: hard constraints exclude, the score prefers, and every evaluation explains itself."""

import random

import pytest

from civitas.mediation.dispatch import (
    AT_CAPACITY,
    CONFLICT_OF_INTEREST,
    LACKS_SKILL,
    NO_SHARED_LANGUAGE,
    OFF_DUTY,
    Candidate,
    CandidatePool,
    Dispute,
    Weights,
    evaluate,
    rank,
    why_none,
)

W = Weights()


def cand(id: int, langs: str = "zh", skills: str = "trade", kind: str = "peoples", **kw) -> Candidate:
    return Candidate(id=id, kind=kind, languages=frozenset(langs.split(",")), skills=frozenset(skills.split(",")), **kw)


def dispute(*party_langs: str, category: str = "trade", **kw) -> Dispute:
    return Dispute(id=1, category=category, party_languages=tuple(frozenset(p.split(",")) for p in party_langs), **kw)


def codes(e) -> set[str]:
    return {r.code for r in e.reasons}


def test_a_mediator_must_share_a_language_with_each_party_not_just_one():
    d = dispute("ar", "zh")
    only_arabic = evaluate(d, cand(1, "ar,en"), W)
    both = evaluate(d, cand(2, "ar,zh"), W)
    assert not only_arabic.eligible and NO_SHARED_LANGUAGE in codes(only_arabic)
    assert both.eligible


def test_off_duty_full_unskilled_and_conflicted_mediators_are_excluded_with_their_reason():
    d = dispute("zh", "zh", party_keys=frozenset({"person:7"}))
    assert OFF_DUTY in codes(evaluate(d, cand(1, on_duty=False), W))
    assert AT_CAPACITY in codes(evaluate(d, cand(2, load=5, max_load=5), W))
    assert LACKS_SKILL in codes(evaluate(d, cand(3, skills="family"), W))
    assert CONFLICT_OF_INTEREST in codes(evaluate(d, cand(4, conflicts=frozenset({"person:7"})), W))
    assert evaluate(d, cand(5), W).eligible


def test_a_foreign_party_prefers_a_foreign_mediator_and_a_hometown_case_a_fellow_provincial():
    foreign = dispute("ar,en", "zh", foreign=True)
    ranked = rank(foreign, [cand(1, "zh,ar,en"), cand(2, "zh,ar,en", kind="foreign")], W)
    assert ranked[0].candidate_id == 2 and "foreign_mediator" in codes(ranked[0])
    laoxiang = dispute("zh", "zh", hometown_province="36")
    ranked = rank(laoxiang, [cand(1, home_province="41"), cand(2, kind="hometown", home_province="36")], W)
    assert ranked[0].candidate_id == 2 and "same_hometown" in codes(ranked[0])


def test_distance_load_and_rating_lower_or_raise_the_score():
    d = dispute("zh", "zh", lat=29.30, lon=120.07)
    near = cand(1, lat=29.31, lon=120.07)
    far = cand(2, lat=29.40, lon=120.20)
    busy = cand(3, lat=29.31, lon=120.07, load=3)
    liked = cand(4, lat=29.31, lon=120.07, rating=5.0)
    order = [e.candidate_id for e in rank(d, [near, far, busy, liked], W)]
    assert order == [4, 1, 3, 2]


def test_ineligible_candidates_rank_after_every_eligible_one_and_keep_their_reasons():
    d = dispute("ru")
    ranked = rank(d, [cand(1, "zh"), cand(2, "ru,zh")], W)
    assert [e.eligible for e in ranked] == [True, False]
    assert ranked[1].as_dict()["reasons"][0]["code"] == NO_SHARED_LANGUAGE


def test_why_none_names_the_language_gap_when_nobody_on_duty_speaks_the_party_language():
    d = dispute("sw", "zh")
    reason, counts = why_none(rank(d, [cand(1, "zh,en"), cand(2, "sw,zh", on_duty=False)], W))
    assert reason == NO_SHARED_LANGUAGE and counts[OFF_DUTY] == 1
    reason, _ = why_none(rank(d, [cand(2, "sw,zh", on_duty=False)], W))
    assert reason == OFF_DUTY


def test_weights_are_data_and_unknown_weights_are_refused():
    w = Weights.from_mapping({"foreign_for_foreign": 0, "same_hometown": "50"})
    assert w.foreign_for_foreign == 0 and w.same_hometown == 50
    with pytest.raises(ValueError):
        Weights.from_mapping({"charm": 3})


def test_the_vectorised_pool_ranks_like_the_plain_ranking():
    rng = random.Random(7)
    langs = ["zh", "en", "ar", "ru", "es", "fr"]
    cats = ["trade", "wages", "rental"]
    cands = [
        cand(
            i,
            ",".join(["zh", *rng.sample(langs, 2)]),
            ",".join(rng.sample(cats, 2)),
            kind=rng.choice(["peoples", "foreign", "hometown", "lawyer"]),
            home_province=rng.choice(["36", "41", ""]),
            load=rng.randint(0, 4),
            max_load=4,
            rating=rng.uniform(2, 5),
            on_duty=rng.random() > 0.2,
            lat=29.3 + rng.random() / 10 if rng.random() > 0.3 else None,
            lon=120.0 + rng.random() / 10,
            township=rng.choice(["a", "b"]),
            conflicts=frozenset({"person:1"}) if i % 17 == 0 else frozenset(),
        )
        for i in range(1, 200)
    ]
    pool = CandidatePool(cands)
    for k in range(30):
        d = Dispute(
            id=k,
            category=rng.choice(cats),
            party_languages=(frozenset(rng.sample(langs, 2)), frozenset({"zh"})),
            party_keys=frozenset({"person:1"}),
            foreign=rng.random() > 0.5,
            hometown_province=rng.choice(["", "36"]),
            lat=29.35,
            lon=120.05,
            township="a",
            high_risk=rng.random() > 0.7,
        )
        plain = [e for e in rank(d, cands, W, exclude=frozenset({5})) if e.eligible][:5]
        fast = pool.rank(d, W, exclude={5}, top=5)
        assert [e.candidate_id for e in fast] == [e.candidate_id for e in plain]
        assert [round(e.score, 6) for e in fast] == [round(e.score, 6) for e in plain]
