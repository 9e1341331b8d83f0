"""Direct views: a view placed in front of a django-ninja operation that answers the ordinary, hot request of
a route itself and hands every other request, untouched, to the operation (`civitas/api.py`, `_direct_views`).

Used by the card scan (`services/scanview.py`) and the asynchronous check-in (`residence/acceptview.py`).
What they share lives here: the wrapper, the bearer-token step as django-ninja's authentication does it, and
turning a domain error into the API's own error response, so the answers of both paths stay alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from civitas.accounts.apiauth import TokenAuth
from civitas.accounts.models import User

Fast = Callable[[HttpRequest], HttpResponse | None]

_token_auth = TokenAuth()


def in_front_of(operation: Callable[..., HttpResponse], fast: Fast) -> Callable[..., HttpResponse]:
    """The route's view: `fast(request)` when it answers, else django-ninja's `operation` for the path."""

    @csrf_exempt  # token requests carry no CSRF cookie; session requests go to `operation`, which checks it
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = fast(request)
        return response if response is not None else operation(request, *args, **kwargs)

    view.operation = operation  # type: ignore[attr-defined]
    view.__module__ = fast.__module__  # URL listings and tracebacks name the route's own module
    return view


def token_user(request: HttpRequest) -> User | None:
    """The user of the request's bearer token, set on the request as django-ninja's authentication sets it;
    None (no or an unknown token) for the operation to answer 401."""
    user = _token_auth(request)  # sets request.user
    if user is not None:
        request.auth = user  # type: ignore[attr-defined]  # what django-ninja sets for its views
    return user


def api_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A domain error (ValidationError, PermissionDenied, Http404) answered as the operation's would be."""
    from civitas.api import api

    return api.on_exception(request, exc)
