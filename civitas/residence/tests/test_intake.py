"""Asynchronous intake (`Prefer: respond-async`): a machine client's check-in is checked for what can fail fast,
stored once (encrypted), answered 202, and filed by the worker through the same action as the synchronous path."""

import datetime
import io
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from civitas.accounts.apiauth import do_issue_api_token
from civitas.accounts.choices import Role
from civitas.places.models import Room
from civitas.residence import actions, bulk_plan, intake
from civitas.residence.choices import DeclarationStatus, RuleCode, SubmissionStatus
from civitas.residence.models import CheckinSubmission, Declaration
from civitas.residence.tests.builders import rooms
from civitas.testing.factories import resident_id, user

pytestmark = pytest.mark.django_db
ASYNC = {"HTTP_PREFER": "respond-async"}
URL = "/api/residence/declarations"


def guest(room_id, number=None, **over):
    data = {
        "room_id": room_id,
        "move_in": timezone.localdate().isoformat(),
        "purpose": "work",
        "employer": "义乌小商品城",
        "members": [{"doc_kind": "resident_id", "doc_number": number or resident_id(), "name": "异步"}],
    }
    data.update(over)
    return data


def late_foreign_guest(room_id, number="R1122334"):
    """A foreigner declared two days after arrival: flagged (24 h limit), with a failed rule and its reason."""
    arrived = timezone.now() - datetime.timedelta(days=2)
    return guest(
        room_id,
        arrived_at=arrived.isoformat(),
        move_in=timezone.localdate(arrived).isoformat(),
        purpose="business",
        members=[
            {
                "doc_kind": "passport",
                "doc_number": number,
                "name": "OLGA IVANOVA",
                "sex": "F",
                "birth_date": "1990-01-01",
                "nationality": "RUS",
                "doc_expiry": "2032-01-01",
            }
        ],
    )


def token_of(name):
    u = user(name, Role.PARTNER)
    return u, {"HTTP_AUTHORIZATION": "Bearer " + do_issue_api_token(u, name, acting_user=None)}


@pytest.fixture
def hotel(personas):
    return token_of("hotel_async")[1]


def submit(body, auth, **headers):
    return Client().post(URL, body, content_type="application/json", **auth, **ASYNC, **headers)


def status_of(resp_or_id, auth):
    sid = resp_or_id if isinstance(resp_or_id, int) else resp_or_id.json()["submission_id"]
    return Client().get(f"/api/residence/submissions/{sid}", **auth)


def test_an_async_submission_is_answered_202_with_a_status_url_and_filed_later_by_the_worker(personas, hotel):
    resp = submit(guest(rooms(personas)[0].pk), hotel)
    assert resp.status_code == 202, resp.content
    body = resp.json()
    assert body["status"] == "received"
    assert body["status_url"] == f"/api/residence/submissions/{body['submission_id']}"
    assert resp["Location"] == body["status_url"] and resp["Preference-Applied"] == "respond-async"
    assert not Declaration.objects.exists()
    before = status_of(resp, hotel).json()
    assert before["status"] == "received" and before["declaration"] is None
    assert intake.process_batch() == 1
    after = status_of(resp, hotel).json()
    assert after["status"] == "processed" and after["processed_at"]
    assert after["declaration"]["status"] == DeclarationStatus.VERIFIED
    assert after["declaration"]["source"] == "hotel_api"


def test_without_the_prefer_header_a_check_in_is_still_filed_synchronously(personas, hotel):
    resp = Client().post(URL, guest(rooms(personas)[0].pk), content_type="application/json", **hotel)
    assert resp.status_code == 201 and resp.json()["number"]
    assert not CheckinSubmission.objects.exists()


COMPARED = ("status", "source", "room_id", "move_in", "purpose", "employer", "days_late", "foreign", "arrived_at")


def _comparable(decl: dict) -> dict:
    return {
        **{k: decl[k] for k in COMPARED},
        "members": [(m["doc_masked"], m["relation"], m["nationality"]) for m in decl["members"]],
        "results": sorted((r["rule"], r["passed"], r["reason"]) for r in decl["results"]),
    }


