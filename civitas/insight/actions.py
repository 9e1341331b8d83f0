"""Everything that changes insight data: frameworks, weights, imports, runs, publication. Each is audited."""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from civitas.core import audit
from civitas.insight import coin
from civitas.insight.choices import ANALYST_ROLES, NodeKind, RunStatus, UnitLevel
from civitas.insight.datasets import GROUP_COLUMN, Dataset, build_dataset, prune
from civitas.insight.frameworks import (
    TEMPLATE_CODE,
    create_nodes,
    framework_records,
    template_records,
    to_coin,
)
from civitas.insight.indicators import Extract, month_start
from civitas.insight.models import Framework, IndexRun, IndexScore

# Options of a run that are not the engine's PipelineOptions.
RUN_OPTIONS = {"drop_uninformative": True, "weight_noise": 0.25, "mc_aggregations": None, "mc_normalisations": None}
DEFAULT_OPTIONS: dict[str, Any] = {
    "impute": "mean",
    "treat": True,
    "normalisation": {"method": "minmax", "lower": 0.0, "upper": 100.0},
    "aggregation": "arithmetic",
    "require_complete": False,
    **RUN_OPTIONS,
}


def require_analyst(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in ANALYST_ROLES:
        raise PermissionDenied(_("Only analysts and city administrators may change the index."))


@transaction.atomic
def do_install_template(*, acting_user: Any, code: str = TEMPLATE_CODE) -> Framework:
    """Create the ZJU-style framework (idempotent: an existing one is returned unchanged)."""
    existing = Framework.objects.filter(code=code).first()
    if existing is not None:
        return existing
    records = template_records()
    to_coin(records)  # validates
    framework = Framework.objects.create(
        code=code,
        name={
            "zh-hans": "县域社会治理指数（浙大框架）",
            "en": gettext_noop("County social-governance index (ZJU structure)"),
        },
        description=str(
            _(
                "4 dimensions and 11 first-level indicators after the Zhejiang University index; "
                "indicators are Civitas's own."
            )
        ),
    )
    create_nodes(framework, records)
    audit.record(
        "insight.framework_created", actor=acting_user, obj=framework, new={"code": code, "nodes": len(records)}
    )
    return framework


@transaction.atomic
def do_create_framework(
    code: str, name: Mapping[str, str], records: list[dict[str, Any]], *, acting_user: Any
) -> Framework:
    """Create a framework from records (e.g. a CSV upload); invalid trees are rejected with the node named."""
    require_analyst(acting_user)
    if Framework.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A framework with this code exists.")})
    try:
        to_coin(records)
    except coin.CoinError as error:
        raise ValidationError(error.message)
    framework = Framework.objects.create(code=code, name=dict(name))
    create_nodes(framework, records)
    audit.record(
        "insight.framework_created", actor=acting_user, obj=framework, new={"code": code, "nodes": len(records)}
    )
    return framework


@transaction.atomic
def do_set_weights(
    framework: Framework, weights: Mapping[str, float], *, acting_user: Any, note: str = ""
) -> Framework:
    """Change node weights; the framework must still resolve (no negative weights, no all-zero siblings)."""
    require_analyst(acting_user)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    nodes = {node.code: node for node in framework.nodes.all()}
    unknown = sorted(set(weights) - set(nodes))
    if unknown:
        raise ValidationError(_("Unknown nodes: {codes}.").format(codes=", ".join(unknown)))
    records = framework_records(framework)
    for record in records:
        if record["code"] in weights:
            record["weight"] = float(weights[record["code"]])
    try:
        to_coin(records)
    except coin.CoinError as error:
        raise ValidationError(error.message)
    old, new = {}, {}
    for code, weight in weights.items():
        node = nodes[code]
        if not math.isclose(node.weight, float(weight)):
            old[code], new[code] = node.weight, float(weight)
            node.weight = float(weight)
            node.save(update_fields=["weight"])
    if new:
        framework.version += 1
        framework.save(update_fields=["version", "updated_at"])
        audit.record(
            "insight.weights_changed",
            actor=acting_user,
            obj=framework,
            old=old,
            new={**new, "version": framework.version},
            note=note,
        )
    return framework


def pipeline_options(options: Mapping[str, Any], level: int) -> coin.PipelineOptions:
    engine = {key: value for key, value in options.items() if key not in RUN_OPTIONS}
    if engine.get("impute") in ("", None):
        engine["impute"] = None
    if str(engine.get("impute") or "").startswith("group_"):
        engine.setdefault("impute_group", GROUP_COLUMN)
    return coin.PipelineOptions.from_mapping(engine)


@transaction.atomic
def do_compute_run(
    framework: Framework,
    *,
    acting_user: Any,
    level: int = UnitLevel.TOWNSHIP,
    scope_code: str,
    period_start: datetime.date,
    period_end: datetime.date,
    options: Mapping[str, Any] | None = None,
    mc_runs: int = 0,
    seed: int | None = None,
    publish: bool = False,
) -> IndexRun:
    """Extract the indicators, run every stage, keep every table; a failure is stored with what caused it."""
    if acting_user is not None:
        require_analyst(acting_user)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The last month is before the first.")})
    merged = {**DEFAULT_OPTIONS, **dict(options or {})}
    records = framework_records(framework)
    run = IndexRun(
        framework=framework,
        framework_version=framework.version,
        framework_snapshot=records,
        options=merged,
        level=level,
        scope_code=scope_code,
        period_start=month_start(period_start),
        period_end=month_start(period_end),
        mc_runs=mc_runs,
        seed=seed,
        published=publish,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    began = time.perf_counter()
    result: coin.Coin | None = None
    dataset: Dataset | None = None
    try:
        engine_options = pipeline_options(merged, level)
        dataset = build_dataset(
            records,
            Extract(level, scope_code, run.period_start, run.period_end),
            bool(merged.get("drop_uninformative", True)),
        )
        run.gaps, run.details = dataset.gaps, {"excluded": dataset.excluded}
        run.framework_snapshot = dataset.records
        result = build_tolerant(dataset, engine_options, bool(merged.get("drop_uninformative", True)))
        run.gaps, run.framework_snapshot = dataset.gaps, dataset.records
        run.details["excluded"] = dataset.excluded
        run.stages = {name: frame_to_json(frame) for name, frame in result.data.items()}
        run.details.update(stage_details(result))
        if mc_runs:
            run.sensitivity = sensitivity_to_json(
                coin.run_sensitivity(
                    result,
                    runs=mc_runs,
                    seed=seed,
                    weight_noise=float(merged.get("weight_noise", 0.25)),
                    aggregations=merged.get("mc_aggregations"),
                    normalisations=mc_normalisations(merged.get("mc_normalisations")),
                ),
                mc_runs,
                seed,
                float(merged.get("weight_noise", 0.25)),
            )
    except coin.CoinError as error:
        run.status = RunStatus.FAILED
        run.error = error_to_json(error)
        result = None
    run.seconds = time.perf_counter() - began
    run.save()
    if result is not None and dataset is not None:
        save_scores(run, result)
    audit.record(
        "insight.run_computed",
        actor=acting_user,
        obj=run,
        new={
            "framework": framework.code,
            "version": framework.version,
            "status": run.status,
            "level": level,
            "period": [str(run.period_start), str(run.period_end)],
            "mc_runs": mc_runs,
            "seed": seed,
        },
    )
    return run


def build_tolerant(dataset: Dataset, options: coin.PipelineOptions, drop_uninformative: bool) -> coin.Coin:
    """Run the pipeline; an indicator left with no spread after outlier treatment is left out (and said so)."""
    while True:
        try:
            return coin.build_coin(to_coin(dataset.records), dataset.table, options)
        except coin.NormalisationError as error:
            indicator = str(getattr(error, "indicator", "") or "")
            kept = [r["code"] for r in dataset.records if r.get("kind") == NodeKind.INDICATOR]
            if not drop_uninformative or indicator not in kept or len(kept) < 2:
                raise
            dataset.excluded.append({"indicator": indicator, "reason": str(error.message)})
            dataset.gaps = [gap for gap in dataset.gaps if gap["indicator"] != indicator]
            dataset.records = prune(dataset.records, set(kept) - {indicator})
            dataset.table = dataset.table.drop(columns=indicator)


def mc_normalisations(specs: Any) -> list[coin.Normalisation] | None:
    """The normalisations the Monte Carlo draws from: method names or option mappings (None = the run's own)."""
    if not specs:
        return None
    return [
        coin.Normalisation(**spec) if isinstance(spec, Mapping) else coin.Normalisation(method=str(spec))
        for spec in specs
    ]


@transaction.atomic
def do_publish_run(run: IndexRun, published: bool, *, acting_user: Any) -> IndexRun:
    require_analyst(acting_user)
    if run.status != RunStatus.DONE and published:
        raise ValidationError(_("Only a computed run can be published."))
    old = run.published
    run.published = published
    run.save(update_fields=["published"])
    audit.record(
        "insight.run_published", actor=acting_user, obj=run, old={"published": old}, new={"published": published}
    )
    return run


def save_scores(run: IndexRun, result: coin.Coin) -> None:
    results = result.results()
    values, ranks = results.scores.to_numpy(dtype=float), results.ranks.to_numpy()
    units, codes = [str(unit) for unit in results.scores.index], [str(code) for code in results.scores.columns]
    rows = [
        IndexScore(run=run, division_id=units[i], node_code=codes[j], score=float(values[i, j]), rank=int(ranks[i, j]))
        for i, j in zip(*np.nonzero(~np.isnan(values)), strict=True)
    ]
    IndexScore.objects.bulk_create(rows, batch_size=5000)


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    numeric = frame.select_dtypes(include="number")
    return {
        "units": [str(unit) for unit in numeric.index],
        "columns": [str(column) for column in numeric.columns],
        "values": [[_number(value) for value in row] for row in numeric.to_numpy(dtype=float)],
    }


def frame_from_json(data: Mapping[str, Any]) -> pd.DataFrame:
    values = np.array([[np.nan if v is None else v for v in row] for row in data["values"]], dtype=float)
    values = values.reshape(len(data["units"]), len(data["columns"]))
    return pd.DataFrame(values, index=data["units"], columns=data["columns"])


def stage_details(result: coin.Coin) -> dict[str, Any]:
    details: dict[str, Any] = {"log": [step for step, _options in result.log]}
    if result.treatment is not None:
        table = result.treatment.details
        details["treatment"] = {
            "columns": [str(c) for c in table.columns],
            "rows": {
                str(code): [_plain(v) for v in row] for code, row in zip(table.index, table.to_numpy(), strict=True)
            },
            "treated": result.treatment.treated_indicators,
        }
    if result.screening is not None:
        details["removed_units"] = result.screening.removed
    if result.normalisation is not None:
        details["normalisation"] = result.normalisation.label
    if result.aggregation is not None:
        details["aggregation"] = {str(level): method for level, method in result.aggregation.items()}
    return details


def sensitivity_to_json(analysis: coin.SensitivityResult, runs: int, seed: int | None, noise: float) -> dict[str, Any]:
    summary = analysis.summary
    return {
        "runs": runs,
        "seed": seed,
        "weight_noise": noise,
        "units": [
            {"unit": str(unit), **{column: _number(summary.at[unit, column]) for column in summary.columns}}
            for unit in summary.index
        ],
        "first_order": {str(k): _number(v) for k, v in analysis.first_order.items()},
        "removal": {str(k): _number(v) for k, v in analysis.removal.items()},
    }


def error_to_json(error: coin.CoinError) -> dict[str, Any]:
    return {
        "code": error.code,
        "message": str(error.message),
        "indicator": getattr(error, "indicator", None),
        "unit": getattr(error, "unit", None),
        "node": getattr(error, "node", None),
    }


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
