"""Downloadable reports of a run: xlsx (every stage as a sheet) and PDF (WeasyPrint, CJK fonts)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from civitas.insight.drilldown import stage
from civitas.insight.models import IndexRun, localised


def ranking_rows(run: IndexRun, scores: Any) -> list[dict[str, Any]]:
    """Index score, rank and dimension scores per visible unit, best first."""
    root = next(node for node in run.framework_snapshot if not node.get("parent"))
    dimensions = [node["code"] for node in _dimensions(run, root)]
    table: dict[str, dict[str, Any]] = {}
    for row in scores.filter(node_code__in=[root["code"], *dimensions]).select_related("division"):
        entry = table.setdefault(row.division_id, {"unit": row.division_id, "name": row.division.name, "dims": {}})
        if row.node_code == root["code"]:
            entry["score"], entry["rank"] = row.score, row.rank
        else:
            entry["dims"][row.node_code] = row.score
    rows = sorted(table.values(), key=lambda entry: entry.get("rank", 10**6))
    for entry in rows:
        entry["dimension_scores"] = [entry["dims"].get(code) for code in dimensions]
    return rows


def dimension_labels(run: IndexRun) -> list[str]:
    root = next(node for node in run.framework_snapshot if not node.get("parent"))
    return [localised(node.get("name"), node["code"]) for node in _dimensions(run, root)]


def _dimensions(run: IndexRun, root: dict[str, Any]) -> list[dict[str, Any]]:
    """The aggregates right below the index (indicators hanging directly off it have no score rows)."""
    return [
        node
        for node in run.framework_snapshot
        if node.get("parent") == root["code"] and node.get("kind") != "indicator"
    ]


def build_xlsx(run: IndexRun, scores: Any, visible_units: set[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Results"
    sheet.append(["unit", "name", "rank", "score", *dimension_labels(run)])
    for row in ranking_rows(run, scores):
        sheet.append([row["unit"], row["name"], row.get("rank"), row.get("score"), *row["dimension_scores"]])
    for name in run.stages:
        frame = stage(run, name)
        if frame is None:
            continue
        frame = frame.loc[[unit for unit in frame.index if unit in visible_units]]
        page = book.create_sheet(name[:31])
        page.append(["unit", *frame.columns])
        for unit, values in zip(frame.index, frame.to_numpy(), strict=True):
            page.append([unit, *[None if value != value else float(value) for value in values]])
    if run.sensitivity:
        page = book.create_sheet("Sensitivity")
        page.append(["unit", "nominal_rank", "median_rank", "rank_q05", "rank_q95", "mean_abs_shift"])
        for unit in run.sensitivity["units"]:
            if unit["unit"] in visible_units:
                page.append(
                    [
                        unit["unit"],
                        unit["nominal_rank"],
                        unit["median_rank"],
                        unit["rank_q05"],
                        unit["rank_q95"],
                        unit["mean_abs_shift"],
                    ]
                )
    if run.gaps:
        page = book.create_sheet("Gaps")
        page.append(["indicator", "unit", "reason"])
        from civitas.insight.datasets import localise

        for gap in localise(run.gaps):
            if gap["unit"] in visible_units:
                page.append([gap["indicator"], gap["unit"], gap["reason"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("insight/report_pdf.html", context)
    return HTML(string=html).write_pdf()
