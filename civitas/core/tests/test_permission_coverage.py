"""Every page and API route of the project is exercised by some app's permission matrix.

Each app's `tests/test_permissions.py` lists its cases (role × own/other jurisdiction × anonymous, see
`civitas/testing/matrix.py`). A route that no case names — by URL name (`"residence:workbench"`) or by a
path literal (`f"/residence/c/{token}/"`) — would ship with nobody having checked who may open it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]

# Routes with no personal or jurisdictional data, or framework machinery, each with its reason.
NOT_IN_A_MATRIX = {
    "set_language": "Django's language switch: sets a cookie, shows nothing",
    "javascript-catalog": "Django's JavaScript translation catalogue: public strings",
    "api:openapi-json": "the OpenAPI document: public description of the API, no data",
    "api:openapi-view": "the interactive API docs page: public, no data",
    "core:ping": "trivial health endpoint used by benchmarks",
    "core:dev_sms_outbox": "development-only page, 404 in production (tested in test_dev_sms_outbox)",
}


def _routes(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else ""


def _regex(route: str) -> re.Pattern[str]:
    parts = re.split(r"(<[^>]+>)", route.lstrip("^").rstrip("$"))
    return re.compile("^/" + "".join(r"[^/]+" if part.startswith("<") else re.escape(part) for part in parts) + "/?$")


def _named_in_matrices() -> tuple[set[str], set[str]]:
    names: set[str] = set()
    paths: set[str] = set()
    for module in ROOT.glob("*/tests/test_permissions*.py"):
        source = module.read_text()
        names.update(re.findall(r"""["']([a-z_0-9]+:[a-z_0-9-]+)["']""", source))
        # f-string fields may hold quotes (`{objs['pending'].pk}`): replace them before finding literals.
        flat = re.sub(r"\{[^{}\n]*\}", "X", source)
        paths.update(literal.split("?")[0] for literal in re.findall(r"""f?["'](/[^"'\s]*)["']""", flat))
    return names, paths


def test_every_route_is_covered_by_a_permission_matrix_case() -> None:
    names, paths = _named_in_matrices()
    routes = list(_routes(get_resolver().url_patterns))
    # The API's operation names are not unique across routers ("api:decide"): those count by path only.
    seen = Counter(name for _route, name in routes)
    uncovered = []
    for route, name in routes:
        if name in NOT_IN_A_MATRIX or (name in names and seen[name] == 1):
            continue
        rx = _regex(route)
        if not any(rx.match(path) for path in paths):
            uncovered.append(f"{route}  ({name or 'unnamed'})")
    assert uncovered == [], "routes no permission matrix exercises:\n" + "\n".join(uncovered)


def test_the_coverage_check_would_notice_a_route_missing_from_every_matrix() -> None:
    names, paths = _named_in_matrices()
    assert "residence:workbench" in names
    assert not any(_regex("nowhere/<int:pk>/secret").match(path) for path in paths)
