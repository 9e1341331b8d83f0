"""Permission matrix of the insight pages and endpoints: every role × own and other jurisdiction × anonymous.

The run compares the city's townships; police of township 1 see township 1 only, police of township 2 see
township 2 only, a grid worker sees no township unit; landlords, staff, mediators, inspectors see nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from civitas.core import events
from civitas.insight import actions
from civitas.insight.tests.conftest import declare_many, small_framework_records
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

VIEWERS = {"admin": 200, "analyst": 200, "police": 200, "police_other": 200, "grid": 200, "grid_other": 200}
EDITORS_REDIRECT = {"admin": 302, "analyst": 302, "police": 403, "police_other": 403, "grid": 403, "grid_other": 403}
SEES_T1 = {"admin": 200, "analyst": 200, "police": 200}
SEPT = datetime.date(2026, 9, 1)


@pytest.fixture
def world(personas: dict[str, Any]) -> dict[str, Any]:
    when = datetime.datetime(2026, 9, 10, tzinfo=datetime.UTC)
    for grid, verified, late in ((personas["g1"].code, 6, 1), (personas["g3"].code, 4, 2)):
        for _ in range(verified):
            events.emit(
                "residence.declaration_verified",
                subject=("person", personas["landlord_person"].pk),
                division_code=grid,
                payload={"foreign": False},
                occurred_at=when,
            )
        for _ in range(late):
            events.emit("residence.declaration_late", division_code=grid, occurred_at=when, payload={})
        events.emit("residence.over_capacity", division_code=grid, occurred_at=when, payload={})
    declare_many(5, personas["g1"], when, person=personas["landlord_person"])
    declare_many(1, personas["g1"], when, days_late=2, person=personas["landlord_person"])
    declare_many(4, personas["g3"], when, person=personas["landlord_person"])
    framework = actions.do_create_framework(
        "small", {"en": "Small"}, small_framework_records(), acting_user=personas["analyst"]
    )
    run = actions.do_compute_run(
        framework,
        acting_user=personas["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
        mc_runs=20,
        seed=1,
        publish=True,
    )
    return {**personas, "framework": framework, "run": run}


def _run_pk(p: dict[str, Any]) -> int:
    """The run's id; 1 when the core coverage check resolves paths with plain personas (no run)."""
    return p["run"].pk if "run" in p else 1


def _fw_pk(p: dict[str, Any]) -> int:
    return p["framework"].pk if "framework" in p else 1


def _run(p: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run_pk(p)}


def _unit_t1(p: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _run_pk(p), "code": p["t1"].code}


CASES = [
    Case("dashboard", "insight:dashboard", VIEWERS, default=403),
    Case("public dashboard", "insight:public", {}, default=200, anonymous=200),
    Case("runs", "insight:runs", VIEWERS, default=403),
    Case(
        "new run",
        "insight:run_new",
        EDITORS_REDIRECT,
        default=403,
        method="post",
        data=lambda p: {
            "framework": _fw_pk(p),
            "level": 9,
            "period_start": "2026-09",
            "period_end": "2026-09",
            "normalisation": "minmax",
            "aggregation": "arithmetic",
            "impute": "mean",
            "mc_runs": 0,
            "seed": 1,
        },
    ),
    Case("run", "insight:run", VIEWERS, kwargs=_run),
    Case(
        "publish run",
        "insight:run_publish",
        EDITORS_REDIRECT,
        default=403,
        method="post",
        kwargs=_run,
        data={"published": "0"},
    ),
    Case("stage table", "insight:stage", VIEWERS, kwargs=lambda p: {"pk": _run_pk(p), "name": "Raw"}),
    Case("report pdf", "insight:report_pdf", VIEWERS, kwargs=_run),
    Case("report xlsx", "insight:report_xlsx", VIEWERS, kwargs=_run),
    Case("unit of township 1", "insight:unit", SEES_T1, kwargs=_unit_t1),
    Case(
        "indicator of township 1",
        "insight:indicator",
        SEES_T1,
        kwargs=lambda p: {**_unit_t1(p), "indicator": "RES_ON_TIME"},
    ),
    Case("frameworks", "insight:frameworks", VIEWERS, default=403),
    Case("framework", "insight:framework", VIEWERS, kwargs=lambda p: {"pk": _fw_pk(p)}),
    Case(
        "edit weights",
        "insight:framework",
        EDITORS_REDIRECT,
        method="post",
        kwargs=lambda p: {"pk": _fw_pk(p)},
        data={"w_RES_ON_TIME": "2", "w_RES_OVER_CAPACITY": "1", "note": "matrix"},
    ),
    Case("import page", "insight:import", {"admin": 200, "analyst": 200}, default=403),
    Case("api frameworks", lambda p: "/api/insight/frameworks", VIEWERS, default=403),
    Case("api framework", lambda p: f"/api/insight/frameworks/{_fw_pk(p)}", VIEWERS),
    Case(
        "api weights",
        lambda p: f"/api/insight/frameworks/{_fw_pk(p)}/weights",
        {"admin": 200, "analyst": 200, "police": 403, "police_other": 403, "grid": 403, "grid_other": 403},
        method="put",
        content_type="application/json",
        data={"weights": {"RES_ON_TIME": 2}},
    ),
    Case("api runs", lambda p: "/api/insight/runs", VIEWERS, default=403),
    Case(
        "api new run",
        lambda p: "/api/insight/runs",
        {"admin": 201, "analyst": 201, "police": 403, "police_other": 403, "grid": 403, "grid_other": 403},
        default=403,
        method="post",
        content_type="application/json",
        data=lambda p: {
            "framework": _fw_pk(p),
            "period_start": "2026-09-01",
            "period_end": "2026-09-01",
            "options": {"treat": False},
        },
    ),
    Case("api run", lambda p: f"/api/insight/runs/{_run_pk(p)}", VIEWERS),
    Case("api results", lambda p: f"/api/insight/runs/{_run_pk(p)}/results", VIEWERS),
    Case("api sensitivity", lambda p: f"/api/insight/runs/{_run_pk(p)}/sensitivity", VIEWERS),
    Case("api stage", lambda p: f"/api/insight/runs/{_run_pk(p)}/stages/Normalised", VIEWERS),
    Case("api unit", lambda p: f"/api/insight/runs/{_run_pk(p)}/units/{p['t1'].code}", SEES_T1),
    Case("api indicator", lambda p: f"/api/insight/runs/{_run_pk(p)}/units/{p['t1'].code}/RES_ON_TIME", SEES_T1),
    Case("api public", lambda p: "/api/insight/public", {}, default=200, anonymous=200),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case: Case, world: dict[str, Any]) -> None:
    run_case_for_roles(case, world, ROLES)
