"""JSON API of the index: frameworks, runs, results, drill-down and the public (suppressed) dashboard data.

Same querysets and access rules as the pages (`access.py`): out of scope is 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from civitas.core import audit
from civitas.insight import actions, public
from civitas.insight.access import (
    access_framework,
    access_run,
    access_unit,
    frameworks_visible_to,
    require_edit,
    require_view,
    runs_visible_to,
    scores_visible_to,
)
from civitas.insight.choices import UnitLevel
from civitas.insight.datasets import localise
from civitas.insight.drilldown import indicator_records, indicator_series, stage, unit_tree
from civitas.insight.reports import ranking_rows

router = Router(tags=["insight"])


class FrameworkOut(Schema):
    id: int
    code: str
    name: dict[str, str]
    version: int


class NodeOut(Schema):
    code: str
    parent: str | None
    level: int
    kind: str
    name: dict[str, str]
    unit: str
    direction: int
    weight: float
    denominator: str | None
    source: str


class FrameworkDetailOut(FrameworkOut):
    nodes: list[NodeOut]


class WeightsIn(Schema):
    weights: dict[str, float]
    note: str = ""


class RunIn(Schema):
    framework: int
    level: int = UnitLevel.TOWNSHIP
    period_start: datetime.date
    period_end: datetime.date
    options: dict[str, Any] = {}
    mc_runs: int = 0
    seed: int | None = None
    publish: bool = False


class RunOut(Schema):
    id: int
    framework: str
    framework_version: int
    level: int
    scope_code: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    error: dict[str, Any] | None
    options: dict[str, Any]
    mc_runs: int
    seed: int | None
    published: bool
    created_at: datetime.datetime


class ResultOut(Schema):
    unit: str
    name: str
    rank: int | None = None
    score: float | None = None
    dimension_scores: list[float | None]


def _run_out(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "framework": run.framework.code,
        "framework_version": run.framework_version,
        "level": run.level,
        "scope_code": run.scope_code,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "status": run.status,
        "error": run.error,
        "options": run.options,
        "mc_runs": run.mc_runs,
        "seed": run.seed,
        "published": run.published,
        "created_at": run.created_at,
    }


@router.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request: HttpRequest) -> list[Any]:
    require_view(request.user)
    return [
        {"id": f.pk, "code": f.code, "name": f.name, "version": f.version} for f in frameworks_visible_to(request.user)
    ]


@router.get("/frameworks/{pk}", response=FrameworkDetailOut)
def get_framework(request: HttpRequest, pk: int) -> dict[str, Any]:
    from civitas.insight.frameworks import framework_records

    framework = access_framework(request.user, pk)
    nodes = [{**r, "source": r.get("source") or "", "unit": r.get("unit") or ""} for r in framework_records(framework)]
    return {
        "id": framework.pk,
        "code": framework.code,
        "name": framework.name,
        "version": framework.version,
        "nodes": nodes,
    }


@router.put("/frameworks/{pk}/weights", response=FrameworkOut)
def set_weights(request: HttpRequest, pk: int, body: WeightsIn) -> dict[str, Any]:
    framework = access_framework(request.user, pk)
    require_edit(request.user)
    framework = actions.do_set_weights(framework, body.weights, acting_user=request.user, note=body.note)
    return {"id": framework.pk, "code": framework.code, "name": framework.name, "version": framework.version}


@router.get("/runs", response=list[RunOut])
def list_runs(request: HttpRequest) -> list[dict[str, Any]]:
    require_view(request.user)
    return [_run_out(run) for run in runs_visible_to(request.user).select_related("framework")[:100]]


@router.post("/runs", response={201: RunOut})
def create_run(request: HttpRequest, body: RunIn) -> Status:
    scope = require_edit(request.user)
    framework = access_framework(request.user, body.framework)
    if body.level <= len(scope):
        raise ValidationError({"level": _("Your jurisdiction is one such unit; compare the units inside it instead.")})
    run = actions.do_compute_run(
        framework,
        acting_user=request.user,
        level=body.level,
        scope_code=scope,
        period_start=body.period_start,
        period_end=body.period_end,
        options=body.options,
        mc_runs=body.mc_runs,
        seed=body.seed,
        publish=body.publish,
    )
    return Status(201, _run_out(run))


@router.get("/runs/{pk}", response=RunOut)
def get_run(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _run_out(access_run(request.user, pk))


@router.get("/runs/{pk}/results", response=list[ResultOut])
def run_results(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    run = access_run(request.user, pk)
    return ranking_rows(run, scores_visible_to(request.user, run))


@router.get("/runs/{pk}/sensitivity")
def run_sensitivity(request: HttpRequest, pk: int) -> dict[str, Any]:
    run = access_run(request.user, pk)
    if not run.sensitivity:
        raise Http404
    visible = set(scores_visible_to(request.user, run).values_list("division_id", flat=True))
    return {**run.sensitivity, "units": [u for u in run.sensitivity["units"] if u["unit"] in visible]}


@router.get("/runs/{pk}/stages/{name}")
def run_stage(request: HttpRequest, pk: int, name: str) -> dict[str, Any]:
    run = access_run(request.user, pk)
    frame = stage(run, name)
    if frame is None:
        raise Http404
    visible = set(scores_visible_to(request.user, run).values_list("division_id", flat=True))
    frame = frame.loc[[unit for unit in frame.index if unit in visible]]
    return {
        "stage": name,
        "columns": list(frame.columns),
        "rows": [
            {"unit": unit, "values": [None if v != v else float(v) for v in values]}
            for unit, values in zip(frame.index, frame.to_numpy(), strict=True)
        ],
    }


@router.get("/runs/{pk}/units/{code}")
def run_unit(request: HttpRequest, pk: int, code: str) -> dict[str, Any]:
    run = access_run(request.user, pk)
    access_unit(request.user, run, code)
    return {"unit": code, "nodes": unit_tree(run, code), "gaps": localise([g for g in run.gaps if g["unit"] == code])}


@router.get("/runs/{pk}/units/{code}/{indicator}")
def run_unit_indicator(request: HttpRequest, pk: int, code: str, indicator: str) -> dict[str, Any]:
    run = access_run(request.user, pk)
    access_unit(request.user, run, code)
    if run.snapshot_node(indicator) is None:
        raise Http404
    series = indicator_series(run, code, indicator)
    records, total = indicator_records(run, code, indicator)
    audit.record(
        "insight.records_viewed",
        actor=request.user,
        object_type="insight.indexrun",
        object_id=run.pk,
        division_code=code,
        new={"indicator": indicator, "unit": code, "shown": len(records)},
    )
    return {
        "unit": code,
        "indicator": indicator,
        "months": [str(m) for m in series.months] if series else [],
        "numerator": series.numerator if series else [],
        "denominator": series.denominator if series else [],
        "values": series.values if series else [],
        "records_total": total,
        "records": [
            {**r, "when": r["when"].isoformat() if r["when"] else None, "what": str(r["what"])} for r in records
        ],
    }


@router.get("/public", auth=None)
def public_dashboard(request: HttpRequest) -> dict[str, Any]:
    """The latest published township ranking and counts with small cells suppressed (no login)."""
    return public.as_json(public.dashboard())
