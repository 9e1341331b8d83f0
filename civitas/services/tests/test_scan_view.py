"""The scan route's direct view answers exactly as the django-ninja operation it stands in front of, and
leaves every request it does not handle (sessions, bad bodies, unknown tokens, non-partners) to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civitas.accounts.apiauth import do_issue_api_token
from civitas.services import actions, scanview
from civitas.services.models import CardVerification
from civitas.services.signing import card_token
from civitas.testing.direct import count_direct_answers
from civitas.testing.direct import operation_only as only_the_operation
from civitas.testing.factories import PASSWORD

URL = "/api/services/cards/verify"


def post(client: Client, data: Any, raw: str | None = None, **extra: Any) -> Any:
    if raw is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    content_type = extra.pop("content_type", "application/json")
    return client.post(URL, data, content_type=content_type, **extra)


@pytest.fixture
def direct_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the requests the direct view answered itself (None: handed to the operation)."""
    return count_direct_answers(monkeypatch, scanview, "_fast_answer")


def operation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    only_the_operation(monkeypatch, scanview, "_fast_answer")


@pytest.mark.parametrize("scenario", ["bus", "market", "hotel"])
def test_the_direct_answer_equals_the_operations_answer_for_each_scenario(
    card, bus, seller, scenario, monkeypatch, direct_calls
):
    user = seller[1] if scenario == "market" else bus[1]
    raw = do_issue_api_token(user, "device", acting_user=None)
    direct = post(Client(HTTP_ACCEPT_LANGUAGE="ru"), {"code": card_token(card), "scenario": scenario}, raw)
    assert direct_calls == [200]
    operation_only(monkeypatch)
    through_ninja = post(Client(HTTP_ACCEPT_LANGUAGE="ru"), {"code": card_token(card), "scenario": scenario}, raw)
    assert direct.status_code == through_ninja.status_code == 200
    assert direct.json() == through_ninja.json()
    assert direct["Content-Type"] == through_ninja["Content-Type"]
    expected = "not_allowed" if scenario == "hotel" else "valid"
    assert direct.json()["result"] == expected
    assert CardVerification.objects.filter(card=card, scenario=scenario, result=expected).count() == 2


@pytest.mark.parametrize("state", ["revoked", "suspended", "forged", "malformed"])
def test_a_failing_card_gets_the_same_refusal_in_the_callers_language(card, bus, state, monkeypatch):
    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    code = card_token(card)
    if state == "revoked":
        actions.do_revoke_card(card, note="lost", acting_user=None)
    elif state == "suspended":
        actions.do_suspend_card(card, note="check", acting_user=None)
    elif state == "forged":
        code = code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB")
    else:
        code = "not a card"
    direct = post(Client(HTTP_ACCEPT_LANGUAGE="ar"), {"code": code, "scenario": "bus"}, raw).json()
    operation_only(monkeypatch)
    through_ninja = post(Client(HTTP_ACCEPT_LANGUAGE="ar"), {"code": code, "scenario": "bus"}, raw).json()
    assert direct == through_ninja and direct["valid"] is False
    assert direct["result"] in {"revoked", "suspended", "forged", "malformed"}
    assert any("\u0600" <= ch <= "\u06ff" for ch in direct["message"])  # Arabic text, not the source English


def test_a_request_without_a_token_is_refused_by_the_operation_with_401(card, direct_calls):
    response = post(Client(), {"code": card_token(card), "scenario": "bus"})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert direct_calls == []


def test_an_unknown_token_is_refused_with_401_and_nothing_is_logged(card, direct_calls):
    response = post(Client(), {"code": card_token(card), "scenario": "bus"}, "cvt_not-a-real-token")
    assert response.status_code == 401
    assert direct_calls == [] and not CardVerification.objects.exists()


def test_a_token_of_someone_who_is_not_a_partner_gets_the_operations_403_with_its_message(card, resident):
    from civitas.accounts.choices import Role
    from civitas.testing import factories

    clerk = factories.user("clerk_token", Role.SERVICE_STAFF)
    raw = do_issue_api_token(clerk, "desk", acting_user=None)
    response = post(Client(HTTP_ACCEPT_LANGUAGE="en"), {"code": card_token(card), "scenario": "bus"}, raw)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and "partners" in body["errors"][0]["message"]
    assert not CardVerification.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"code": "abc.def"}, "scenario"),
        ({"scenario": "bus"}, "code"),
        ({"code": 12, "scenario": "bus"}, "code"),
        ([], "__all__"),
    ],
)
def test_a_body_the_schema_refuses_gets_the_apis_422_naming_the_field(bus, data, field, direct_calls):
    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    response = post(Client(), data, raw)
    assert response.status_code == 422 and direct_calls == []
    body = response.json()
    assert body["code"] == "validation_error"
    assert field == "__all__" or any(e["field"].endswith(field) for e in body["errors"])


def test_a_body_that_is_not_json_gets_a_clear_error_not_a_crash(bus, direct_calls):
    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    response = post(Client(), "{not json", raw)
    assert 400 <= response.status_code < 500 and direct_calls == []


def test_a_browser_session_of_a_partner_goes_through_the_operation_and_its_csrf_check(card, bus, direct_calls):
    client = Client(enforce_csrf_checks=True)
    client.login(username="bus_scanner", password=PASSWORD)
    refused = post(client, {"code": card_token(card), "scenario": "bus"})
    assert refused.status_code == 403 and direct_calls == []
    client.get("/services/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = post(client, {"code": card_token(card), "scenario": "bus"}, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and accepted.json()["valid"] is True
    assert direct_calls == []


def test_a_get_on_the_scan_route_is_not_allowed(bus, direct_calls):
    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    response = Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 405 and direct_calls == []


def test_a_json_body_with_a_charset_is_answered_directly(card, bus, direct_calls):
    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    response = post(
        Client(), {"code": card_token(card), "scenario": "bus"}, raw, content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200 and response.json()["valid"] is True
    assert direct_calls == [200]


@pytest.mark.django_db(transaction=True)
def test_a_scan_after_the_database_connection_was_reopened_still_answers(card, bus):
    from django.db import connection

    raw = do_issue_api_token(bus[1], "validator", acting_user=None)
    client = Client()
    assert post(client, {"code": card_token(card), "scenario": "bus"}, raw).json()["valid"] is True
    connection.close()  # e.g. CONN_MAX_AGE elapsed or the server restarted: the kept cursor is stale
    assert post(client, {"code": card_token(card), "scenario": "bus"}, raw).json()["valid"] is True
    assert CardVerification.objects.filter(card=card, result="valid").count() == 2
