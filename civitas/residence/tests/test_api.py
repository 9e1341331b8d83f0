"""The API: same validation as the web, token auth for machine clients, idempotent and all-or-nothing bulk."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from civitas.accounts.apiauth import do_issue_api_token
from civitas.accounts.choices import Role
from civitas.residence.models import Declaration, ImportBatch
from civitas.residence.tests.builders import rooms
from civitas.testing.factories import resident_id, user

pytestmark = pytest.mark.django_db


def row(room_id, **over):
    data = {
        "room_id": room_id,
        "move_in": timezone.localdate().isoformat(),
        "purpose": "work",
        "members": [{"doc_kind": "resident_id", "doc_number": resident_id(), "name": "周杰"}],
    }
    data.update(over)
    return data


def hotel_guest(room_id, number):
    arrived = timezone.now() - datetime.timedelta(hours=2)
    return row(
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


@pytest.fixture
def hotel(personas):
    u = user("hotel_api", Role.PARTNER)
    return {"HTTP_AUTHORIZATION": "Bearer " + do_issue_api_token(u, "hotel", acting_user=None)}


def test_a_hotel_system_with_a_token_files_a_guest_and_a_retry_is_idempotent(personas, hotel):
    client = Client()
    body = {**hotel_guest(rooms(personas)[0].pk, "R7654321"), "idempotency_key": "guest-1"}
    first = client.post("/api/residence/declarations", body, content_type="application/json", **hotel)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "verified" and first.json()["source"] == "hotel_api"
    again = client.post("/api/residence/declarations", body, content_type="application/json", **hotel)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Declaration.objects.count() == 1


def test_two_hotel_systems_using_the_same_key_each_get_their_own_declaration(personas, hotel):
    other = user("hotel_api_2", Role.PARTNER)
    other_auth = {"HTTP_AUTHORIZATION": "Bearer " + do_issue_api_token(other, "hotel", acting_user=None)}
    client = Client()
    first_body = {**hotel_guest(rooms(personas)[0].pk, "R7654321"), "idempotency_key": "1"}
    second_body = {**hotel_guest(rooms(personas)[1].pk, "R1234567"), "idempotency_key": "1"}
    first = client.post("/api/residence/declarations", first_body, content_type="application/json", **hotel)
    second = client.post("/api/residence/declarations", second_body, content_type="application/json", **other_auth)
    assert first.status_code == 201 and second.status_code == 201, second.content
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["room_id"] == rooms(personas)[1].pk  # not the first hotel's guest replayed
    again = client.post("/api/residence/declarations", second_body, content_type="application/json", **other_auth)
    assert again.status_code == 200 and again.json()["id"] == second.json()["id"]
    assert Declaration.objects.count() == 2


def test_a_very_long_idempotency_key_is_kept_as_its_digest_and_still_deduplicates(personas, hotel):
    client = Client()
    body = {**hotel_guest(rooms(personas)[0].pk, "R7654321"), "idempotency_key": "k" * 300}
    first = client.post("/api/residence/declarations", body, content_type="application/json", **hotel)
    assert first.status_code == 201, first.content
    again = client.post("/api/residence/declarations", body, content_type="application/json", **hotel)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert len(Declaration.objects.get().idempotency_key) <= 100


def test_the_api_applies_the_same_document_validation_as_the_web(personas, hotel):
    bad = row(
        rooms(personas)[0].pk, members=[{"doc_kind": "resident_id", "doc_number": "11010519491231002Y", "name": "错"}]
    )
    resp = Client().post("/api/residence/declarations", bad, content_type="application/json", **hotel)
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "doc_number"


def test_a_bulk_batch_is_all_or_nothing_reports_each_bad_row_and_is_resumable(personas, hotel):
    client = Client()
    r = rooms(personas)
    good = [hotel_guest(r[i].pk, f"B00000{i}") for i in range(3)]
    bad = row(r[0].pk, members=[{"doc_kind": "resident_id", "doc_number": "123", "name": "坏"}])
    resp = client.post(
        "/api/residence/import",
        {"batch_id": "b1", "rows": [*good[:2], bad, good[2]]},
        content_type="application/json",
        **hotel,
    )
    body = resp.json()
    assert resp.status_code == 200 and body["accepted"] is False
    assert [x["row"] for x in body["rejected"]] == [2] and body["rejected"][0]["errors"][0]["field"] == "doc_number"
    assert not Declaration.objects.exists()
    fixed = client.post(
        "/api/residence/import", {"batch_id": "b1", "rows": good}, content_type="application/json", **hotel
    ).json()
    assert fixed["accepted"] and len(fixed["created"]) == 3 and Declaration.objects.count() == 3
    retry = client.post(
        "/api/residence/import", {"batch_id": "b1", "rows": good}, content_type="application/json", **hotel
    ).json()
    assert retry["replayed"] and Declaration.objects.count() == 3 and ImportBatch.objects.count() == 1


def test_the_landlord_confirms_and_the_officer_lists_residents_through_the_api(personas, hotel):
    tenant = Client()
    landlord = Client()
    landlord.force_login(personas["landlord"])
    police = Client()
    police.force_login(personas["police"])
    created = landlord.post("/api/residence/declarations", row(rooms(personas)[0].pk), content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "verified"
    listed = police.get("/api/residence/residents", {"division": "330782001"}).json()
    assert [x["declaration_id"] for x in listed] == [created.json()["id"]]
    listed = police.get("/api/residence/declarations", {"status": "verified"})
    assert listed.status_code == 200, listed.content
    assert listed.json()[0]["number"] == created.json()["number"]
    assert tenant.get("/api/residence/declarations").status_code == 401
    assert Client().get("/api/residence/residents", **hotel).status_code == 403


def test_a_tenant_checks_in_through_the_public_api_with_an_sms_code(personas):
    import re

    from civitas.core import sms
    from civitas.residence import actions, qr

    code = actions.do_issue_code(personas["property"], acting_user=personas["landlord"])
    token = qr.code_token(code)
    client = Client()
    info = client.get(f"/api/residence/checkin/{token}").json()
    assert len(info["rooms"]) == 3
    challenge = client.post(
        f"/api/residence/checkin/{token}/phone-code", {"phone": "13912345678"}, content_type="application/json"
    ).json()["challenge_id"]
    sent = re.search(r"\d{6}", sms.OUTBOX[-1][1]).group(0)
    body = {
        **row(info["rooms"][0]["id"]),
        "phone": "13912345678",
        "challenge_id": challenge,
        "code": sent,
        "idempotency_key": "tenant-1",
    }
    first = client.post(f"/api/residence/checkin/{token}", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["status"] == "submitted"
    again = client.post(f"/api/residence/checkin/{token}", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert client.get(first.json()["receipt_url"]).status_code == 200
    other_room = personas["property_other"].rooms.first().pk
    wrong = client.post(
        f"/api/residence/checkin/{token}",
        {**body, "room_id": other_room, "idempotency_key": "x"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
