"""The JSON API: one NinjaAPI, a router per app; the OpenAPI document is generated at /api/docs."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import RoutePattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from civitas.accounts.apiauth import API_AUTH
from civitas.core.errors import ApiErrorCode

api = NinjaAPI(
    title="Civitas API",
    version="1",
    description="Population services and grassroots governance. Authenticate with a session or a bearer token.",
    auth=API_AUTH,
    urls_namespace="api",
)


def _errors_from(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": str(msg)} for field, errs in exc.message_dict.items() for msg in errs]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"code": ApiErrorCode.VALIDATION, "errors": _errors_from(exc)}, status=422)


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or "__all__", "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(request, {"code": ApiErrorCode.VALIDATION, "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": ApiErrorCode.NOT_FOUND, "errors": []}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"code": ApiErrorCode.FORBIDDEN, "errors": [{"field": "__all__", "message": str(exc)}]}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Sign in, or send your API token in the header Authorization: Bearer <token>.")
    errors = [{"field": "__all__", "message": str(message)}]
    return api.create_response(request, {"code": ApiErrorCode.UNAUTHENTICATED, "errors": errors}, status=401)


def _add_routers() -> None:
    from civitas.credit.api import router as credit
    from civitas.documents.api import router as documents
    from civitas.insight.api import router as insight
    from civitas.inspections.api import router as inspections
    from civitas.mediation.api import router as mediation
    from civitas.people.api import router as people
    from civitas.permits.api import router as permits
    from civitas.places.api import router as places
    from civitas.residence.api import router as residence
    from civitas.services.api import router as services

    api.add_router("/documents", documents)
    api.add_router("/people", people)
    api.add_router("/places", places)
    api.add_router("/residence", residence)
    api.add_router("/credit", credit)
    api.add_router("/permits", permits)
    api.add_router("/services", services)
    api.add_router("/mediation", mediation)
    api.add_router("/inspections", inspections)
    api.add_router("/insight", insight)


_add_routers()


def _direct_views() -> dict[str, Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]]:
    """Routes whose requests a view answers before django-ninja's operation (which it falls back to):
    route -> a function that wraps the operation's view."""
    from civitas.residence.acceptview import accept_view
    from civitas.services.scanview import scan_view

    return {"services/cards/verify": scan_view, "residence/declarations": accept_view}


def urls_by_router() -> tuple[list[URLPattern | URLResolver], str, str]:
    """`api.urls`, nested by each route's first path segment (its router's prefix).

    Django tries URL patterns in order, and NinjaAPI gives one flat list (87 routes): a request for the
    50th route was matched against the 49 before it, on every request. Nested, a request is tried against
    the dozen router prefixes and then its own router's routes only. Names and the `api` namespace are
    unchanged (an `include` without an app name adds no namespace), so `reverse("api:...")` still works.
    A route of `_direct_views` comes first, its view wrapping the operation's (same name, same fallback).
    """
    patterns, app_name, namespace = api.urls
    direct = _direct_views()
    top: list[URLPattern | URLResolver] = []
    groups: dict[str, list[URLPattern | URLResolver]] = {}
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and route in direct:  # first in the list: found at once
            view = direct.pop(route)(pattern.callback)
            top.insert(0, path(route, view, kwargs=pattern.default_args, name=pattern.name))
            continue
        head, slash, rest = route.partition("/")
        if (
            isinstance(pattern, URLPattern)
            and isinstance(pattern.pattern, RoutePattern)
            and slash
            and rest
            and "<" not in head
        ):
            groups.setdefault(head, []).append(
                path(rest, pattern.callback, kwargs=pattern.default_args, name=pattern.name)
            )
            continue
        top.append(pattern)
    nested: list[URLPattern | URLResolver] = [*top, *(path(f"{h}/", include(g)) for h, g in groups.items())]
    return nested, app_name, namespace
