"""Hierarchical aggregation: level by level, each parent from its direct children only.

Children's weights are rescaled to sum to 1 within each parent; a missing child value is dropped together
with its weight. The core (:func:`combine`) works on a leading axis of runs so the Monte Carlo analysis
uses the same arithmetic as the main pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from civitas.insight.coin.errors import (
    MissingDataError,
    NonPositiveValueError,
    OptionsError,
    _,
    missing_value,
)
from civitas.insight.coin.framework import Framework

METHODS = ("arithmetic", "geometric", "harmonic")


def check_method(method: str) -> str:
    if method not in METHODS:
        raise OptionsError(
            _("Unknown aggregation method {method}; use one of {choices}.").format(
                method=method, choices=", ".join(METHODS)
            ),
            method=method,
        )
    return method


def combine(children: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Weighted mean over the last axis of ``children`` (``(..., units, k)``), ``weights`` ``(..., 1, k)``.

    Missing children are left out with their weights; the result is NaN where nothing is left. Values must
    be positive for the geometric and harmonic means (the caller checks and names the offender).
    """
    present = ~np.isnan(children)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=-1)
    filled = np.where(present, children, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            result = (filled * w).sum(axis=-1) / total
        elif method == "geometric":
            result = np.exp((np.log(filled) * w).sum(axis=-1) / total)
        else:
            result = total / (w / filled).sum(axis=-1)
    result[total <= 0] = np.nan
    return result


def level_methods(method: str | Mapping[int, str], framework: Framework) -> dict[int, str]:
    """Aggregation method per level (levels 2 and up)."""
    if isinstance(method, str):
        return {level: check_method(method) for level in framework.levels if level > 1}
    methods = {int(level): check_method(name) for level, name in method.items()}
    missing = [level for level in framework.levels if level > 1 and level not in methods]
    if missing:
        raise OptionsError(
            _("No aggregation method given for level {level}.").format(level=missing[0]), level=missing[0]
        )
    return methods


def aggregate(
    data: pd.DataFrame,
    framework: Framework,
    method: str | Mapping[int, str] = "arithmetic",
    require_complete: bool = False,
) -> pd.DataFrame:
    """Return ``data``'s indicators plus one column per aggregate, computed bottom-up.

    Raises :class:`MissingDataError` when a required indicator (or, with ``require_complete``, any
    indicator) is missing for a unit, or when a unit has no value for any child of a parent.
    """
    methods = level_methods(method, framework)
    missing_columns = [code for code in framework.indicators if code not in data.columns]
    if missing_columns:
        raise MissingDataError(
            _("Indicator {indicator} is not in the data set.").format(indicator=missing_columns[0]),
            indicator=missing_columns[0],
        )
    result = data[framework.indicators].astype(float).copy()
    for code in framework.indicators:
        if require_complete or framework.nodes[code].required:
            gaps = result.index[result[code].isna()]
            if len(gaps):
                raise missing_value(code, str(gaps[0]), "aggregation")
    weights = framework.weights()
    columns: dict[str, np.ndarray] = {code: result[code].to_numpy() for code in framework.indicators}
    for parent in framework.aggregates:
        children = framework.children(parent)
        block = np.column_stack([columns[child] for child in children])
        child_weights = weights[children].to_numpy()
        level_method = methods[framework.nodes[parent].level]
        if level_method != "arithmetic":
            _require_positive(block, child_weights, children, result.index, level_method)
        values = combine(block, child_weights[np.newaxis, :], level_method)
        empty = np.flatnonzero(np.isnan(values))
        if empty.size:
            unit = str(result.index[empty[0]])
            raise MissingDataError(
                _("Aggregate {aggregate} has no value for unit {unit}: {children} are all missing.").format(
                    aggregate=parent, unit=unit, children=", ".join(children)
                ),
                indicator=parent,
                unit=unit,
            )
        columns[parent] = values
    aggregates = pd.DataFrame({code: columns[code] for code in framework.aggregates}, index=result.index)
    return pd.concat([result, aggregates], axis=1)


def _require_positive(
    block: np.ndarray, weights: np.ndarray, children: list[str], units: pd.Index, method: str
) -> None:
    bad = (block <= 0) & (weights[np.newaxis, :] > 0)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise NonPositiveValueError(
            _("{method} aggregation needs positive values; {indicator} is {value} for unit {unit}.").format(
                method=method, indicator=children[column], value=block[row, column], unit=units[row]
            ),
            indicator=children[column],
            unit=str(units[row]),
        )
