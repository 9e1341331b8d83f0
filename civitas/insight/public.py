"""What the public dashboard shows without login: the latest published township ranking, and counts with
small-cell suppression (no count below the threshold is published, nor one recoverable from a total).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civitas.insight import indicators
from civitas.insight.choices import RunStatus, UnitLevel
from civitas.insight.indicators import Extract, Tally
from civitas.insight.models import IndexRun, IndexScore, localised
from civitas.insight.suppression import DEFAULT_THRESHOLD, SuppressedTable, suppress
from civitas.places.models import Division


def threshold() -> int:
    return int(getattr(settings, "INSIGHT_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


# Published counts: label → tally (per township in the run's period). Declarations are counted as the index
# counts them (RES_ON_TIME): checked declarations, and among them the late ones.
COUNTS: list[tuple[str, Any, Tally]] = [
    ("declarations", _("Declarations checked"), indicators.CHECKED_DECLARATIONS),
    ("late", _("Late declarations"), indicators.LATE_DECLARATIONS),
    ("group_renting", _("Group-renting findings"), indicators.events("residence.over_capacity")),
    ("hazards", _("Hazards confirmed"), indicators.events("inspections.hazard_confirmed")),
    ("hazards_closed", _("Hazards closed"), indicators.events("inspections.hazard_closed")),
]


@dataclass
class PublicDashboard:
    run: IndexRun | None
    ranking: list[dict[str, Any]]
    dimensions: list[dict[str, str]]
    counts: SuppressedTable | None
    count_labels: list[str]
    unit_names: dict[str, str]
    count_rows: list[dict[str, Any]] = field(default_factory=list)


def latest_public_run() -> IndexRun | None:
    return (
        IndexRun.objects.filter(published=True, status=RunStatus.DONE, level=UnitLevel.TOWNSHIP)
        .select_related("framework")
        .order_by("-created_at", "-pk")
        .first()
    )


def dashboard(run: IndexRun | None = None) -> PublicDashboard:
    run = run or latest_public_run()
    if run is None:
        return PublicDashboard(None, [], [], None, [], {})
    snapshot = run.framework_snapshot
    root = next(node for node in snapshot if not node.get("parent"))
    dimensions = [node for node in snapshot if node.get("parent") == root["code"] and node.get("kind") != "indicator"]
    scores: dict[str, dict[str, Any]] = {}
    for row in IndexScore.objects.filter(run=run, node_code__in=[root["code"], *[d["code"] for d in dimensions]]):
        entry = scores.setdefault(row.division_id, {"unit": row.division_id, "scores": {}})
        entry["scores"][row.node_code] = round(row.score, 1)
        if row.node_code == root["code"]:
            entry["rank"], entry["score"] = row.rank, round(row.score, 1)
    names = dict(Division.objects.filter(code__in=list(scores)).values_list("code", "name"))
    ranking = sorted(scores.values(), key=lambda entry: entry.get("rank", 10**6))
    for entry in ranking:
        entry["name"] = names.get(entry["unit"], entry["unit"])
        entry["dimension_scores"] = [entry["scores"].get(d["code"]) for d in dimensions]
    counts = count_table(run, list(names))
    return PublicDashboard(
        run=run,
        ranking=ranking,
        dimensions=[{"code": d["code"], "label": localised(d.get("name"), d["code"])} for d in dimensions],
        counts=counts,
        count_labels=[str(label) for _, label, _tally in COUNTS],
        unit_names=names,
        count_rows=[{**row, "name": names.get(row["row"], row["row"])} for row in counts.as_rows()],
    )


def count_table(run: IndexRun, units: list[str]) -> SuppressedTable:
    extract = Extract(UnitLevel.TOWNSHIP, run.scope_code, run.period_start, run.period_end)
    frame = pd.DataFrame(0, index=sorted(units), columns=[key for key, _label, _tally in COUNTS])
    for key, _label, tally in COUNTS:
        series = tally.series(extract)
        if not series.empty:
            frame[key] = series.groupby(level=0).sum().reindex(frame.index).fillna(0).astype(int)
    return suppress(frame, threshold())


def as_json(board: PublicDashboard) -> dict[str, Any]:
    if board.run is None:
        return {"run": None, "ranking": [], "counts": None}
    counts = board.counts
    assert counts is not None
    return {
        "run": {
            "id": board.run.pk,
            "framework": board.run.framework.label,
            "period": [str(board.run.period_start), str(board.run.period_end)],
        },
        "dimensions": board.dimensions,
        "ranking": [
            {
                "unit": e["unit"],
                "name": e["name"],
                "rank": e.get("rank"),
                "score": e.get("score"),
                "dimensions": dict(zip([d["code"] for d in board.dimensions], e["dimension_scores"], strict=True)),
            }
            for e in board.ranking
        ],
        "counts": {
            "threshold": counts.threshold,
            "columns": dict(zip(counts.columns, board.count_labels, strict=True)),
            "rows": [
                {
                    "unit": row["row"],
                    "name": board.unit_names.get(row["row"], row["row"]),
                    "cells": dict(zip(counts.columns, row["cells"], strict=True)),
                    "total": row["total"],
                }
                for row in counts.as_rows()
            ],
            "column_totals": counts.column_totals,
            "grand_total": counts.grand_total,
        },
    }
