"""The intake worker files a claim of submissions set-based and gets what filing each through `do_declare` gets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.accounts.apiauth import do_issue_api_token
from civitas.accounts.choices import Role
from civitas.core.models import AuditEvent
from civitas.people.models import Person
from civitas.places.choices import PropertyStatus
from civitas.places.models import Room
from civitas.residence import actions, bulk_plan, intake
from civitas.residence.choices import DeclarationStatus, RuleCode, SubmissionStatus
from civitas.residence.models import CheckinSubmission, Declaration
from civitas.residence.tests.builders import chinese, comparable_residence_events, declare, passport, rooms
from civitas.testing.factories import resident_id, user

pytestmark = pytest.mark.django_db
URL = "/api/residence/declarations"


def bearer(u: Any) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": "Bearer " + do_issue_api_token(u, u.username, acting_user=None)}


def submit(body: dict[str, Any], auth: dict[str, Any], **headers: Any) -> int:
    resp = Client().post(URL, body, content_type="application/json", HTTP_PREFER="respond-async", **auth, **headers)
    assert resp.status_code == 202, resp.content
    return int(resp.json()["submission_id"])


def chinese_guest(room: Room, number: str | None = None, **over: Any) -> dict[str, Any]:
    body = {
        "room_id": room.pk,
        "move_in": timezone.localdate().isoformat(),
        "purpose": "work",
        "employer": "义乌小商品城",
        "members": [{"doc_kind": "resident_id", "doc_number": number or resident_id(), "name": "批量"}],
    }
    return {**body, **over}


def foreign_guest(room: Room, number: str, *, hours_ago: int = 2, **person: Any) -> dict[str, Any]:
    arrived = timezone.now() - datetime.timedelta(hours=hours_ago)
    member = {
        "doc_kind": "passport",
        "doc_number": number,
        "name": "GUEST " + number,
        "sex": "M",
        "birth_date": "1988-04-02",
        "nationality": "RUS",
        "doc_expiry": "2032-01-01",
        **person,
    }
    return {
        "room_id": room.pk,
        "move_in": timezone.localdate(arrived).isoformat(),
        "arrived_at": arrived.isoformat(),
        "purpose": "business",
        "members": [member],
    }


def snapshot(ids: list[int]) -> dict[str, Any]:
    """What filing the submissions decided, without ids and random numbers (which differ between runs)."""
    docs = dict(Person.objects.values_list("pk", "doc_index"))
    subs = []
    for sub in CheckinSubmission.objects.filter(pk__in=ids).order_by("id"):
        entry: dict[str, Any] = {"status": sub.status, "errors": sub.error, "attempts": sub.attempts}
        d = sub.declaration
        if d is not None:
            entry.update(
                declaration_key=d.idempotency_key,
                status_of_declaration=d.status,
                days_late=d.days_late,
                foreign=d.foreign,
                room=d.room_id,
                source=d.source,
                by=(d.created_by_id, d.confirmed_by_id),
                confirmed=d.landlord_confirmed_at is not None,
                reported=sorted(d.reported or {}),
                results=sorted(d.results.filter(current=True).values_list("rule", "passed", "reason")),
                members=[(docs[m.person_id], m.relation, m.visa_expiry) for m in d.members.order_by("id")],
                residencies=sorted(
                    (docs[r.person_id], r.counted, r.confirmed, r.start, r.end) for r in d.residencies.all()
                ),
            )
        subs.append(entry)
    events = comparable_residence_events(lambda pk: docs.get(int(pk), pk))
    persons = sorted(
        Person.objects.values_list("doc_index", "doc_country", "name", "birth_date", "division_id", "doc_expiry")
    )
    return {
        "submissions": subs,
        "events": events,
        "persons": persons,
        "declarations": Declaration.objects.count(),
    }


class _Undo(Exception):
    pass


def one_at_a_time() -> None:
    while intake.process_one() is not None:
        pass


def both_paths(ids: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """File the same received submissions one at a time through `do_declare` and set-based in one claim,
    each from the same start."""
    taken: dict[str, dict[str, Any]] = {}
    for name, fn in (("one_at_a_time", one_at_a_time), ("set_based", lambda: intake.process_claim(100))):
        try:
            with transaction.atomic():
                seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
                fn()
                taken[name] = snapshot(ids)
                taken[name]["audited"] = sorted(
                    set(AuditEvent.objects.filter(seq__gt=seq).values_list("action", flat=True))
                )
                raise _Undo
        except _Undo:
            pass
    return taken["one_at_a_time"], taken["set_based"]


@pytest.fixture
def hotel() -> Any:
    return user("hotel_batch", Role.PARTNER)


@pytest.fixture
def known(personas: dict[str, Any]) -> dict[str, Any]:
    """On the other landlord's property: a settled resident, a registered passport and a declaration filed with
    a key; and a watch-listed passport. The hotel's rooms stay empty."""
    other_rooms = list(personas["property_other"].rooms.order_by("number"))
    settled = chinese("钱七", birth=datetime.date(1980, 2, 2), phone="")
    by_other = {"source": "landlord", "acting_user": personas["landlord_other"]}
    declare(other_rooms[0], settled, **by_other)
    declare(other_rooms[1], passport("KNOWN", number="K1234567"), **by_other)
    declare(other_rooms[2], chinese("孙八", phone=""), idempotency_key="pms-used-1", **by_other)
    actions.do_add_to_watch_list("W7777777", "wanted", acting_user=personas["police"])
    return {"settled": settled.doc_number, "other_room": other_rooms[0]}


