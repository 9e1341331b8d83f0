"""API authentication as a real server sees it: CSRF is enforced (Django's test client skips it unless asked)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from civitas.accounts.apiauth import do_issue_api_token

PATH = "/api/residence/declarations"


def _post(client: Client, **headers: Any) -> Any:
    return client.post(PATH, data=json.dumps({}), content_type="application/json", **headers)


def test_a_machine_client_without_a_token_is_told_to_authenticate_with_401_not_a_csrf_error(personas):
    response = _post(Client(enforce_csrf_checks=True))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "CSRF" not in response.content.decode()
    assert "Authorization: Bearer" in response.json()["errors"][0]["message"]


def test_the_401_says_how_to_authenticate_in_the_callers_language(personas):
    response = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ru").post(
        PATH, data=json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 401
    assert "токен" in response.json()["errors"][0]["message"]


def test_a_wrong_bearer_token_without_a_session_is_refused_with_401(personas):
    response = _post(Client(enforce_csrf_checks=True), HTTP_AUTHORIZATION="Bearer cvt_not-a-token")
    assert response.status_code == 401


def test_a_browser_session_posting_without_its_csrf_token_is_still_refused_with_403(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["landlord"])
    response = _post(client)
    assert response.status_code == 403


def test_a_browser_session_with_its_csrf_token_reaches_the_validation(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["landlord"])
    client.get("/")  # any page sets the CSRF cookie
    response = _post(client, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 422  # the empty body, judged by the schema: authentication passed


def test_a_token_client_needs_no_csrf_token(personas):
    token = do_issue_api_token(personas["landlord"], "tests", acting_user=None)
    response = _post(Client(enforce_csrf_checks=True), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
