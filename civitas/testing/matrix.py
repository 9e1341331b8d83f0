"""The permission matrix: every role × own jurisdiction × other jurisdiction × anonymous.

Each app's `tests/test_permissions.py` defines `CASES: list[Case]` and calls `run_case` in a
parametrised test; `civitas/core/tests/test_permission_coverage.py` checks that every named URL and
API operation of the project appears in some app's CASES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

ROLES = (
    "admin",
    "police",
    "police_other",
    "grid",
    "grid_other",
    "landlord",
    "landlord_other",
    "staff",
    "mediator",
    "inspector",
    "analyst",
    "anonymous",
)


@dataclass
class Case:
    """`url`: a URL name, or a callable (personas) -> path. `expect`: persona -> status; others get `default`."""

    name: str
    url: str | Callable[[dict[str, Any]], str]
    expect: dict[str, int]
    default: int = 404
    method: str = "get"
    data: Callable[[dict[str, Any]], dict[str, Any]] | dict[str, Any] | None = None
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    anonymous: int | None = None  # default: 302 to login for pages, 401 for the API
    content_type: str | None = None
    covers: list[str] = field(default_factory=list)  # url names this case covers (for the coverage check)


def path_of(case: Case, personas: dict[str, Any]) -> str:
    if callable(case.url):
        return case.url(personas)
    kwargs = case.kwargs(personas) if case.kwargs else {}
    return reverse(case.url, kwargs=kwargs)


def expected(case: Case, role: str, path: str) -> int:
    if role in case.expect:
        return case.expect[role]
    if role == "anonymous":
        if case.anonymous is not None:
            return case.anonymous
        return 401 if path.startswith("/api/") else 302
    return case.default


def run_case(
    case: Case, role: str, personas: dict[str, Any], *, path: str | None = None, data: dict[str, Any] | None = None
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(personas[role])
    if path is None:
        path = path_of(case, personas)
        data = case.data(personas) if callable(case.data) else case.data
    if case.method == "get":
        resp = client.get(path, data or {})
    elif case.content_type == "application/json":
        resp = getattr(client, case.method)(path, data or {}, content_type="application/json")
    else:
        resp = getattr(client, case.method)(path, data or {})
    want = expected(case, role, path)
    assert resp.status_code == want, f"{case.name} as {role}: {resp.status_code}, expected {want} ({path})"


def run_case_for_roles(case: Case, personas: dict[str, Any], roles: tuple[str, ...] = ROLES) -> None:
    """Every role against one case, sharing one set-up: each role's request runs in a savepoint that is
    rolled back, so what one role's POST changes is never seen by the next. Reports every failing role."""
    from django.db import transaction

    # Objects a case creates lazily (through its url or data callables) are made once, outside the savepoints.
    path = path_of(case, personas)
    data = case.data(personas) if callable(case.data) else case.data
    failures = []
    for role in roles:
        with transaction.atomic():
            try:
                run_case(case, role, personas, path=path, data=data)
            except AssertionError as exc:
                failures.append(str(exc))
            finally:
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