def mixed_claim(personas: dict[str, Any], hotel: Any, known: dict[str, Any]) -> list[int]:
    """A hotel's and a landlord's submissions: every outcome a submission can have, in one claim."""
    r = rooms(personas)
    auth = bearer(hotel)
    first = resident_id(datetime.date(1991, 5, 5))
    ids = [
        submit(chinese_guest(r[0], first), auth),  # clean: verified
        submit(foreign_guest(r[1], "G1000001", hours_ago=40), auth),  # a foreigner declared late: flagged
        submit(
            chinese_guest(
                r[1],
                members=[
                    {"doc_kind": "resident_id", "doc_number": resident_id(), "name": "父亲"},
                    {
                        "doc_kind": "resident_id",
                        "doc_number": resident_id(datetime.date(2018, 6, 1)),
                        "name": "孩子",
                        "relation": "child",
                    },
                ],
            ),
            auth,
        ),  # a family: the child does not count towards capacity
        submit(chinese_guest(r[0]), auth),  # second in room 0: within capacity
        submit(chinese_guest(r[0]), auth),  # third in room 0: over capacity, an event for the landlord
        submit(chinese_guest(r[2], known["settled"]), auth),  # resident at another property
        submit(foreign_guest(r[2], "W7777777"), auth),  # on the watch list
        submit(foreign_guest(r[1], "K1234567", nationality="YEM", birth_date="1970-01-01"), auth),  # refused
        submit(chinese_guest(r[0], first), auth, HTTP_IDEMPOTENCY_KEY="pms-retry"),  # same guest, room, day
        submit(chinese_guest(r[1], idempotency_key="pms-used-1"), auth),  # another client's key: a new declaration
        submit(foreign_guest(r[2], "E5555555", doc_expiry="2020-01-01"), auth),  # an expired passport
        submit(chinese_guest(r[1], first), auth),  # resident in room 0 since the first submission
    ]
    own = Room.objects.create(property=personas["property"], number="961", area_m2=Decimal("14"), beds=2)
    landlord = bearer(personas["landlord"])
    ids += [
        submit(chinese_guest(own), landlord),  # the landlord's own room: verified
        submit(chinese_guest(known["other_room"]), landlord),  # not the landlord's property: flagged
    ]
    return ids


