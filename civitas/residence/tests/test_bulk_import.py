"""The set-based bulk import gives what filing each row through `do_declare` gives, all-or-nothing and resumable."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import re
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from civitas.accounts.choices import Role
from civitas.core import events as core_events
from civitas.core.models import AuditEvent, DomainEvent
from civitas.people.actions import PersonInput
from civitas.people.models import Person
from civitas.residence import actions
from civitas.residence.bulk import MAX_ROWS, do_import_batch, import_per_row
from civitas.residence.bulk_plan import import_set_based
from civitas.residence.choices import DeclarationSource, DeclarationStatus, Purpose, Relation, RuleCode
from civitas.residence.models import Declaration, ImportBatch, Residency, VerificationResult
from civitas.residence.tests.builders import chinese, declare, passport, rooms
from civitas.testing.factories import user

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"\d{6}-[2-9A-Z]{6}")


def row(
    room: Any, *people: PersonInput, source: str = DeclarationSource.LANDLORD, **kw: Any
) -> actions.DeclarationInput:
    relations = kw.pop("relations", None) or [Relation.SELF] + [Relation.CHILD] * (len(people) - 1)
    return actions.DeclarationInput(
        room_id=room if isinstance(room, int) else room.pk,
        members=[actions.MemberInput(person=p, relation=r) for p, r in zip(people, relations, strict=True)],
        move_in=kw.pop("move_in", None) or timezone.localdate(),
        purpose=kw.pop("purpose", Purpose.WORK),
        employer=kw.pop("employer", "义乌小商品城"),
        source=source,
        **kw,
    )


def snapshot(outcome: dict[str, Any]) -> dict[str, Any]:
    """Everything a batch decided, without ids and random numbers (which differ between runs)."""
    docs = dict(Person.objects.values_list("pk", "doc_index"))

    def person_ref(pk: Any) -> str:
        return docs.get(int(pk), str(pk))

    rows = []
    for c in outcome["created"]:
        d = Declaration.objects.get(pk=c["id"])
        assert c["status"] == d.status and c["number"] == d.number
        rows.append(
            {
                "row": c["row"],
                "status": d.status,
                "days_late": d.days_late,
                "foreign": d.foreign,
                "room": d.room_id,
                "source": d.source,
                "confirmed": d.landlord_confirmed_at is not None,
                "by": (d.created_by_id, d.confirmed_by_id),
                "batch": d.batch_id,
                "reported": sorted(d.reported or {}),
                "results": sorted(d.results.filter(current=True).values_list("rule", "passed", "reason")),
                "members": [(person_ref(m.person_id), m.relation, m.visa_expiry) for m in d.members.order_by("id")],
                "residencies": sorted(
                    (person_ref(r.person_id), r.counted, r.confirmed, r.start, r.end) for r in d.residencies.all()
                ),
            }
        )
    persons = sorted(
        Person.objects.values_list("doc_index", "doc_country", "name", "birth_date", "division_id", "doc_expiry")
    )
    events = sorted(
        (
            e.kind,
            e.subject_type,
            person_ref(e.subject_id) if e.subject_type == "person" else e.subject_id,
            tuple(
                sorted(
                    (k, NUMBER.sub("#", str(v)))
                    for k, v in e.payload.items()
                    if k not in ("declaration_id", "number", "person_id")
                )
            ),
        )
        for e in DomainEvent.objects.filter(kind__startswith="residence.")
    )
    return {
        "accepted": outcome["accepted"],
        "rows": rows,
        "rejected": outcome["rejected"],
        "persons": persons,
        "events": events,
        "residencies": Residency.objects.count(),
    }


class _Undo(Exception):
    pass


def both_paths(rows: list[actions.DeclarationInput], acting_user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Import the same rows through the reference path and the set-based path, each from the same start."""
    taken: dict[str, dict[str, Any]] = {}
    for name, fn in (("per_row", import_per_row), ("set_based", import_set_based)):
        try:
            with transaction.atomic():
                taken[name] = snapshot(fn("b-1", copy.deepcopy(rows), acting_user=acting_user))
                raise _Undo
        except _Undo:
            pass
    return taken["per_row"], taken["set_based"]


@pytest.fixture
def known(personas: dict[str, Any]) -> dict[str, Any]:
    """A person already resident elsewhere, a watch-listed passport and a declaration filed with a key."""
    other_room = personas["property_other"].rooms.order_by("number").first()
    settled = chinese("钱七", birth=datetime.date(1980, 2, 2), phone="")
    declare(other_room, settled, source="landlord", acting_user=personas["landlord_other"])
    actions.do_add_to_watch_list("W7777777", "wanted", acting_user=personas["police"])
    keyed = declare(
        rooms(personas)[2],
        chinese("孙八", phone=""),
        source="landlord",
        acting_user=personas["landlord"],
        idempotency_key="client-key-1",
    )
    return {"settled": settled, "other_room": other_room, "keyed": keyed}


