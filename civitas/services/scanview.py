"""The partner's scan, `POST /api/services/cards/verify`, answered without django-ninja's per-call machinery.

A scan is the hottest request of the platform (a bus validator, a market stall), and most of what it cost
in the web process was not the scan: django-ninja's generic operation (parameter models, the
authentication loop, the temporary response, the output check) took about as much CPU as the Ed25519
check and the database statement together. This view answers the ordinary scan — a bearer token of a
registered partner and a JSON body `{"code": str, "scenario": str}` — with the same functions the
django-ninja operation calls (`TokenAuth`, `partner_of`, `actions.do_verify_card`, `answer`), and hands
every other request, untouched, to that operation: no or an unknown token, a browser session (CSRF-checked
there), a body that is not such an object, any other method. So the errors and their localised messages
stay django-ninja's and the project's own (401, 403, 422 in the API's error shape), the OpenAPI document
still describes the route from `api.verify_card`, and `tests/test_scan_view.py` holds both answers equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from civitas.apidirect import api_error, in_front_of, token_user
from civitas.services import actions
from civitas.services.access import partner_of


def answer(outcome: actions.VerificationOutcome) -> HttpResponse:
    """The scan's answer in the exact `api.VerifyOut` shape, serialised once (no second validation pass)."""
    disclosed = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in outcome.disclosed.items()}
    if isinstance(disclosed.get("credit"), dict):
        disclosed["credit"] = {k: str(v) for k, v in disclosed["credit"].items()}
    body = {
        "valid": outcome.valid,
        "result": str(outcome.result),
        "message": str(outcome.message()),
        "scenario": str(outcome.scenario),
        "disclosed": disclosed,
    }
    # Every value is a JSON type already: the plain encoder writes what JsonResponse's would, without building one.
    return HttpResponse(json.dumps(body), content_type="application/json")


def _scan_body(request: HttpRequest) -> tuple[str, str] | None:
    """`code` and `scenario` of a well-formed body, or None for anything the schema must judge."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    code, scenario = data.get("code"), data.get("scenario")
    if type(code) is not str or type(scenario) is not str:
        return None
    return code, scenario


def _fast_answer(request: HttpRequest) -> HttpResponse | None:
    """The answer to an ordinary partner's scan, or None to let the django-ninja operation answer."""
    if request.method != "POST" or not request.META.get("HTTP_AUTHORIZATION"):
        return None
    body = _scan_body(request)
    if body is None:
        return None
    user = token_user(request)
    if user is None:
        return None
    try:
        partner = partner_of(user)
    except PermissionDenied:
        return None  # the operation answers 403 in the API's error shape, with its message
    code, scenario = body
    try:
        outcome = actions.do_verify_card(code, partner=partner, scenario=scenario, acting_user=user)
    except (ValidationError, PermissionDenied, Http404) as exc:
        return api_error(request, exc)
    return answer(outcome)


def scan_view(operation: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The route's view: the direct answer when it applies, else django-ninja's `operation` for the path."""
    return in_front_of(operation, lambda request: _fast_answer(request))  # looked up per call (tests replace it)