def test_filing_a_claim_set_based_gives_what_filing_each_submission_through_do_declare_gives(personas, hotel, known):
    ids = mixed_claim(personas, hotel, known)
    one, set_based = both_paths(ids)
    # The set-based run really was one (a failure would have filed one at a time, audited per declaration).
    assert one.pop("audited") == ["person.register", "residence.declare"]
    assert set_based.pop("audited") == ["residence.intake_batch"]
    assert set_based == one
    subs = set_based["submissions"]
    assert [s["status"] for s in subs] == [SubmissionStatus.PROCESSED] * 7 + [SubmissionStatus.REJECTED] + [
        SubmissionStatus.PROCESSED
    ] * 6
    assert [s.get("status_of_declaration") for s in subs] == [
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        None,
        DeclarationStatus.VERIFIED,  # the first submission's declaration, again
        DeclarationStatus.FLAGGED,  # not the other landlord's declaration: the room's third adult
        DeclarationStatus.FLAGGED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
    ]
    failed = [{rule for rule, passed, _r in s.get("results", []) if not passed} for s in subs]
    assert failed[1] == {RuleCode.ON_TIME} and failed[4] == {RuleCode.WITHIN_CAPACITY}
    assert failed[5] == {RuleCode.NOT_RESIDENT_ELSEWHERE} and failed[6] == {RuleCode.NOT_WATCH_LISTED}
    assert failed[10] == {RuleCode.DOCUMENT_VALID, RuleCode.WITHIN_CAPACITY}  # the room's third
    assert failed[11] == {RuleCode.NOT_RESIDENT_ELSEWHERE, RuleCode.WITHIN_CAPACITY}
    assert failed[13] == {RuleCode.LANDLORD_OWNS_PROPERTY}
    assert subs[7]["errors"][0]["field"] == "doc_number" and "another date of birth" in subs[7]["errors"][0]["message"]
    assert subs[8]["declaration_key"] == subs[0]["declaration_key"] == f"{hotel.pk}/intake:{ids[0]}"
    assert subs[9]["declaration_key"] == f"{hotel.pk}/pms-used-1"  # the other landlord's stays theirs
    assert failed[9] == {RuleCode.WITHIN_CAPACITY}
    assert {k for k, *_rest in set_based["events"]} >= {
        "residence.declaration_verified",
        "residence.declaration_late",
        "residence.over_capacity",
    }


def test_a_submission_the_register_refuses_does_not_hold_up_the_others_of_its_claim(personas, hotel, known):
    r = rooms(personas)
    auth = bearer(hotel)
    good = submit(chinese_guest(r[0]), auth)
    bad = submit(foreign_guest(r[1], "K1234567", nationality="YEM", birth_date="1970-01-01"), auth)
    after = submit(chinese_guest(r[1]), auth)
    declared = AuditEvent.objects.filter(action="residence.declare").count()
    assert intake.process_claim() == 3
    assert AuditEvent.objects.filter(action="residence.declare").count() == declared  # filed set-based
    subs = {s.pk: s for s in CheckinSubmission.objects.filter(pk__in=[good, bad, after])}
    assert subs[bad].status == SubmissionStatus.REJECTED and subs[bad].declaration_id is None
    assert subs[bad].error[0]["field"] == "doc_number"
    assert subs[good].status == subs[after].status == SubmissionStatus.PROCESSED
    assert subs[good].declaration.status == subs[after].declaration.status == DeclarationStatus.VERIFIED


def test_each_client_s_claim_is_audited_once_naming_every_submission_declaration_and_person(personas, hotel):
    r = rooms(personas)
    auth = bearer(hotel)
    ids = [submit(chinese_guest(r[i % 3]), auth) for i in range(4)]
    own = Room.objects.create(property=personas["property"], number="962", area_m2=Decimal("14"), beds=2)
    landlords = [submit(chinese_guest(own), bearer(personas["landlord"]))]
    before = AuditEvent.objects.count()
    intake.process_claim()
    records = list(AuditEvent.objects.filter(action="residence.intake_batch").order_by("seq"))
    assert AuditEvent.objects.count() == before + 2 and len(records) == 2
    by_actor = {a.actor_id: a.new for a in records}
    for client, sub_ids in ((hotel, ids), (personas["landlord"], landlords)):
        new = by_actor[client.pk]
        subs = CheckinSubmission.objects.filter(pk__in=sub_ids)
        assert new["submissions"] == sub_ids
        assert sorted(new["declarations"]) == sorted(s.declaration_id for s in subs)
        declared = Declaration.objects.filter(pk__in=new["declarations"]).values_list("members__person_id", flat=True)
        assert sorted(new["persons"]) == sorted(declared)
        assert all(d.created_by_id == client.pk for d in Declaration.objects.filter(pk__in=new["declarations"]))


