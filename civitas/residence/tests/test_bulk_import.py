"""The set-based bulk import gives what filing each row through `do_declare` gives, all-or-nothing and resumable."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import gc
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civitas.accounts.choices import Role
from civitas.core import events as core_events
from civitas.core.models import AuditEvent, DomainEvent
from civitas.documents import idnumbers
from civitas.people.actions import PersonInput
from civitas.people.models import Person
from civitas.residence import actions, bulk_plan
from civitas.residence.bulk import MAX_ROWS, do_import_batch, import_per_row
from civitas.residence.bulk_plan import import_set_based
from civitas.residence.choices import DeclarationSource, DeclarationStatus, Purpose, Relation, RuleCode
from civitas.residence.models import Declaration, DeclarationMember, ImportBatch, Residency, VerificationResult
from civitas.residence.tests.builders import (
    DECLARATION_NUMBER,
    chinese,
    comparable_residence_events,
    declare,
    passport,
    rooms,
)
from civitas.testing.factories import user

pytestmark = pytest.mark.django_db


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


def reported_events(d: Declaration) -> list[tuple[str, str | None, bool]]:
    """The events a declaration records it published: per kind, the stored event's kind and whether it is
    about this declaration (the ids must name the events actually written)."""
    out = []
    for kind, event_id in sorted((d.reported or {}).items()):
        event = DomainEvent.objects.filter(pk=event_id).first()
        out.append((kind, event.kind if event else None, bool(event and event.payload.get("declaration_id") == d.pk)))
    return out


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
                "reported": reported_events(d),
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
    events = comparable_residence_events(person_ref)
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
    assert set_based["rows"][4]["reported"] == [("over_capacity", "residence.over_capacity", True)]
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

    # Fails after the persons, members, residencies and results are written (and the declarations, except on
    # PostgreSQL, where they are written last, once their events have ids).
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


def test_reasons_are_stored_in_the_site_language_and_rejections_reported_in_the_callers_by_both_paths(personas):
    r = rooms(personas)
    today = timezone.localdate()
    caller = "zh-hans" if settings.LANGUAGE_CODE != "zh-hans" else "en"  # e.g. a client's Accept-Language
    rows = [
        row(r[0], chinese("迟", phone=""), move_in=today - datetime.timedelta(days=6)),  # late
        row(r[0], chinese("二", phone="")),
        row(r[0], chinese("三", phone="")),  # over capacity
    ]
    with translation.override(caller):
        per_row, set_based = both_paths(rows, personas["landlord"])
    assert set_based == per_row and set_based["accepted"]
    template = "Declared {late} day(s) after the {limit} allowed after arrival."
    with translation.override(settings.LANGUAGE_CODE):
        site = _(template).split("{")[0]
    with translation.override(caller):
        callers = _(template).split("{")[0]
    assert site != callers
    reasons = {rule: reason for x in set_based["rows"] for rule, passed, reason in x["results"] if not passed}
    assert reasons[RuleCode.ON_TIME].startswith(site)
    bad = [row(r[1], PersonInput(name="坏", doc_kind="resident_id", doc_number="123"))]
    with translation.override(caller):
        per_row, set_based = both_paths(bad, personas["landlord"])
        expected = _("Identity number: it must have 18 characters.")
    assert set_based == per_row and not set_based["accepted"]
    assert set_based["rejected"][0]["errors"][0]["message"] == expected


def test_a_big_batch_draws_distinct_well_formed_declaration_numbers(personas):
    r = rooms(personas)
    rows = [row(r[i % 3], passport(f"GUEST {i}", number=f"N{i:07d}")) for i in range(120)]
    out = do_import_batch("b-numbers", rows, acting_user=user("hotel_numbers", Role.PARTNER))
    numbers = [c["number"] for c in out["created"]]
    assert out["accepted"] and len(set(numbers)) == len(numbers) == 120
    assert all(DECLARATION_NUMBER.fullmatch(n) for n in numbers)
    assert sorted(numbers) == sorted(Declaration.objects.filter(batch_id="b-numbers").values_list("number", flat=True))


@pytest.mark.parametrize("collector_on", [True, False])
def test_the_import_leaves_the_garbage_collector_as_it_found_it(personas, collector_on):
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        out = do_import_batch(
            "b-gc", [row(rooms(personas)[0], chinese("回收", phone=""))], acting_user=personas["landlord"]
        )
        assert out["accepted"] and gc.isenabled() is collector_on
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("model", [Person, Declaration, DeclarationMember, Residency, DomainEvent])
def test_the_batchs_cheap_instances_hold_what_the_model_constructor_gives(model):
    values: dict[str, Any] = {}
    if model is Declaration:
        values = {"number": "261123-ABCDEF", "room_id": 7, "move_in": datetime.date(2026, 1, 2), "foreign": True}
    if model is DomainEvent:
        values = {"kind": "residence.over_capacity", "payload": {"a": 1}}
    built, fast = model(**values), bulk_plan._new(model, values)
    fields = [f.attname for f in model._meta.concrete_fields]
    assert [getattr(fast, f) for f in fields] == [getattr(built, f) for f in fields]
    assert fast._state.adding and fast._state.db is None
    if model is Declaration:  # callable defaults are fresh per instance
        assert fast.reported == {} and fast.reported is not bulk_plan._new(model, values).reported


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002X",
        "11010519491231002x",
        " 110105 19491231002X ",
        "１10105194912310021",
        "1101051949123100",
        "",
    ],
)
def test_the_resident_id_fast_path_cleans_numbers_as_stdnum_does(text):
    from stdnum.cn import ric

    assert idnumbers.clean_resident_id(text) == ric.compact(re.sub(r"\s+", "", text))