@pytest.mark.parametrize("make", [guest, late_foreign_guest], ids=["verified", "flagged late foreigner"])
def test_a_processed_submission_carries_what_the_synchronous_check_in_gives_for_the_same_input(personas, hotel, make):
    body = make(rooms(personas)[0].pk) if make is late_foreign_guest else make(rooms(personas)[0].pk, resident_id())
    with transaction.atomic():  # the synchronous answer for the same input, then forgotten
        sync = Client().post(URL, body, content_type="application/json", **hotel)
        assert sync.status_code == 201, sync.content
        expected = _comparable(sync.json())
        transaction.set_rollback(True)
    assert not Declaration.objects.exists()
    resp = submit(body, hotel)
    intake.process_batch()
    got = status_of(resp, hotel).json()
    assert got["status"] == "processed"
    assert _comparable(got["declaration"]) == expected
    if make is late_foreign_guest:
        assert got["declaration"]["status"] == DeclarationStatus.FLAGGED
        assert any(r["rule"] == RuleCode.ON_TIME and not r["passed"] for r in got["declaration"]["results"])


def test_a_retried_submission_returns_the_same_submission_and_files_one_declaration(personas, hotel):
    room = rooms(personas)[0].pk
    body = guest(room)
    first = submit(body, hotel, HTTP_IDEMPOTENCY_KEY="pms-4711")
    again = submit(body, hotel, HTTP_IDEMPOTENCY_KEY="pms-4711")
    assert first.status_code == again.status_code == 202
    assert first.json()["submission_id"] == again.json()["submission_id"]
    # Without a key the declarant, room and move-in date identify the submission, as in the synchronous path.
    other = guest(room)
    assert submit(other, hotel).json()["submission_id"] == submit(other, hotel).json()["submission_id"]
    assert CheckinSubmission.objects.count() == 2
    intake.process_batch()
    replay = submit(body, hotel, HTTP_IDEMPOTENCY_KEY="pms-4711")
    assert replay.json()["status"] == "processed"
    assert Declaration.objects.count() == 2 and CheckinSubmission.objects.count() == 2


