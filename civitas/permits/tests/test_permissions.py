"""Permission matrix of the permits pages and endpoints: every role × own and other jurisdiction × anonymous.

Permit files live in grid g1 (township 330782001): police of t1, t1 service staff and the city admin see
them; police of t2 get 404; roles without permit work get 403 on lists and 404 on files.
"""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest

from civitas.permits import actions, resident
from civitas.permits.eligibility import Period
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

D = datetime.date
PERIODS: dict[int, list[Period]] = {}
OFFICERS = {"admin": 200, "police": 200, "staff": 200}
EVERYONE = {r: 200 for r in ROLES}


@pytest.fixture(autouse=True)
def _residence(monkeypatch: pytest.MonkeyPatch) -> None:
    PERIODS.clear()
    monkeypatch.setattr("civitas.permits.sources.residence_periods", lambda pid: PERIODS.get(pid, []))


def _with_history(fn: Any) -> Any:
    """Run an action with the stand-in residence history (also when called from the core coverage test)."""
    with mock.patch("civitas.permits.sources.residence_periods", lambda pid: PERIODS.get(pid, [])):
        return fn()


def _holder(p: dict[str, Any]) -> Any:
    if "holder" not in p:
        from civitas.testing.factories import person

        p["holder"] = person("陈明", division=p["g1"], phone="13700137000")
        PERIODS[p["holder"].pk] = [
            Period(D(2024, 1, 1), None, purpose="work", employer="X", division_code=p["g1"].code)
        ]
    return p["holder"]


def _application(p: dict[str, Any]) -> Any:
    if "application" not in p:
        holder = _holder(p)
        p["application"] = _with_history(lambda: actions.do_apply(holder, acting_user=None))
    return p["application"]


def _permit(p: dict[str, Any]) -> Any:
    if "permit" not in p:
        app = actions.do_accept(_application(p), acting_user=p["police"])
        p["permit"] = actions.do_issue(app, acting_user=p["police"])
    return p["permit"]


OFFICER_PAGE = {"admin": 200, "police": 200, "police_other": 200, "staff": 200}
CASES = [
    # public
    Case("public key", "permits:public_key", EVERYONE, covers=["permits:public_key"]),
    Case("verify page", "permits:verify", EVERYONE, covers=["permits:verify"]),
    Case("services catalogue", "permits:catalogue", EVERYONE, covers=["permits:catalogue"]),
    # residents: no account; a session from a code or a signed link
    Case("resident start", "permits:resident_start", EVERYONE, covers=["permits:resident_start"]),
    Case("resident code", "permits:resident_code", EVERYONE, covers=["permits:resident_code"]),
    Case(
        "resident home without a session",
        "permits:resident_home",
        {},
        default=302,
        anonymous=302,
        covers=["permits:resident_home"],
    ),
    Case(
        "resident card without a session",
        "permits:resident_card",
        {},
        default=302,
        anonymous=302,
        covers=["permits:resident_card"],
    ),
    Case(
        "resident school without a session",
        "permits:resident_school",
        {},
        default=302,
        anonymous=302,
        covers=["permits:resident_school"],
    ),
    Case(
        "resident apply without a session",
        "permits:resident_apply",
        {},
        default=302,
        anonymous=302,
        method="post",
        covers=["permits:resident_apply"],
    ),
    Case(
        "resident logout",
        "permits:resident_logout",
        {},
        default=302,
        anonymous=302,
        method="post",
        covers=["permits:resident_logout"],
    ),
    Case(
        "resident link, signed",
        lambda p: resident.link_for(_holder(p)),
        {},
        default=302,
        anonymous=302,
        covers=["permits:resident_link"],
    ),
    Case(
        "resident link, forged", lambda p: "/permits/me/link/eyJwaWQiOjF9:forged:sig/", {}, default=404, anonymous=404
    ),
    # officers
    Case("queue", "permits:queue", OFFICER_PAGE, default=403, covers=["permits:queue"]),
    Case(
        "application",
        lambda p: f"/permits/applications/{_application(p).pk}/",
        OFFICERS,
        covers=["permits:application"],
    ),
    Case(
        "accept application",
        lambda p: f"/permits/applications/{_application(p).pk}/accept/",
        {"admin": 302, "police": 302, "staff": 302},
        method="post",
        covers=["permits:application_action"],
    ),
    Case("permit", lambda p: f"/permits/p/{_permit(p).pk}/", OFFICERS, covers=["permits:permit"]),
    Case(
        "cancel permit",
        lambda p: f"/permits/p/{_permit(p).pk}/cancel/",
        {"admin": 302, "police": 302, "staff": 302},
        method="post",
        data={"reason": "moved_away"},
        covers=["permits:permit_action"],
    ),
    Case(
        "person eligibility",
        lambda p: f"/permits/person/{_holder(p).pk}/",
        {**OFFICERS, "police_other": 404},
        default=403,
        covers=["permits:person"],
    ),
    Case(
        "apply at the counter",
        lambda p: f"/permits/person/{_holder(p).pk}/apply/",
        {"admin": 302, "police": 302, "staff": 302, "police_other": 404},
        default=403,
        method="post",
        covers=["permits:person_apply"],
    ),
    Case("schools", "permits:schools", {"admin": 200, "staff": 200}, default=403, covers=["permits:schools"]),
    Case(
        "forecast",
        "permits:forecast",
        {"admin": 200, "staff": 200, "analyst": 200},
        default=403,
        covers=["permits:forecast"],
    ),
    Case(
        "forecast export",
        "permits:forecast_xlsx",
        {"admin": 200, "staff": 200, "analyst": 200},
        default=403,
        covers=["permits:forecast_xlsx"],
    ),
    # API
    Case("api public key", lambda p: "/api/permits/public-key", EVERYONE, covers=["api:permits_public_key"]),
    Case("api verify", lambda p: "/api/permits/verify?t=x.y", EVERYONE, covers=["api:permits_verify"]),
    Case("api catalogue", lambda p: "/api/permits/catalogue", EVERYONE, covers=["api:permits_catalogue"]),
    Case(
        "api eligibility",
        lambda p: f"/api/permits/people/{_holder(p).pk}/eligibility",
        {**OFFICERS, "police_other": 404},
        default=403,
        covers=["api:permits_eligibility"],
    ),
    Case(
        "api entitlement",
        lambda p: f"/api/permits/people/{_holder(p).pk}/entitlements/legal_aid",
        {**OFFICERS, "police_other": 404},
        default=403,
        covers=["api:permits_entitlement"],
    ),
    Case(
        "api applications",
        lambda p: "/api/permits/applications?overdue=true",
        OFFICER_PAGE,
        default=403,
        covers=["api:permits_applications"],
    ),
    Case(
        "api school applications",
        lambda p: "/api/permits/school-applications?year=2026&grade=1",
        {"admin": 200, "staff": 200},
        default=403,
        covers=["api:permits_school_applications"],
    ),
    Case(
        "api forecast",
        lambda p: "/api/permits/forecast?years=3",
        {"admin": 200, "staff": 200, "analyst": 200},
        default=403,
        covers=["api:permits_forecast"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case: Case, personas: Any) -> None:
    run_case_for_roles(case, personas, ROLES)
