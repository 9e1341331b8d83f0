"""Rule simulation on a small example computed by hand.

Last year, three landlords:
  A (township 330782001): fire_hazard -2, group_renting -4                 -> 6
  B (township 330782001): tenant_late -1 three times (automatic, events)   -> 9
  C (township 330782100): household_file_incomplete -4 in March (8), then helping_out x5 in May
                          (capped at +3 a month)                           -> 11
Rules in force: A crosses reminder (<=9) and training (<=6); B reminder; C reminder (at 8), none at end.
Draft: group_renting -6, tenant_late -2, helping_out dropped (0).
  A: 12-2-6 = 4 -> reminder, training.  B: 12-6 = 6 -> reminder, training.  C: 8 -> reminder, at end 8.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from civitas.core import events
from civitas.credit import actions, ledger, replay_batch, simulation
from civitas.testing.factories import person, rental_property


def _facts(personas: dict[str, Any], record: Any, capture: Any) -> tuple[int, Any]:
    year = timezone.localdate().year - 1
    a = personas["landlord_person"]
    b = person("赵房东", division=personas["g2"])
    rental_property(personas["g2"], b)
    c = personas["other_landlord_person"]
    record("fire_hazard", on=datetime.date(year, 2, 1), subject=a)
    record("group_renting", on=datetime.date(year, 4, 1), subject=a)
    for month in (3, 6, 9):
        with capture(execute=True):
            events.emit(
                "residence.declaration_late",
                subject=("landlord", b.pk),
                division_code="330782001001002",
                occurred_at=timezone.make_aware(datetime.datetime(year, month, 3, 10)),
                payload={
                    "credit": {
                        "scheme": "landlord-12",
                        "rule": "tenant_late",
                        "subject_type": "landlord",
                        "subject_id": b.pk,
                    }
                },
            )
    actions.do_record_violation(
        scheme_code="landlord-12",
        rule_code="household_file_incomplete",
        subject_id=c.pk,
        occurred_on=datetime.date(year, 3, 1),
        note="file lacks 2 tenants",
        division_code="330782100001001",
        acting_user=personas["police_other"],
    )
    for day in range(1, 6):
        actions.do_record_violation(
            scheme_code="landlord-12",
            rule_code="helping_out",
            subject_id=c.pk,
            occurred_on=datetime.date(year, 5, day),
            division_code="330782100001001",
            acting_user=personas["police_other"],
        )
    return year, c


def test_replaying_last_year_under_the_rules_in_force_matches_the_hand_count(
    personas: dict[str, Any], record: Any, landlord_scheme: Any, django_capture_on_commit_callbacks: Any
) -> None:
    year, _c = _facts(personas, record, django_capture_on_commit_callbacks)
    in_force = ledger.rule_set_in_force(landlord_scheme, timezone.localdate())
    assert in_force is not None
    result = simulation.replay(landlord_scheme, in_force, year)
    rows = {r.code: r for r in result.rows}
    assert (result.subjects, result.facts, result.ignored_facts) == (3, 11, 0)
    assert rows["reminder"].crossed == {"330782001": 2, "330782100": 1}
    assert rows["reminder"].at_end == {"330782001": 2}
    assert rows["training"].crossed == {"330782001": 1}
    assert rows["suspension"].crossed == {}


def test_replaying_last_year_under_a_draft_shows_who_would_cross(
    personas: dict[str, Any], record: Any, landlord_scheme: Any, django_capture_on_commit_callbacks: Any
) -> None:
    year, _c = _facts(personas, record, django_capture_on_commit_callbacks)
    draft = actions.do_draft_rule_set(
        landlord_scheme,
        effective_from=timezone.localdate(),
        points={"group_renting": -6, "tenant_late": -2, "helping_out": 0},
        acting_user=personas["admin"],
    )
    result = simulation.replay(landlord_scheme, draft, year)
    rows = {r.code: r for r in result.rows}
    assert result.ignored_facts == 5  # helping_out no longer exists in the draft
    assert rows["reminder"].crossed == {"330782001": 2, "330782100": 1}
    assert rows["reminder"].at_end == {"330782001": 2, "330782100": 1}
    assert rows["training"].crossed == {"330782001": 2}
    assert rows["training"].at_end_total == 2


def test_a_reversed_entry_is_not_a_fact_to_replay(personas: dict[str, Any], record: Any, landlord_scheme: Any) -> None:
    year = timezone.localdate().year - 1
    entry = record("household_file_missing", on=datetime.date(year, 5, 5))
    actions._reverse(entry, note="annulled", acting_user=personas["admin"])
    in_force = ledger.rule_set_in_force(landlord_scheme, timezone.localdate())
    assert in_force is not None
    result = simulation.replay(landlord_scheme, in_force, year)
    assert result.facts == 0


def test_the_sql_replay_gives_the_same_answer_as_the_reference(
    personas: dict[str, Any], record: Any, landlord_scheme: Any, django_capture_on_commit_callbacks: Any
) -> None:
    year, _c = _facts(personas, record, django_capture_on_commit_callbacks)
    in_force = ledger.rule_set_in_force(landlord_scheme, timezone.localdate())
    assert in_force is not None
    draft = actions.do_draft_rule_set(
        landlord_scheme,
        effective_from=timezone.localdate(),
        points={"group_renting": -6, "tenant_late": -2, "helping_out": 0},
        thresholds={"training": (None, 7)},
        acting_user=personas["admin"],
    )
    for rule_set in (in_force, draft):
        for scope in (None, "330782001"):
            reference = simulation.replay(landlord_scheme, rule_set, year, scope_code=scope).as_dict()
            assert simulation.replay_sql(landlord_scheme, rule_set, year, scope_code=scope).as_dict() == reference
            assert replay_batch.replay_numpy(landlord_scheme, rule_set, year, scope_code=scope).as_dict() == reference


def test_both_replays_agree_on_random_merchant_histories_with_two_sided_grade_bands(
    personas: dict[str, Any], merchant_scheme: Any
) -> None:
    import random

    from civitas.credit.models import Rule

    rng = random.Random(5)
    year = timezone.localdate().year - 1
    v1 = ledger.rule_set_in_force(merchant_scheme, timezone.localdate())
    assert v1 is not None
    rules = list(Rule.objects.filter(rule_set=v1))
    for subject in range(1, 16):
        town = rng.choice(["330782001", "330782100"])
        for _ in range(rng.randint(1, 9)):
            day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            ledger.post(
                scheme=merchant_scheme,
                rule=rng.choice(rules),
                subject_type="merchant",
                subject_id=subject,
                day=day,
                division_code=town + "001001",
            )
    draft = actions.do_draft_rule_set(
        merchant_scheme,
        effective_from=timezone.localdate(),
        points={"complaint_upheld": -8, "volunteer_service": 3, "honest_trading_award": 0},
        thresholds={"grade_b": (97, 109), "grade_c": (75, 96), "grade_d": (None, 74)},
        acting_user=personas["admin"],
    )
    for rule_set in (v1, draft):
        sql = simulation.replay_sql(merchant_scheme, rule_set, year).as_dict()
        assert sql == simulation.replay(merchant_scheme, rule_set, year).as_dict()
        assert replay_batch.replay_numpy(merchant_scheme, rule_set, year).as_dict() == sql
        assert sql["subjects"] == 15


def test_all_replays_agree_on_random_landlord_years_with_caps_same_day_facts_moves_and_reversals(
    personas: dict[str, Any], landlord_scheme: Any
) -> None:
    """Bursts of helping out hit the monthly cap, several facts share a day, landlords move between
    townships (the latest fact's township counts) and some entries are reversed."""
    import random

    from civitas.credit.models import Rule

    rng = random.Random(11)
    year = timezone.localdate().year - 1
    v1 = ledger.rule_set_in_force(landlord_scheme, timezone.localdate())
    assert v1 is not None
    rules = {r.code: r for r in Rule.objects.filter(rule_set=v1)}
    codes = ["helping_out", "helping_out", "tenant_late", "fire_hazard", "self_inspection_clean", "group_renting"]
    towns = ["330782001001001", "330782100001001", "330782002001001", ""]
    for subject in range(1, 41):
        for _ in range(rng.randint(1, 12)):
            posting = ledger.post(
                scheme=landlord_scheme,
                rule=rules[rng.choice(codes)],
                subject_type="landlord",
                subject_id=subject,
                day=datetime.date(year, rng.choice((3, 3, 4, 12)), rng.choice((1, 1, 2, 28))),
                division_code=rng.choice(towns),
            )
            if rng.random() < 0.1:
                ledger.post(
                    scheme=landlord_scheme,
                    rule=posting.entry.rule,
                    subject_type="landlord",
                    subject_id=subject,
                    day=posting.entry.occurred_on,
                    reverses=posting.entry,
                )
    draft = actions.do_draft_rule_set(
        landlord_scheme,
        effective_from=timezone.localdate(),
        points={"helping_out": 2, "tenant_late": -3, "self_inspection_clean": 0},
        thresholds={"training": (None, 8)},
        acting_user=personas["admin"],
    )
    for rule_set in (v1, draft):
        for scope in (None, "330782100"):
            reference = simulation.replay(landlord_scheme, rule_set, year, scope_code=scope).as_dict()
            assert simulation.replay_sql(landlord_scheme, rule_set, year, scope_code=scope).as_dict() == reference
            assert replay_batch.replay_numpy(landlord_scheme, rule_set, year, scope_code=scope).as_dict() == reference
            portable = replay_batch.replay_numpy(landlord_scheme, rule_set, year, scope_code=scope, portable=True)
            assert portable.as_dict() == reference
    assert reference["subjects"] != 0


def test_the_vectorised_replay_of_a_year_without_facts_counts_nobody(landlord_scheme: Any) -> None:
    in_force = ledger.rule_set_in_force(landlord_scheme, timezone.localdate())
    assert in_force is not None
    result = replay_batch.replay_numpy(landlord_scheme, in_force, 1999)
    assert result.as_dict() == simulation.replay(landlord_scheme, in_force, 1999).as_dict()
    assert (result.subjects, result.facts) == (0, 0)
