"""Every page and API operation of the project is in some app's permission matrix."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

import civitas
from civitas.testing.matrix import path_of

# Framework plumbing, not application pages.
EXEMPT_PREFIXES = ("i18n/", "jsi18n/", "api/docs", "api/openapi.json", "static/", "media/")


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    out = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += _patterns(p, route)
        elif isinstance(p, URLPattern):
            out.append(route)
    return out


def _all_cases() -> list:
    cases = []
    for mod in pkgutil.iter_modules(civitas.__path__):
        name = f"civitas.{mod.name}.tests.test_permissions"
        try:
            m = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        cases += getattr(m, "CASES", [])
    return cases


@pytest.mark.django_db
def test_every_url_pattern_is_covered_by_a_permission_case(personas):
    covered = set()
    for case in _all_cases():
        match = resolve(path_of(case, personas).split("?")[0])
        covered.add(match.route)
        covered.update(case.covers)
    routes = {r for r in _patterns(get_resolver()) if not r.startswith(EXEMPT_PREFIXES)}
    missing = sorted(routes - covered)
    assert not missing, "routes without a permission-matrix case:\n" + "\n".join(missing)
