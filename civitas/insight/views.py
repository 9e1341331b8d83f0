"""Pages of the index: dashboards (internal and public), runs and their stages, drill-down, frameworks."""

from __future__ import annotations

import base64
import datetime
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import audit
from civitas.core.models import AuditEvent
from civitas.insight import actions, boundaries, charts, indicators, public
from civitas.insight.access import (
    access_framework,
    access_run,
    access_unit,
    frameworks_visible_to,
    may_edit,
    require_edit,
    require_view,
    runs_visible_to,
    scores_visible_to,
)
from civitas.insight.choices import RunStatus
from civitas.insight.datasets import localise
from civitas.insight.drilldown import indicator_records, indicator_series, stage, unit_tree
from civitas.insight.forms import ImportForm, RunForm, WeightsForm
from civitas.insight.importer import do_import_external
from civitas.insight.indicators import Extract
from civitas.insight.models import IndexRun, IndexScore, localised
from civitas.insight.reports import build_pdf, build_xlsx, dimension_labels, ranking_rows
from civitas.places.models import Division

CHART_LIMIT = 60  # units; beyond this the rank-interval chart is left to the table and the xlsx report
GAP_LIMIT = 100  # missing values listed on the page (all of them are in the xlsx report)
TREND_INDICATORS = ("RES_ON_TIME", "RES_OVER_CAPACITY", "INS_HAZARDS_CLOSED")