def test_set_based_import_gives_the_same_statuses_reasons_persons_and_events_as_the_per_row_path(personas, known):
    r = rooms(personas)
    today = timezone.localdate()
    a = chinese("甲", phone="")
    watched = passport("WATCHED MAN", number="W7777777")
    rows = [
        row(r[0], a),  # clean: verified
        row(r[1], chinese("乙", phone=""), move_in=today - datetime.timedelta(days=6)),  # late
        row(r[2], chinese("丙", phone=""), chinese("丙子", birth=datetime.date(2018, 6, 1), phone="")),  # family
        row(r[0], chinese("丁", phone="")),  # second in the room: within capacity
        row(r[0], chinese("戊", phone="")),  # third: over capacity
        row(r[1], known["settled"]),  # already resident at another property
        row(r[1], a),  # resident in room 0 since row 0 of this batch
        row(r[0], a),  # the same declarant, room and day as row 0: a retry
        row(r[2], passport("OLD PASSPORT", number="E5555555", expiry=datetime.date(2020, 1, 1))),
        row(known["other_room"], watched),  # watch list, and not this landlord's property
        row(r[2], chinese("己", phone=""), idempotency_key="client-key-1"),  # key already used
        row(r[1], chinese("庚", phone=""), source=DeclarationSource.TENANT_QR),  # not vouched for: no events
    ]
    per_row, set_based = both_paths(rows, personas["landlord"])
    assert per_row["accepted"] and set_based["accepted"]
    assert set_based == per_row
    statuses = [x["status"] for x in set_based["rows"]]
    assert statuses == [
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,  # a tenant's own filing, into a room already full
    ]
    assert not set_based["rows"][11]["confirmed"] and set_based["rows"][11]["reported"] == []
    failed = {x["row"]: {rule for rule, passed, _r in x["results"] if not passed} for x in set_based["rows"]}
    assert failed[1] == {RuleCode.ON_TIME} and failed[4] == {RuleCode.WITHIN_CAPACITY}
    assert failed[5] == {RuleCode.NOT_RESIDENT_ELSEWHERE}
    assert failed[6] == {RuleCode.NOT_RESIDENT_ELSEWHERE, RuleCode.WITHIN_CAPACITY}  # the room's third
    assert failed[8] == {RuleCode.DOCUMENT_VALID, RuleCode.WITHIN_CAPACITY}
    assert failed[9] == {RuleCode.NOT_WATCH_LISTED, RuleCode.LANDLORD_OWNS_PROPERTY}


def test_a_hotel_batch_of_foreign_guests_matches_the_per_row_path(personas):
    hotel = user("hotel_api", Role.PARTNER)
    now = timezone.now()
    r = rooms(personas)
    rows = []
    for i in range(6):
        arrived = now - datetime.timedelta(hours=2 if i % 2 else 40)  # every other guest declared late
        rows.append(
            row(
                r[i % 3],
                passport(f"GUEST {i}", number=f"G100000{i}", nationality="RUS"),
                source=DeclarationSource.HOTEL_API,
                arrived_at=arrived,
                move_in=timezone.localdate(arrived),
                purpose=Purpose.BUSINESS,
            )
        )
    per_row, set_based = both_paths(rows, hotel)
    assert set_based == per_row and set_based["accepted"]
    assert {x["days_late"] for x in set_based["rows"]} == {0, 1}


def test_rejected_rows_are_reported_with_field_and_rule_reasons_by_both_paths(personas, known):
    r = rooms(personas)
    today = timezone.localdate()
    twin = chinese("双", phone="")
    known_passport = passport("KNOWN", number="K1234567")
    declare(r[2], known_passport, source="landlord", acting_user=personas["landlord"])
    rows = [
        row(r[0], chinese("好", phone="")),
        row(r[0], PersonInput(name="坏", doc_kind="resident_id", doc_number="123")),
        row(r[0], chinese("未来", phone=""), move_in=today + datetime.timedelta(days=9)),
        row(999_999, chinese("无房", phone="")),
        row(r[1], chinese("小孩", birth=today.replace(year=today.year - 10), phone="")),
        row(r[1], twin, twin),
        row(r[1], dataclasses.replace(known_passport, birth_date=datetime.date(1970, 1, 1))),
        row(r[1], chinese("父", phone=""), PersonInput(name="", doc_kind="passport", doc_number="x")),
    ]
    per_row, set_based = both_paths(rows, personas["landlord"])
    assert set_based == per_row
    assert not set_based["accepted"] and set_based["rows"] == []
    fields = {x["row"]: [e["field"] for e in x["errors"]] for x in set_based["rejected"]}
    assert fields == {
        1: ["doc_number"],
        2: ["move_in"],
        3: ["room"],
        4: ["members"],
        5: ["members"],
        6: ["doc_number"],
        7: fields[7],
    }
    assert fields[7] and all(f.startswith("members.1.") for f in fields[7])
    assert all(e["message"] for x in set_based["rejected"] for e in x["errors"])
    assert "registered to a person with another date of birth" in set_based["rejected"][5]["errors"][0]["message"]


