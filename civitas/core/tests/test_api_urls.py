"""The API's routes are nested by router prefix; every route still resolves to its own view and name."""

from __future__ import annotations

import re

from django.urls import resolve, reverse

from civitas.api import api, urls_by_router


def _sample_path(route: str) -> str:
    return "/api/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "7" if m.group(1) == "int" else "x7", route)


def test_every_api_route_resolves_to_the_same_view_after_nesting():
    flat, _app, _ns = api.urls
    checked, seen = 0, set()
    for pattern in flat:
        if str(pattern.pattern) in seen:  # one path, several methods: the first pattern answers, as before
            continue
        seen.add(str(pattern.pattern))
        url = _sample_path(str(pattern.pattern))
        match = resolve(url)
        assert match.route == "api/" + str(pattern.pattern), url
        callback = getattr(pattern.callback, "func", pattern.callback)  # api.urls builds fresh partials
        view = getattr(match.func, "operation", match.func)  # a direct view falls back to the operation
        assert getattr(view, "func", view).__qualname__ == callback.__qualname__, url
        assert match.url_name == pattern.name and match.namespace == "api", url
        checked += 1
    assert checked == len(seen) > 50


def test_api_routes_are_grouped_under_their_router_prefix():
    nested, app_name, namespace = urls_by_router()
    prefixes = {str(p.pattern) for p in nested if hasattr(p, "url_patterns")}
    assert {"services/", "residence/", "mediation/"} <= prefixes
    assert (app_name, namespace) == ("ninja", "api")
    assert len(nested) < 20


def test_the_scan_route_is_answered_by_its_direct_view_first():
    match = resolve("/api/services/cards/verify")
    assert match.func.__module__ == "civitas.services.scanview" and match.namespace == "api"
    nested, _app, _ns = urls_by_router()
    assert str(nested[0].pattern) == "services/cards/verify"


def test_the_async_check_in_route_is_answered_by_its_direct_view_in_front_of_the_operation():
    match = resolve("/api/residence/declarations")
    assert match.func.__module__ == "civitas.residence.acceptview" and match.namespace == "api"
    assert match.func.operation is not match.func
    nested, _app, _ns = urls_by_router()
    assert {str(p.pattern) for p in nested[:2]} == {"services/cards/verify", "residence/declarations"}


def test_named_api_routes_reverse_as_before():
    assert reverse("api:openapi-json") == "/api/openapi.json"
    assert resolve("/api/services/cards/verify").url_name