def test_a_set_based_filing_that_fails_files_its_submissions_one_at_a_time(personas, hotel, monkeypatch):
    r = rooms(personas)
    auth = bearer(hotel)
    ids = [submit(chinese_guest(r[i]), auth) for i in range(3)]

    def lost_race(rows, *, acting_user):  # as when a concurrent check-in registered the same person first
        bulk_plan_result = real(rows, acting_user=acting_user)
        assert bulk_plan_result["declarations"]
        raise IntegrityError("duplicate key value violates unique constraint")

    real = bulk_plan.file_independent
    monkeypatch.setattr(bulk_plan, "file_independent", lost_race)
    assert intake.process_claim() == 3
    subs = list(CheckinSubmission.objects.filter(pk__in=ids).order_by("id"))
    assert [s.status for s in subs] == [SubmissionStatus.PROCESSED] * 3
    assert Declaration.objects.count() == 3  # what the failed filing wrote was rolled back
    assert not AuditEvent.objects.filter(action="residence.intake_batch").exists()
    assert AuditEvent.objects.filter(action="residence.declare").count() == 3


def test_filing_a_claim_costs_the_same_statements_whatever_its_size(personas, hotel):
    auth = bearer(hotel)
    room_list = [
        Room.objects.create(property=personas["property"], number=f"9{i:02d}", area_m2=Decimal("14"), beds=2)
        for i in range(40)
    ]

    def statements(n: int) -> int:
        for room in room_list[:n]:
            submit(chinese_guest(room), auth)
        intake.process_claim()  # warm-up: rule cache, token
        for room in room_list[n : 2 * n]:
            submit(chinese_guest(room), auth)
        with CaptureQueriesContext(connection) as q:
            assert intake.process_claim() == n
        return len([x for x in q if "SAVEPOINT" not in x["sql"]])

    small, large = statements(2), statements(20)
    assert small == large, (small, large)
    assert small <= 25, small


def test_a_property_that_is_not_let_out_is_refused_at_once_and_a_stored_retry_is_still_answered(personas, hotel):
    r = rooms(personas)
    auth = bearer(hotel)
    body = chinese_guest(r[0])
    sid = submit(body, auth, HTTP_IDEMPOTENCY_KEY="pms-9")
    personas["property"].status = PropertyStatus.SUSPENDED
    personas["property"].save(update_fields=["status"])
    # A retry of the stored submission is answered with it, whatever the room's state now.
    assert submit(body, auth, HTTP_IDEMPOTENCY_KEY="pms-9") == sid
    resp = Client().post(URL, chinese_guest(r[1]), content_type="application/json", HTTP_PREFER="respond-async", **auth)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["room"]
    assert "not registered as let out" in resp.json()["errors"][0]["message"]
    assert CheckinSubmission.objects.count() == 1


def test_a_submission_naming_a_registered_person_by_id_is_filed_one_at_a_time(personas, hotel, monkeypatch):
    r = rooms(personas)
    auth = bearer(hotel)
    by_id = submit(chinese_guest(r[0]), auth)
    plain = submit(chinese_guest(r[1]), auth)
    registered = declare(r[2], chinese("周九", phone=""), source="landlord", acting_user=personas["landlord"])
    person_id = registered.members.get().person_id
    real = intake._input_of

    def naming_by_id(sub):  # as the bulk import, a person named by id takes the reference path
        data = real(sub)
        if sub.pk == by_id:
            data.members[0].person, data.members[0].person_id = None, person_id
        return data

    monkeypatch.setattr(intake, "_input_of", naming_by_id)
    declared = AuditEvent.objects.filter(action="residence.declare").count()
    assert intake.process_claim() == 2
    subs = {s.pk: s for s in CheckinSubmission.objects.filter(pk__in=[by_id, plain])}
    assert subs[by_id].status == subs[plain].status == SubmissionStatus.PROCESSED
    assert subs[by_id].declaration.members.get().person_id == person_id
    assert AuditEvent.objects.filter(action="residence.declare").count() == declared + 1  # do_declare's own
    batch = AuditEvent.objects.get(action="residence.intake_batch")
    assert batch.new["submissions"] == [plain]