def test_a_batch_with_a_bad_row_writes_nothing_and_the_fixed_batch_lands_whole(personas):
    r = rooms(personas)
    persons_before, audits_before = Person.objects.count(), AuditEvent.objects.count()
    rows = [
        row(r[0], chinese("一", phone="")),
        row(r[1], PersonInput(name="坏", doc_kind="resident_id", doc_number="1")),
    ]
    out = do_import_batch("b-7", rows, acting_user=personas["landlord"])
    assert not out["accepted"] and [x["row"] for x in out["rejected"]] == [1] and out["created"] == []
    assert not Declaration.objects.exists() and Person.objects.count() == persons_before
    assert ImportBatch.objects.get(batch_id="b-7").accepted is False
    fixed = do_import_batch("b-7", [rows[0], row(r[1], chinese("二", phone=""))], acting_user=personas["landlord"])
    assert fixed["accepted"] and [c["status"] for c in fixed["created"]] == ["verified", "verified"]
    assert Declaration.objects.filter(batch_id="b-7").count() == 2
    batch_audit = AuditEvent.objects.filter(action="residence.import_batch").get()
    assert sorted(batch_audit.new["declarations"]) == sorted(c["id"] for c in fixed["created"])
    assert AuditEvent.objects.count() == audits_before + 1  # one record for the batch, not one per row


def test_a_failure_while_writing_the_batch_rolls_the_whole_batch_back(personas, monkeypatch):
    r = rooms(personas)
    persons_before = Person.objects.count()

    def broken(*args: Any, **kw: Any) -> None:
        raise RuntimeError("disk full")

    # Fails after the persons, declarations, members, residencies and results are written.
    monkeypatch.setattr(core_events, "emit_many", broken)
    with pytest.raises(RuntimeError):
        do_import_batch(
            "b-9",
            [row(r[0], chinese("一", phone="")), row(r[1], chinese("二", phone=""))],
            acting_user=personas["landlord"],
        )
    assert not Declaration.objects.exists() and not Residency.objects.exists()
    assert not VerificationResult.objects.exists()
    assert Person.objects.count() == persons_before and not ImportBatch.objects.exists()
    assert not DomainEvent.objects.filter(kind__startswith="residence.").exists()


def test_a_resumed_batch_creates_nothing_new_and_returns_the_earlier_report(personas):
    r = rooms(personas)
    rows = [row(r[i], chinese(f"客{i}", phone="")) for i in range(3)]
    first = do_import_batch("b-2", copy.deepcopy(rows), acting_user=personas["landlord"])
    counts = (
        Declaration.objects.count(),
        Person.objects.count(),
        DomainEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    again = do_import_batch("b-2", copy.deepcopy(rows), acting_user=personas["landlord"])
    assert again["replayed"] and again["created"] == first["created"]
    assert (
        Declaration.objects.count(),
        Person.objects.count(),
        DomainEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    # Another client's batch with the same id is its own batch.
    other = do_import_batch("b-2", [row(r[0], chinese("别人", phone=""))], acting_user=personas["landlord_other"])
    assert other["accepted"] and not other["replayed"]


def test_a_batch_is_limited_and_needs_an_id(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_import_batch(" ", [], acting_user=personas["landlord"])
    with pytest.raises(ValidationError):
        do_import_batch("big", [row(rooms(personas)[0], chinese())] * (MAX_ROWS + 1), acting_user=personas["landlord"])


def test_the_set_based_path_uses_a_fixed_number_of_queries_whatever_the_batch_size(
    personas, django_assert_max_num_queries
):
    r = rooms(personas)
    rows = [row(r[i % 3], chinese(f"批{i}", phone="")) for i in range(60)]
    with django_assert_max_num_queries(40):
        out = do_import_batch("b-q", rows, acting_user=personas["landlord"])
    assert out["accepted"] and len(out["created"]) == 60


def test_a_batch_of_room_changes_goes_through_the_per_row_reference_path(personas):
    r = rooms(personas)
    old = declare(r[0], chinese("换房", phone=""), source="landlord", acting_user=personas["landlord"])
    member = old.members.get()
    change = actions.DeclarationInput(
        room_id=r[1].pk,
        members=[actions.MemberInput(person_id=member.person_id)],
        move_in=timezone.localdate(),
        purpose=Purpose.WORK,
        source=DeclarationSource.LANDLORD,
        supersedes_id=old.pk,
    )
    out = do_import_batch("b-change", [change], acting_user=personas["landlord"])
    assert out["accepted"] and out["created"][0]["status"] == DeclarationStatus.VERIFIED
    old.refresh_from_db()
    assert old.status == DeclarationStatus.SUPERSEDED
