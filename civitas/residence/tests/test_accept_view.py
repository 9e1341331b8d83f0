"""The asynchronous check-in's direct view accepts exactly as the django-ninja operation it stands in front of,
and leaves every request it does not handle (synchronous check-ins, sessions, bad bodies, unknown tokens,
roles that may not declare) to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civitas.accounts.choices import Role
from civitas.places.choices import PropertyStatus
from civitas.residence import acceptview, intake
from civitas.residence.models import CheckinSubmission
from civitas.residence.tests.builders import rooms
from civitas.residence.tests.test_intake_batch import URL, bearer, chinese_guest, foreign_guest
from civitas.testing.direct import count_direct_answers
from civitas.testing.direct import operation_only as only_the_operation
from civitas.testing.factories import PASSWORD, user

pytestmark = pytest.mark.django_db


def post(body: Any, auth: dict[str, Any], *, lang: str = "en", **extra: Any) -> Any:
    extra.setdefault("HTTP_PREFER", "respond-async")
    content_type = extra.pop("content_type", "application/json")
    return Client(HTTP_ACCEPT_LANGUAGE=lang).post(URL, body, content_type=content_type, **auth, **extra)


@pytest.fixture
def direct_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the requests the direct view answered itself (None: handed to the operation)."""
    return count_direct_answers(monkeypatch, acceptview, "_fast_accept")


def operation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_the_operation(monkeypatch, acceptview, "_fast_accept")


@pytest.fixture
def hotel(personas: dict[str, Any]) -> dict[str, Any]:
    return bearer(user("hotel_direct", Role.PARTNER))


def comparable(response: Any) -> tuple[int, list[str], str, str, bytes]:
    """The answer with the submission's id taken out (each answer stores its own submission)."""
    body = response.json()
    sub = CheckinSubmission.objects.get(pk=body["submission_id"])
    url = f"/api/residence/submissions/{sub.pk}"
    assert body == {"submission_id": sub.pk, "status": "received", "status_url": url}
    assert response["Location"] == url
    return (
        response.status_code,
        list(body),
        response["Content-Type"],
        response["Preference-Applied"],
        response.content.replace(str(sub.pk).encode(), b"<id>"),
    )


def test_the_direct_202_equals_the_operations_for_a_guest_and_a_retry(personas, hotel, monkeypatch, direct_calls):
    r = rooms(personas)
    direct = post(chinese_guest(r[0]), hotel, HTTP_IDEMPOTENCY_KEY="pms-1")
    direct_retry = post(chinese_guest(r[1]), hotel, HTTP_IDEMPOTENCY_KEY="pms-1")  # same key: the stored one
    assert direct_calls == [202, 202]
    operation_only(monkeypatch)
    through_ninja = post(foreign_guest(r[0], "E1234567"), hotel, HTTP_IDEMPOTENCY_KEY="pms-2")
    ninja_retry = post(foreign_guest(r[1], "E7654321"), hotel, HTTP_IDEMPOTENCY_KEY="pms-2")
    assert comparable(direct) == comparable(through_ninja)
    assert direct_retry.json() == direct.json() and ninja_retry.json() == through_ninja.json()
    assert CheckinSubmission.objects.count() == 2
    sub = CheckinSubmission.objects.get(pk=direct.json()["submission_id"])
    assert intake.payload_of(sub)["room_id"] == r[0].pk  # the body as the operation would have stored it


@pytest.mark.parametrize(
    "case",
    ["bad_document", "room_not_let", "unknown_room"],
)
def test_a_refusal_is_the_operations_422_in_the_callers_language(personas, hotel, monkeypatch, case, direct_calls):
    r = rooms(personas)
    body = chinese_guest(r[0])
    if case == "bad_document":
        body["members"][0]["doc_number"] = "11010519491231002Y"
    elif case == "room_not_let":
        prop = r[0].property
        prop.status = PropertyStatus.SUSPENDED
        prop.save(update_fields=["status"])
    else:
        body["room_id"] = 999_999
    direct = post(body, hotel, lang="zh-hans")
    assert direct_calls == [422]
    operation_only(monkeypatch)
    through_ninja = post(body, hotel, lang="zh-hans")
    assert direct.status_code == through_ninja.status_code == 422
    assert direct.json() == through_ninja.json()
    assert CheckinSubmission.objects.count() == 0


def handed_over(case: str, body: dict[str, Any], auth: dict[str, Any]) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The body, authorisation and extra request arguments of an asynchronous check-in changed as `case` says,
    into a request the direct view (and the fast lane) leaves to the operation."""
    data: Any = body
    extra: dict[str, Any] = {}
    if case == "no_prefer":
        extra["HTTP_PREFER"] = "return=representation"
    elif case == "no_token":
        auth = {}
    elif case == "unknown_token":
        auth = {"HTTP_AUTHORIZATION": "Bearer cvt_not-a-token"}
    elif case == "malformed_json":
        data = '{"room_id": 1,'
    elif case == "schema_refuses":
        data = {**body, "move_in": "not a date"}
    elif case == "not_json":
        extra["content_type"] = "text/plain"
        data = "room_id=1"
    return data, auth, extra


@pytest.mark.parametrize(
    "case",
    ["no_prefer", "no_token", "unknown_token", "malformed_json", "schema_refuses", "not_json", "get"],
)
def test_every_other_request_is_handed_to_the_operation(personas, hotel, case, direct_calls):
    body, auth, extra = handed_over(case, chinese_guest(rooms(personas)[0]), dict(hotel))
    if case == "get":
        response = Client().get(URL, **auth)
        assert response.status_code == 200
    else:
        response = post(body, auth, **extra)
    expected = {
        "no_prefer": 201,
        "no_token": 401,
        "unknown_token": 401,
        "malformed_json": 400,
        "schema_refuses": 422,
        "not_json": 400,
        "get": 200,
    }[case]
    assert response.status_code == expected, response.content
    assert direct_calls == []


def test_a_role_that_may_not_declare_gets_the_operations_403(personas, monkeypatch):
    auth = bearer(personas["analyst"])
    direct = post(chinese_guest(rooms(personas)[0]), auth)
    operation_only(monkeypatch)
    through_ninja = post(chinese_guest(rooms(personas)[0]), auth)
    assert direct.status_code == through_ninja.status_code == 403
    assert direct.json() == through_ninja.json()


def test_a_browser_session_goes_through_the_operation_and_its_csrf_check(personas, direct_calls):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="landlord", password=PASSWORD)
    body = chinese_guest(rooms(personas)[0])
    refused = client.post(URL, body, content_type="application/json", HTTP_PREFER="respond-async")
    assert refused.status_code == 403 and direct_calls == []
    client.get("/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        URL, body, content_type="application/json", HTTP_PREFER="respond-async", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 202 and direct_calls == []