def _trend(scope: str, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Monthly series of a few key indicators for the viewer's whole jurisdiction."""
    out = []
    for code in TREND_INDICATORS:
        indicator = indicators.get(code)
        if indicator is None or not indicator.available():
            continue
        extraction = indicators.extract(indicator, Extract(len(scope), scope, start, end), [scope])
        values = extraction.monthly_values().loc[scope]
        series = [None if value != value else round(float(value), 2) for value in values]
        out.append(
            {
                "code": code,
                "label": str(indicator.name),
                "unit": str(indicator.unit),
                "svg": charts.line_series(
                    [f"{m:%Y-%m}" for m in extraction.months], {str(indicator.name): series}, unit=str(indicator.unit)
                ),
            }
        )
    return out


DASHBOARD_CANDIDATES = 20  # latest computed runs considered for the dashboard


def dashboard_run(user: Any, scope: str) -> IndexRun | None:
    """The run that ranks most for this viewer: the latest with several units inside their jurisdiction (a
    township officer gets the run comparing their communities, not a "ranking" of their township alone),
    else the latest with one, else the latest computed run."""
    runs = list(runs_visible_to(user).filter(status=RunStatus.DONE)[:DASHBOARD_CANDIDATES])
    if not runs:
        return None
    units = dict(
        IndexScore.objects.filter(run__in=runs)
        .in_scope(scope)
        .order_by()
        .values("run")
        .annotate(n=Count("division", distinct=True))
        .values_list("run", "n")
    )
    return next(
        (run for run in runs if units.get(run.pk, 0) >= 2),
        next((run for run in runs if units.get(run.pk, 0) >= 1), runs[0]),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = require_view(request.user)
    run = dashboard_run(request.user, scope)
    context: dict[str, Any] = {"run": run, "scope": Division.objects.filter(code=scope).first()}
    if run is not None:
        rows = ranking_rows(run, scores_visible_to(request.user, run))
        top = rows[:CHART_LIMIT]  # charts show the best ranked; the table below lists every unit
        context.update(
            rows=rows,
            dimensions=dimension_labels(run),
            bars=charts.ranking_bars([r["name"] for r in top], [r["score"] for r in top]) if top else "",
            charted=len(top),
        )
        shapes = boundaries.shapes([r["unit"] for r in top]) if top else None
        if shapes:
            context["map"] = charts.boundary_map(
                [r["name"] for r in top], [r["score"] for r in top], [shapes[r["unit"]] for r in top]
            )
        elif top:
            columns = 8 if len(top) > 20 else 5
            context["tiles"] = charts.tile_grid([r["name"] for r in top], [r["score"] for r in top], columns=columns)
        end = run.period_end
    else:
        end = timezone.localdate().replace(day=1)
    start = (end - datetime.timedelta(days=335)).replace(day=1)  # twelve months up to the last one
    context["trends"] = _trend(scope, start, end)
    context["may_edit"] = may_edit(request.user)
    return render(request, "insight/dashboard.html", context)


def public_dashboard(request: HttpRequest) -> HttpResponse:
    board = public.dashboard()
    bars = ""
    if board.ranking:
        bars = charts.ranking_bars([e["name"] for e in board.ranking], [e["score"] for e in board.ranking])
    return render(request, "insight/public.html", {"board": board, "bars": bars})


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user)
    form = None
    if may_edit(request.user):
        form = RunForm(
            initial={
                "period_start": f"{timezone.localdate():%Y}-01",
                "period_end": f"{timezone.localdate():%Y-%m}",
                "normalisation": "minmax",
                "aggregation": "arithmetic",
                "impute": "mean",
                "treat": True,
            }
        )
    runs = runs_visible_to(request.user).select_related("framework", "created_by")[:100]
    return render(request, "insight/runs.html", {"runs": runs, "form": form})


@login_required
@require_POST
def run_new(request: HttpRequest) -> HttpResponse:
    scope = require_edit(request.user)
    form = RunForm(request.POST)
    if form.is_valid() and form.cleaned_data["level"] <= len(scope):
        form.add_error("level", _("Your jurisdiction is one such unit; compare the units inside it instead."))
    if not form.is_valid():
        runs = runs_visible_to(request.user).select_related("framework", "created_by")[:100]
        return render(request, "insight/runs.html", {"runs": runs, "form": form}, status=422)
    data = form.cleaned_data
    run = actions.do_compute_run(
        data["framework"],
        acting_user=request.user,
        level=data["level"],
        scope_code=scope,
        period_start=data["period_start"],
        period_end=data["period_end"],
        options=form.options(),
        mc_runs=data["mc_runs"],
        seed=data["seed"],
        publish=data["publish"],
    )
    if run.status == RunStatus.FAILED:
        messages.error(request, _("The run failed: {message}").format(message=(run.error or {}).get("message", "")))
    return redirect("insight:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    scores = scores_visible_to(request.user, run)
    rows = ranking_rows(run, scores)
    visible = {r["unit"] for r in rows}
    sensitivity = None
    if run.sensitivity:
        units = [u for u in run.sensitivity["units"] if u["unit"] in visible]
        names = {r["unit"]: r["name"] for r in rows}
        labels = {n["code"]: localised(n.get("name"), n["code"]) for n in run.framework_snapshot}
        removal = list(run.sensitivity["removal"].items())
        sensitivity = {
            "units": [{**u, "name": names.get(u["unit"], u["unit"])} for u in units],
            "intervals": ""
            if len(units) > CHART_LIMIT
            else charts.rank_intervals(
                [names.get(u["unit"], u["unit"]) for u in units],
                [u["nominal_rank"] for u in units],
                [u["rank_q05"] for u in units],
                [u["rank_q95"] for u in units],
            )
            if units
            else "",
            "influence": charts.influence_bars(
                [labels.get(code, code) for code, _v in removal],
                [v or 0.0 for _c, v in removal],
                _("mean rank shift when left out"),
            )
            if removal
            else "",
            "removal": [{"code": code, "label": labels.get(code, code), "value": value} for code, value in removal],
            "first_order": [{"factor": k, "value": v} for k, v in run.sensitivity["first_order"].items()],
        }
    gaps = localise([g for g in run.gaps if g["unit"] in visible])
    context = {
        "run": run,
        "rows": rows,
        "dimensions": dimension_labels(run) if rows else [],
        "gaps": gaps[:GAP_LIMIT],
        "gap_count": len(gaps),
        "gap_summary": sorted(Counter((g["indicator"], g["reason"]) for g in gaps).items()),
        "sensitivity": sensitivity,
        "excluded": localise(run.details.get("excluded", [])),
        "may_edit": may_edit(request.user),
        "stages": list(run.stages),
        "details": run.details,
    }
    return render(request, "insight/run.html", context)


@login_required
def stage_table(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    run = access_run(request.user, pk)
    frame = stage(run, name)
    if frame is None:
        raise Http404
    visible = set(scores_visible_to(request.user, run).values_list("division_id", flat=True).distinct())
    names = dict(Division.objects.filter(code__in=visible).values_list("code", "name"))
    frame = frame.loc[[unit for unit in frame.index if unit in visible]]
    rows = [
        {"unit": unit, "name": names.get(unit, unit), "values": list(values)}
        for unit, values in zip(frame.index, frame.to_numpy(), strict=True)
    ]
    return render(
        request,
        "insight/stage.html",
        {"run": run, "name": name, "columns": list(frame.columns), "rows": rows, "stages": list(run.stages)},
    )


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_edit(request.user)
    run = access_run(request.user, pk)
    try:
        actions.do_publish_run(run, request.POST.get("published") == "1", acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("insight:run", pk=run.pk)


@login_required
def unit_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    run = access_run(request.user, pk)
    access_unit(request.user, run, code)
    division = Division.objects.get(code=code)
    tree = unit_tree(run, code)
    gaps = localise([g for g in run.gaps if g["unit"] == code])
    return render(request, "insight/unit.html", {"run": run, "division": division, "tree": tree, "gaps": gaps})


@login_required
def indicator_detail(request: HttpRequest, pk: int, code: str, indicator: str) -> HttpResponse:
    run = access_run(request.user, pk)
    access_unit(request.user, run, code)
    record = run.snapshot_node(indicator)
    if record is None or record.get("kind") != "indicator":
        raise Http404
    division = Division.objects.get(code=code)
    series = indicator_series(run, code, indicator)
    chart = ""
    if series is not None:
        chart = charts.line_series(
            [f"{m:%Y-%m}" for m in series.months], {indicator: series.values}, unit=series.unit_of_measure
        )
    records, total = indicator_records(run, code, indicator)
    audit.record(
        "insight.records_viewed",
        actor=request.user,
        object_type="insight.indexrun",
        object_id=run.pk,
        division_code=code,
        new={"indicator": indicator, "unit": code, "shown": len(records)},
    )
    rows = []
    if series is not None:
        rows = [
            {"month": m, "numerator": n, "denominator": d, "value": v}
            for m, n, d, v in zip(series.months, series.numerator, series.denominator, series.values, strict=True)
        ]
    return render(
        request,
        "insight/indicator.html",
        {
            "run": run,
            "division": division,
            "record": record,
            "label": localised(record.get("name"), indicator),
            "chart": chart,
            "rows": rows,
            "records": records,
            "total": total,
            "code": indicator,
            "indicator": indicators.get(indicator),
        },
    )


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user)
    return render(
        request,
        "insight/frameworks.html",
        {"frameworks": frameworks_visible_to(request.user), "may_edit": may_edit(request.user)},
    )


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access_framework(request.user, pk)
    nodes = list(framework.nodes.select_related("parent").order_by("position", "pk"))
    form = None
    if may_edit(request.user):
        form = WeightsForm(request.POST or None, nodes=nodes)
        if request.method == "POST" and form.is_valid():
            try:
                actions.do_set_weights(
                    framework, form.weights(), acting_user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Weights saved."))
                return redirect("insight:framework", pk=framework.pk)
            except ValidationError as error:
                form.add_error(None, error)
    elif request.method == "POST":
        require_edit(request.user)
    depth: dict[int, int] = {}
    for node in nodes:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
    history = AuditEvent.objects.filter(
        action="insight.weights_changed", object_type="insight.framework", object_id=str(framework.pk)
    ).order_by("-seq")[:20]
    rows = [
        {
            "node": node,
            "depth": depth[node.pk],
            "field": form[f"w_{node.code}"] if form is not None and node.parent_id else None,
        }
        for node in nodes
    ]
    return render(
        request,
        "insight/framework.html",
        {"framework": framework, "rows": rows, "form": form, "history": history},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def import_external(request: HttpRequest) -> HttpResponse:
    require_edit(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = do_import_external(upload.name, upload, acting_user=request.user)
        if report.ok:
            messages.success(request, _("{rows} values imported.").format(rows=report.rows))
            return redirect("insight:import")
    return render(
        request,
        "insight/import.html",
        {"form": form, "report": report},
        status=422 if report is not None and not report.ok else 200,
    )


def _report_context(request: HttpRequest, pk: int) -> tuple[Any, dict[str, Any], set[str]]:
    run = access_run(request.user, pk)
    scores = scores_visible_to(request.user, run)
    rows = ranking_rows(run, scores)
    visible = {r["unit"] for r in rows}
    gaps = localise([g for g in run.gaps if g["unit"] in visible])
    context = {
        "run": run,
        "rows": rows,
        "dimensions": dimension_labels(run),
        "user": request.user,
        "bars": charts.ranking_bars([r["name"] for r in rows], [r["score"] for r in rows])
        if rows and len(rows) <= CHART_LIMIT
        else "",
        "gaps": gaps[:GAP_LIMIT],
        "now": timezone.now(),
    }
    return run, context, visible


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run, context, _visible = _report_context(request, pk)
    if context["bars"]:
        context["bars_uri"] = "data:image/svg+xml;base64," + base64.b64encode(context["bars"].encode()).decode()
    response = HttpResponse(build_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="index-run-{run.pk}.pdf"'
    return response


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    run, _context, visible = _report_context(request, pk)
    content = build_xlsx(run, scores_visible_to(request.user, run), visible)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="index-run-{run.pk}.xlsx"'
    return response
