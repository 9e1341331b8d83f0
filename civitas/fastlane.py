"""The fast lane: a WSGI application in front of Django's that answers the ordinary case of a few hot
machine requests with the parts of Django's request cycle such an answer needs, and hands every other
request, untouched, to Django.

Why: a hotel system's asynchronous check-in (`POST /api/residence/declarations` with `Prefer:
respond-async`) is the one route that takes a city's peak of check-ins. Its own work is small (checks, one
encryption, one INSERT: `residence/acceptview.py`), and the full request cycle around it cost about as much
again: URL resolution, the session, CSRF, authentication and message middleware, and the exception
wrappers around each. None of them takes part in a bearer-token JSON answer. Measured with one gunicorn
worker on the 2 M-resident city (docs/benchmarks/residence.md, session 9): the accept's CPU in gunicorn
fell from 1.50 to 1.25 ms a request (`/ping`: 0.83–0.88 ms either way).

What the lane keeps, so that its answers equal Django's (`residence/tests/test_fast_lane.py` compares them,
headers included):
- the same WSGIRequest, script prefix and `request_started`/`request_finished` signals (database
  connections are closed or kept by CONN_MAX_AGE as after any request);
- the request and response phases of the middleware that shape such an answer, as instances of the
  classes in settings.MIDDLEWARE, in its order: security (HTTPS redirect, HSTS, nosniff, referrer and
  opener policies), locale (language negotiation, Content-Language, Vary), common (allowed hosts,
  disallowed user agents, Content-Length), clickjacking and Civitas's own security headers.
Middleware the lane leaves out is named, with the reason, in `_NOT_NEEDED`; a middleware in settings that
is in neither list stops the server from starting, so adding one forces a decision here.

What the lane hands to Django: any request of another route; any request its lane function declines
(returns None: a synchronous check-in, a session, no or an unknown token, a body the schema refuses);
any request a middleware's request phase answers itself (a redirect to HTTPS, a disallowed host); and a
request whose lane function raised (logged): the operation then answers it in full. Handing over after a
failure is safe because every lane is idempotent (an accept stores a submission once per client and key).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpRequest, HttpResponse
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

log = logging.getLogger("civitas.fastlane")

Lane = Callable[[HttpRequest], HttpResponse | None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# (method, path) -> "module:function" answering the ordinary request of that route, or None to decline.
LANES: dict[tuple[str, str], str] = {
    ("POST", "/api/residence/declarations"): "civitas.residence.acceptview:_fast_accept",
}

_NEEDED = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "civitas.core.middleware.SecurityHeadersMiddleware",
    }
)
_NOT_NEEDED = {
    "django.contrib.sessions.middleware.SessionMiddleware": "a bearer-token request uses no session",
    "django.middleware.csrf.CsrfViewMiddleware": "the lanes' routes are CSRF-exempt for bearer tokens, and a "
    "lane declines a browser session, which Django then checks",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "a lane authenticates the bearer token itself",
    "django.contrib.messages.middleware.MessageMiddleware": "an API answer shows no messages",
}


def _no_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("the fast lane calls the middleware's phases, not the chain")


def _middleware() -> tuple[list[Callable[..., Any]], list[Callable[..., Any]]]:
    """The request phases (in order) and the response phases (in reverse order) the lane runs."""
    requests: list[Callable[..., Any]] = []
    responses: list[Callable[..., Any]] = []
    for path in settings.MIDDLEWARE:
        if path in _NOT_NEEDED:
            continue
        if path not in _NEEDED:
            raise ImproperlyConfigured(
                f"civitas.fastlane does not know the middleware {path}: decide whether the fast lane's answers "
                "need it (_NEEDED) or not (_NOT_NEEDED, with the reason)"
            )
        mw = import_string(path)(_no_response)
        if hasattr(mw, "process_request"):
            requests.append(mw.process_request)
        if hasattr(mw, "process_response"):
            responses.append(mw.process_response)
    return requests, responses[::-1]


def _lane(target: str) -> Lane:
    """The lane function, looked up on its module at each call (tests replace it there)."""
    module_name, name = target.split(":")
    module = import_module(module_name)

    def call(request: HttpRequest) -> HttpResponse | None:
        answer: HttpResponse | None = getattr(module, name)(request)
        return answer

    return call


class FastLane:
    """The WSGI application: `app` (Django's) with the lanes of `lanes` in front."""

    def __init__(self, app: WSGIApp, lanes: dict[tuple[str, str], str] | None = None) -> None:
        self.app = app
        self.lanes = {key: _lane(target) for key, target in (LANES if lanes is None else lanes).items()}
        self.request_phase, self.response_phase = _middleware()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        lane = self.lanes.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")))
        if lane is None:
            return self.app(environ, start_response)
        set_script_prefix(get_script_name(environ))
        # Sent again by Django for a request handed over: its receivers (resetting the query log, closing
        # connections past their age) are harmless to repeat.
        signals.request_started.send(sender=type(self), environ=environ)
        request = WSGIRequest(environ)
        response = self._answer(request, lane)
        if response is None:  # Django answers, reading the body the lane may have read
            if hasattr(request, "_body"):  # where HttpRequest.body keeps what it read
                environ["wsgi.input"] = io.BytesIO(request.body)
            return self.app(environ, start_response)
        response._handler_class = type(self)  # type: ignore[attr-defined]  # its close() sends request_finished
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())],
        )
        return response

    def _answer(self, request: HttpRequest, lane: Lane) -> HttpResponse | None:
        try:
            for phase in self.request_phase:
                if phase(request) is not None:
                    return None  # a redirect or refusal of the middleware: Django gives it
        except Exception:  # e.g. a disallowed host: Django answers (400) and logs it its own way
            return None
        try:
            response = lane(request)
            if response is None:
                return None
            for phase in self.response_phase:
                response = phase(request, response)
        except Exception:
            log.warning("fast lane: %s %s failed; Django answers it", request.method, request.path, exc_info=True)
            return None
        return response