def test_long_client_keys_that_share_their_first_80_characters_are_different_submissions(personas, hotel):
    room = rooms(personas)[0].pk
    stem = "pms-" + "x" * 90
    first = submit(guest(room), hotel, HTTP_IDEMPOTENCY_KEY=stem + "-1")
    second = submit(guest(room), hotel, HTTP_IDEMPOTENCY_KEY=stem + "-2")
    again = submit(guest(room), hotel, HTTP_IDEMPOTENCY_KEY=stem + "-1")
    assert first.status_code == second.status_code == again.status_code == 202
    assert first.json()["submission_id"] != second.json()["submission_id"]
    assert again.json()["submission_id"] == first.json()["submission_id"]
    keys = set(CheckinSubmission.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all(k.startswith("sha256:") and len(k) <= 80 for k in keys)


def test_a_received_submission_is_stored_with_the_models_defaults(personas, hotel):
    resp = submit(guest(rooms(personas)[0].pk), hotel, HTTP_IDEMPOTENCY_KEY="defaults-1")
    sub = CheckinSubmission.objects.get(pk=resp.json()["submission_id"])
    assert (sub.status, sub.error, sub.attempts, sub.last_error) == (SubmissionStatus.RECEIVED, [], 0, "")
    assert sub.declaration_id is None and sub.processed_at is None and sub.next_attempt_at is None
    assert sub.key == "defaults-1" and sub.source == "hotel_api"
    assert abs((timezone.now() - sub.received_at).total_seconds()) < 60
    assert list(intake.due()) == [sub]


def test_an_account_with_submissions_cannot_be_deleted_though_the_database_does_not_enforce_it(personas):
    from django.db.models import ProtectedError

    client, auth = token_of("hotel_kept")
    resp = submit(guest(rooms(personas)[0].pk), auth)
    assert resp.status_code == 202
    with pytest.raises(ProtectedError) as refused:
        client.delete()
    assert {type(o) for o in refused.value.protected_objects} == {CheckinSubmission}
    assert CheckinSubmission.objects.filter(client=client).count() == 1


@pytest.mark.parametrize(
    "over, field",
    [
        ({"members": [{"doc_kind": "resident_id", "doc_number": "11010519491231002Y", "name": "错"}]}, "doc_number"),
        ({"purpose": "holiday"}, "purpose"),
        ({"move_in": (datetime.date.today() + datetime.timedelta(days=9)).isoformat()}, "move_in"),
        ({"room_id": 987654}, "room"),
        ({"members": []}, "members"),
    ],
    ids=["check digit", "purpose", "future move-in", "unknown room", "nobody"],
)
def test_invalid_input_gets_the_synchronous_422_with_field_and_rule_and_nothing_is_stored(personas, hotel, over, field):
    resp = submit({**guest(rooms(personas)[0].pk), **over}, hotel)
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    assert not CheckinSubmission.objects.exists()


def test_a_role_that_may_not_declare_is_refused_before_anything_is_stored(personas):
    client = Client()
    client.force_login(personas["analyst"])
    resp = client.post(URL, guest(rooms(personas)[0].pk), content_type="application/json", **ASYNC)
    assert resp.status_code == 403
    assert not CheckinSubmission.objects.exists()


def test_another_clients_submission_is_not_found(personas, hotel):
    resp = submit(guest(rooms(personas)[0].pk), hotel)
    _other, other_auth = token_of("hotel_other")
    assert status_of(resp, other_auth).status_code == 404
    assert status_of(resp, hotel).status_code == 200


def test_the_stored_payload_shows_no_identity_number_in_the_database(personas, hotel):
    number = resident_id()
    resp = submit(guest(rooms(personas)[0].pk, number), hotel)
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM {CheckinSubmission._meta.db_table}")
        rows = c.fetchall()
    assert len(rows) == 1
    assert number not in repr(rows) and number[-8:] not in repr(rows)
    sub = CheckinSubmission.objects.get(pk=resp.json()["submission_id"])
    assert intake.payload_of(sub)["members"][0]["doc_number"] == number


def test_a_submission_the_register_refuses_is_rejected_with_the_field_and_reason(personas, hotel):
    room = rooms(personas)[0].pk
    submit(late_foreign_guest(room, "R5556667"), hotel)
    intake.process_batch()
    # The same passport with another birth date: only the register can tell, so the worker rejects it.
    body = late_foreign_guest(rooms(personas)[1].pk, "R5556667")
    body["members"][0]["birth_date"] = "1991-02-02"
    resp = submit(body, hotel)
    assert resp.status_code == 202
    intake.process_batch()
    got = status_of(resp, hotel).json()
    assert got["status"] == SubmissionStatus.REJECTED and got["declaration"] is None
    assert got["errors"][0]["field"] == "doc_number" and got["errors"][0]["message"]
    assert Declaration.objects.count() == 1


def test_an_unexpected_failure_is_retried_later_without_blocking_the_submissions_behind_it(
    personas, hotel, monkeypatch
):
    first = submit(guest(rooms(personas)[0].pk), hotel).json()["submission_id"]
    second = submit(guest(rooms(personas)[1].pk), hotel).json()["submission_id"]
    real = actions.do_declare
    calls = Counter()

    def flaky(data, *, acting_user):
        calls[data.room_id] += 1
        if data.room_id == rooms(personas)[0].pk and calls[data.room_id] == 1:
            raise RuntimeError("database hiccup")
        return real(data, acting_user=acting_user)

    def broken(rows, *, acting_user):
        raise RuntimeError("set-based filing broke")

    # The set-based filing of the claim fails as a whole: each submission is then filed on its own.
    monkeypatch.setattr(bulk_plan, "file_independent", broken)
    monkeypatch.setattr(actions, "do_declare", flaky)
    assert intake.process_batch() == 2
    stuck = CheckinSubmission.objects.get(pk=first)
    assert stuck.status == SubmissionStatus.RECEIVED and stuck.attempts == 1
    assert stuck.next_attempt_at > timezone.now() and stuck.last_error == "RuntimeError"
    assert CheckinSubmission.objects.get(pk=second).status == SubmissionStatus.PROCESSED
    assert intake.process_batch() == 0  # not due yet
    CheckinSubmission.objects.filter(pk=first).update(next_attempt_at=timezone.now())
    assert intake.process_batch() == 1
    assert CheckinSubmission.objects.get(pk=first).status == SubmissionStatus.PROCESSED


def test_the_worker_still_enforces_room_capacity(personas, hotel):
    room = Room.objects.create(property=personas["property"], number="951", area_m2=Decimal("14"), beds=2)
    for _ in range(3):
        submit(guest(room.pk), hotel)
    intake.process_batch()
    decls = Declaration.objects.filter(room=room).order_by("id")
    assert [d.status for d in decls] == [DeclarationStatus.VERIFIED, DeclarationStatus.VERIFIED, "flagged"]
    assert not decls[2].results.get(current=True, rule=RuleCode.WITHIN_CAPACITY).passed


def test_the_management_command_files_the_received_submissions(personas, hotel):
    from django.core.management import call_command

    resp = submit(guest(rooms(personas)[0].pk), hotel)
    call_command("residence_intake_work", "--once", stdout=io.StringIO())
    assert status_of(resp, hotel).json()["status"] == "processed"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs SKIP LOCKED (CIVITAS_DB=postgres)")
def test_two_concurrent_workers_file_each_submission_exactly_once_and_keep_capacity(
    transactional_db, personas, monkeypatch
):
    _u, auth = token_of("hotel_pg")
    room = Room.objects.create(property=personas["property"], number="952", area_m2=Decimal("14"), beds=2)
    ids = [submit(guest(room.pk), auth).json()["submission_id"] for _ in range(12)]
    real_one, real_set = actions.do_declare, bulk_plan.file_independent
    calls: Counter = Counter()  # declarant's document -> times filed (set-based or one at a time)
    lock = threading.Lock()

    def counted_one(data, *, acting_user):
        decl = real_one(data, acting_user=acting_user)
        with lock:
            calls[data.members[0].person.doc_number] += 1
        return decl

    def counted_set(rows, *, acting_user):
        filed = real_set(rows, acting_user=acting_user)
        with lock:
            for c in filed["created"]:
                calls[rows[c["row"]].members[0].person.doc_number] += 1
        return filed

    monkeypatch.setattr(actions, "do_declare", counted_one)
    monkeypatch.setattr(bulk_plan, "file_independent", counted_set)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    done: list[int] = []

    def worker():
        try:
            barrier.wait()
            done.append(intake.work(once=True, claim=3))  # small claims, so both workers take some
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(done) == 12 and len(calls) == 12 and set(calls.values()) == {1}
    subs = CheckinSubmission.objects.filter(pk__in=ids)
    assert all(s.status == SubmissionStatus.PROCESSED for s in subs)
    decls = Declaration.objects.filter(room=room)
    assert decls.count() == 12 and len({s.declaration_id for s in subs}) == 12
    assert decls.filter(status=DeclarationStatus.VERIFIED).count() == 2
    assert decls.filter(status=DeclarationStatus.FLAGGED).count() == 10


def test_accepting_an_async_submission_costs_one_statement(personas, hotel):
    from django.test.utils import CaptureQueriesContext

    first, second = rooms(personas)[:2]
    submit(guest(first.pk), hotel)  # warm-up (token, caches)
    body = guest(second.pk)
    with CaptureQueriesContext(connection) as q:
        resp = submit(body, hotel)
    assert resp.status_code == 202
    # One statement: the insert that also checks the room and skips a used key (no transaction around it).
    assert [x["sql"].split()[0] for x in q] == ["INSERT"], [x["sql"][:90] for x in q]
    again = CheckinSubmission.objects.get(pk=resp.json()["submission_id"])
    assert intake.payload_of(again)["room_id"] == second.pk and again.status == SubmissionStatus.RECEIVED


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _store(personas, hotel, n, room_index=0):
    room = rooms(personas)[room_index].pk
    for _ in range(n):
        assert submit(guest(room), hotel).status_code == 202


def test_the_intake_waits_out_a_peak_of_arrivals_and_files_when_it_has_passed(personas, hotel):
    clock = FakeClock()
    pacer = intake.Pacer(above=2.0, max_lag=300, clock=clock)
    _store(personas, hotel, 1)
    assert pacer.defer()  # the first look has no rate yet: waits to measure it
    clock.t += 1.0
    _store(personas, hotel, 3)  # 3 per second, above 2
    assert intake.process_batch(pacer=pacer) == 0
    assert CheckinSubmission.objects.filter(status=SubmissionStatus.RECEIVED).count() == 4
    clock.t += 0.5
    assert pacer.defer()  # too soon to measure again: still a peak
    clock.t += 1.0
    _store(personas, hotel, 1)  # the peak has passed: 1 in 1.5 s
    assert intake.process_batch(pacer=pacer) == 5
    assert not CheckinSubmission.objects.filter(status=SubmissionStatus.RECEIVED).exists()


def test_at_a_peak_a_submission_older_than_the_maximum_lag_is_filed_anyway(personas, hotel):
    clock = FakeClock()
    pacer = intake.Pacer(above=2.0, max_lag=60, clock=clock)
    pacer.defer()
    clock.t += 1.0
    _store(personas, hotel, 3)
    assert pacer.defer()
    CheckinSubmission.objects.update(received_at=timezone.now() - datetime.timedelta(seconds=61))
    assert not pacer.defer()
    assert intake.process_batch(pacer=pacer) == 3


def test_a_worker_that_starts_after_a_quiet_second_files_at_once(personas, hotel):
    clock = FakeClock()
    pacer = intake.Pacer(above=2.0, max_lag=300, clock=clock)
    _store(personas, hotel, 2)
    assert pacer.defer()
    clock.t += 1.0
    assert not pacer.defer()  # nothing arrived in that second
    assert intake.process_batch(pacer=pacer) == 2


def test_the_worker_run_once_files_everything_whatever_the_arrival_rate(personas, hotel):
    _store(personas, hotel, 3)
    assert intake.work(once=True, defer_above=0.001, idle_sleep=0) == 3
