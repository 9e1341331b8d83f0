"""A machine client's asynchronous check-in, `POST /api/residence/declarations` with `Prefer: respond-async`,
accepted without django-ninja's per-call machinery.

Accepting a submission is the check-in path a hotel or employer system uses at volume. Its own work is the
input checks, one encryption and one INSERT; django-ninja's generic operation around it (the parameter
model, the authentication loop, the temporary response) cost about as much again. This view accepts the
ordinary case — a bearer token, `Prefer: respond-async`, a JSON body the `DeclarationIn` schema accepts —
with the operation's own function (`api.accept_submission`), and hands every other request, untouched, to
the operation: a synchronous check-in, a browser session (CSRF-checked there), no or an unknown token, a body
the schema refuses, any other method. So errors keep the API's shape and language (401, 403, 422), the
OpenAPI document still describes the route from `api.create_declaration`, and `tests/test_accept_view.py`
holds both answers equal. The same pattern serves the card scan (`services/scanview.py`); the shared parts
are in `civitas/apidirect.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from civitas.apidirect import api_error, in_front_of, token_user
from civitas.residence import intake


def _fast_accept(request: HttpRequest) -> HttpResponse | None:
    """The 202 answer to an ordinary asynchronous submission, or None to let the django-ninja operation answer."""
    meta = request.META
    if request.method != "POST" or not meta.get("HTTP_AUTHORIZATION"):
        return None
    if not intake.prefers_async(meta.get("HTTP_PREFER", "")) or request.content_type != "application/json":
        return None
    from civitas.residence.api import DeclarationIn, accept_submission

    try:
        payload = DeclarationIn.model_validate_json(request.body)
    except (pydantic.ValidationError, ValueError):
        return None  # the operation answers 422 with the API's error shape and the field's message
    if token_user(request) is None:
        return None
    try:
        return accept_submission(request, payload)
    except (ValidationError, PermissionDenied, Http404) as exc:
        return api_error(request, exc)


def accept_view(operation: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The route's view: the direct 202 when it applies, else django-ninja's `operation` for the path."""
    return in_front_of(operation, lambda request: _fast_accept(request))  # looked up per call (tests replace it)
