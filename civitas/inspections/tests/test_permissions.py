"""Permission matrix: every inspections page, Open311 endpoint and API operation × every persona."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from civitas.inspections import actions
from civitas.inspections.models import Campaign, ReportService, Task
from civitas.inspections.tests.builders import T0, hazard
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

STAFF_T1 = {"admin": 200, "police": 200, "grid": 200, "inspector": 200}
OWNER_AND_STAFF_T1 = {**STAFF_T1, "landlord": 200}
OVERSIGHT = {"admin": 200, "inspector": 200, "analyst": 200, "police": 200, "police_other": 200}
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}


@pytest.fixture
def world(personas: Any) -> dict[str, Any]:
    campaign = actions.do_create_campaign(
        name="百日行动",
        division_code="330782001",
        premises_types=["rental_house"],
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 6, 8),
        acting_user=personas["admin"],
    )
    personas["campaign"] = campaign
    personas["task"] = Task.objects.get(campaign=campaign)
    h = hazard(personas)
    personas["hazard"] = h
    personas["inspection"] = h.inspection
    second = hazard(personas, code="ebike_window_charging")
    personas["notice"] = actions.do_issue_notice(second, acting_user=personas["inspector"], now=T0)
    service = ReportService.objects.get(code="escape_blocked")
    personas["lead"] = actions.do_submit_report(service=service, address_string=personas["property"].building.address)
    return personas


def _id(p: dict[str, Any], name: str) -> int:
    """The fixture object's id (1 when the coverage check resolves routes with plain personas)."""
    return p[name].pk if name in p else 1


def _pk(name: str) -> Any:
    return lambda p: {"pk": _id(p, name)}


CASES = [
    Case(
        "home",
        "inspections:home",
        {**STAFF_T1, "police_other": 200, "grid_other": 200, "landlord": 200, "landlord_other": 200},
        default=403,
    ),
    Case(
        "checklists",
        "inspections:checklists",
        {**STAFF_T1, "police_other": 200, "grid_other": 200, "analyst": 200},
        default=403,
    ),
    Case("campaign form", "inspections:campaign-new", {"admin": 200, "inspector": 200}, default=403),
    Case("campaign", "inspections:campaign", STAFF_T1, kwargs=_pk("campaign")),
    Case("tasks", "inspections:tasks", {**STAFF_T1, "police_other": 200, "grid_other": 200}, default=403),
    Case(
        "inspect",
        "inspections:inspect",
        {"admin": 200, "grid": 200, "inspector": 200, "grid_other": 404},
        default=403,
        kwargs=_pk("task"),
    ),
    Case("inspection", "inspections:inspection", STAFF_T1, kwargs=_pk("inspection")),
    Case("hazards", "inspections:hazards", SIGNED_IN),
    Case("hazard", "inspections:hazard", OWNER_AND_STAFF_T1, kwargs=_pk("hazard")),
    Case(
        "issue notice",
        "inspections:hazard-action",
        {"admin": 302, "grid": 302, "inspector": 302, "police": 403, "landlord": 403},
        method="post",
        kwargs=lambda p: {"pk": _id(p, "hazard"), "action": "notice"},
    ),
    Case("notice pdf", "inspections:notice-pdf", OWNER_AND_STAFF_T1, kwargs=_pk("notice")),
    Case("reports", "inspections:leads", {"admin": 200, "inspector": 200}, default=403),
    Case("report", "inspections:lead", {"admin": 200, "inspector": 200}, default=403, kwargs=_pk("lead")),
    Case(
        "dismiss report",
        "inspections:lead-action",
        {"admin": 302, "inspector": 302},
        default=403,
        method="post",
        data={"reason": "duplicate"},
        kwargs=lambda p: {"pk": _id(p, "lead"), "action": "dismiss"},
    ),
    Case("accountability", "inspections:accountability", OVERSIGHT, default=403),
    Case("accountability xlsx", "inspections:accountability-xlsx", OVERSIGHT, default=403),
    Case("open311 services", "inspections:open311-services", EVERYONE, kwargs=lambda p: {"fmt": "json"}),
    Case(
        "open311 service",
        "inspections:open311-service",
        EVERYONE,
        kwargs=lambda p: {"code": "escape_blocked", "fmt": "xml"},
    ),
    Case("open311 requests", "inspections:open311-requests", EVERYONE, kwargs=lambda p: {"fmt": "json"}),
    Case(
        "open311 request",
        "inspections:open311-request",
        EVERYONE,
        kwargs=lambda p: {"pk": str(_id(p, "lead")), "fmt": "json"},
    ),
    Case("api tasks", lambda p: "/api/inspections/tasks", SIGNED_IN, covers=["api:inspections_api_tasks"]),
    Case("api hazards", lambda p: "/api/inspections/hazards", SIGNED_IN, covers=["api:inspections_api_hazards"]),
    Case(
        "api hazard",
        lambda p: f"/api/inspections/hazards/{_id(p, 'hazard')}",
        OWNER_AND_STAFF_T1,
        covers=["api:inspections_api_hazard"],
    ),
    Case(
        "api accountability",
        lambda p: "/api/inspections/accountability",
        OVERSIGHT,
        default=403,
        covers=["api:inspections_api_accountability_figures"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_role_gets_the_expected_status(world: dict[str, Any], case: Case) -> None:
    run_case_for_roles(case, world, ROLES)


def test_the_campaign_fixture_exists(world: dict[str, Any]) -> None:
    assert Campaign.objects.count() == 1
