"""The WSGI fast lane (`civitas/fastlane.py`) answers a hotel's asynchronous check-in as Django's full request
cycle does, headers included, and hands every other request, with its body, to Django."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings

from civitas.accounts.choices import Role
from civitas.fastlane import FastLane
from civitas.residence import acceptview
from civitas.residence.models import CheckinSubmission
from civitas.residence.tests.builders import rooms
from civitas.residence.tests.test_accept_view import handed_over
from civitas.residence.tests.test_intake_batch import URL, bearer, chinese_guest
from civitas.testing.direct import count_direct_answers
from civitas.testing.factories import user
from civitas.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def connections_kept() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's transaction's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = body

    def json(self) -> Any:
        return json.loads(self.content)


def call(app: Any, body: Any, auth: dict[str, Any], *, lang: str = "en", **extra: Any) -> Answer:
    """POST through a WSGI application, as gunicorn calls it (the response closed after it is sent)."""
    extra.setdefault("HTTP_PREFER", "respond-async")
    content_type = extra.pop("content_type", "application/json")
    data = body if isinstance(body, str) else json.dumps(body)
    environ = RequestFactory().post(URL, data, content_type=content_type, HTTP_ACCEPT_LANGUAGE=lang, **auth, **extra)
    started: list[tuple[str, list[tuple[str, str]]]] = []
    result = app(environ.environ, lambda status, headers: started.append((status, headers)))
    try:
        content = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return Answer(started[0][0], started[0][1], content)


@pytest.fixture
def hotel(personas: dict[str, Any]) -> dict[str, Any]:
    return bearer(user("hotel_lane", Role.PARTNER))


@pytest.fixture
def lane_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return count_direct_answers(monkeypatch, acceptview, "_fast_accept")


def without_id(answer: Any, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    sub_id = str(answer.json()["submission_id"]).encode()
    return (
        answer.status_code,
        {k: v.replace(sub_id.decode(), "<id>") for k, v in headers.items() if k != "Content-Length"},
        answer.content.replace(sub_id, b"<id>"),
    )


@pytest.mark.parametrize("lang", ["en", "ar", "zh-hans"])
def test_the_lanes_202_equals_djangos_full_answer_headers_included(personas, hotel, lane_calls, lang):
    r = rooms(personas)
    lane = call(application, chinese_guest(r[0]), hotel, lang=lang, HTTP_IDEMPOTENCY_KEY="lane-1")
    full = Client(HTTP_ACCEPT_LANGUAGE=lang).post(
        URL, chinese_guest(r[1]), content_type="application/json", HTTP_PREFER="respond-async",
        HTTP_IDEMPOTENCY_KEY="full-1", **hotel,
    )  # fmt: skip
    assert lane.status_code == full.status_code == 202
    assert lane_calls == [202, 202]  # the lane once, the route's direct view behind Django's cycle once
    assert without_id(lane, lane.headers) == without_id(full, dict(full.items()))
    assert lane.headers["Content-Language"] == lang and lane.headers["Cache-Control"] == "no-store, private"
    assert int(lane.headers["Content-Length"]) == len(lane.content)
    assert CheckinSubmission.objects.count() == 2


def test_a_retry_through_the_lane_returns_the_submission_stored_first(personas, hotel):
    body = chinese_guest(rooms(personas)[0])
    first = call(application, body, hotel, HTTP_IDEMPOTENCY_KEY="pms-7")
    again = call(application, body, hotel, HTTP_IDEMPOTENCY_KEY="pms-7")
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert CheckinSubmission.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "expected"),
    [("no_prefer", 201), ("no_token", 401), ("unknown_token", 401), ("malformed_json", 400), ("schema_refuses", 422)],
)
def test_a_request_the_lane_declines_is_answered_by_django_with_its_body(personas, hotel, lane_calls, case, expected):
    body, auth, extra = handed_over(case, chinese_guest(rooms(personas)[0]), dict(hotel))
    answer = call(application, body, auth, **extra)
    assert answer.status_code == expected, answer.content
    if case == "no_prefer":  # a synchronous check-in: Django read the body the lane had already read
        assert answer.json()["status"] in ("verified", "flagged")
    assert lane_calls == []


def test_the_lanes_refusal_is_the_apis_422_in_the_callers_language(personas, hotel, lane_calls):
    body = chinese_guest(rooms(personas)[0])
    body["members"][0]["doc_number"] = "11010519491231002Y"
    lane = call(application, body, hotel, lang="zh-hans")
    full = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        URL, body, content_type="application/json", HTTP_PREFER="respond-async", **hotel
    )
    assert lane_calls == [422, 422]
    assert lane.status_code == full.status_code == 422
    assert lane.json() == full.json() and lane.json()["errors"][0]["field"] == "doc_number"
    assert lane.headers["Content-Language"] == "zh-hans"
    assert CheckinSubmission.objects.count() == 0


def test_a_disallowed_host_gets_djangos_400(personas, hotel):
    answer = call(application, chinese_guest(rooms(personas)[0]), hotel, HTTP_HOST="evil.example")
    assert answer.status_code == 400
    assert CheckinSubmission.objects.count() == 0


def test_other_routes_go_straight_to_django(personas):
    started: list[str] = []
    result = application(RequestFactory().get("/ping").environ, lambda status, headers: started.append(status))
    assert started == ["200 OK"] and json.loads(b"".join(result))
    result.close()


def test_a_lane_that_fails_is_logged_and_django_answers_the_request(personas, hotel, monkeypatch, caplog):
    real, calls = acceptview._fast_accept, []

    def fails_once(request: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("connection lost")
        return real(request)

    monkeypatch.setattr(acceptview, "_fast_accept", fails_once)
    with caplog.at_level(logging.WARNING, logger="civitas.fastlane"):
        answer = call(application, chinese_guest(rooms(personas)[0]), hotel)
    assert answer.status_code == 202 and len(calls) == 2  # the lane, then the route's view behind Django
    assert "failed; Django answers it" in caplog.text
    assert CheckinSubmission.objects.count() == 1


def test_the_lanes_answer_sends_request_finished_when_closed(personas, hotel):
    finished: list[object] = []

    def count(sender: object, **kwargs: Any) -> None:
        finished.append(sender)

    signals.request_finished.connect(count)
    try:
        call(application, chinese_guest(rooms(personas)[0]), hotel)
    finally:
        signals.request_finished.disconnect(count)
    assert finished == [FastLane]


def test_an_https_redirect_is_left_to_django(personas, hotel):
    with override_settings(SECURE_SSL_REDIRECT=True):
        lane = FastLane(WSGIHandler())
        answer = call(lane, chinese_guest(rooms(personas)[0]), hotel)
    assert answer.status_code == 301 and answer.headers["Location"].startswith("https://")
    assert CheckinSubmission.objects.count() == 0


def test_a_middleware_the_lane_does_not_know_stops_it_from_starting(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    with pytest.raises(ImproperlyConfigured, match="GZipMiddleware"):
        FastLane(WSGIHandler())


def test_a_response_header_step_that_fails_leaves_the_answer_to_django(personas, hotel, caplog):
    lane = FastLane(WSGIHandler())

    def broken(request: Any, response: Any) -> Any:
        raise ValueError("header")

    lane.response_phase = [broken, *lane.response_phase]
    with caplog.at_level(logging.WARNING, logger="civitas.fastlane"):
        body = chinese_guest(rooms(personas)[0])
        answer = call(lane, body, hotel, HTTP_IDEMPOTENCY_KEY="pms-9")
    assert answer.status_code == 202 and "failed; Django answers it" in caplog.text
    assert CheckinSubmission.objects.count() == 1  # stored by the lane, found again by Django's answer
