"""Uncertainty and sensitivity analysis by Monte Carlo, vectorised over runs.

Each run multiplies every perturbed node weight by an independent uniform factor in [1 - noise, 1 + noise]
and draws a normalisation and an aggregation method from the given choices. Runs are computed in blocks
with the same arithmetic as the main pipeline (:func:`civitas.insight.coin.aggregate.combine`), so a run with
no noise reproduces the nominal results exactly. A seeded numpy Generator makes the analysis reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civitas.insight.coin.aggregate import aggregate, check_method, combine, level_methods
from civitas.insight.coin.errors import OptionsError, _
from civitas.insight.coin.framework import Framework
from civitas.insight.coin.normalise import Normalisation, normalise
from civitas.insight.coin.pipeline import Coin
from civitas.insight.coin.results import rank_descending

BLOCK = 200


@dataclass
class SensitivityResult:
    """Ranks of the index in every run and their summaries.

    - ``ranks``/``scores``: arrays (runs x units), columns in the order of ``units``
    - ``factors``: one row per run: weight multiplier per perturbed node, normalisation and aggregation used
    - ``summary``: per unit nominal rank, median rank, 5th and 95th percentile rank, mean absolute shift
    - ``first_order``: first-order sensitivity index of each uncertain factor on the mean absolute rank
      shift of a run (binning estimate of Var(E[Y|X_i]) / Var(Y))
    - ``removal``: per indicator, the mean absolute rank shift of the units when it is left out
    """

    units: list[str]
    ranks: np.ndarray
    scores: np.ndarray
    factors: pd.DataFrame
    summary: pd.DataFrame
    first_order: pd.Series
    removal: pd.Series


def run_sensitivity(
    coin: Coin,
    runs: int = 1000,
    weight_noise: float = 0.25,
    normalisations: Sequence[Normalisation] | None = None,
    aggregations: Sequence[str] | None = None,
    seed: int | np.random.Generator | None = 0,
    perturb: Iterable[str] | None = None,
    bins: int = 10,
) -> SensitivityResult:
    """Monte Carlo over weights and methods around the coin's nominal (aggregated) configuration.

    ``normalisations``/``aggregations`` default to the coin's own choice (no method uncertainty);
    ``perturb`` defaults to every node below the index.
    """
    if coin.normalisation is None or coin.aggregation is None or coin.aggregation_framework is None:
        raise OptionsError(_("Sensitivity analysis needs a coin that has been normalised and aggregated."))
    if runs < 2:
        raise OptionsError(_("Sensitivity analysis needs at least 2 runs, not {runs}.").format(runs=runs))
    if not 0 <= weight_noise < 1:
        raise OptionsError(
            _("Weight noise must be at least 0 and below 1, not {noise}.").format(noise=weight_noise)
        )
    framework = coin.aggregation_framework
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    norm_choices = list(normalisations or [coin.normalisation])
    agg_choices: list[str | dict[int, str]] = (
        [check_method(name) for name in aggregations] if aggregations else [coin.aggregation]
    )
    source = coin.dataset(coin.normalised_from)
    units = [str(unit) for unit in source.index]
    codes = list(framework.nodes)
    perturbed = [code for code in codes if code != framework.root] if perturb is None else list(perturb)
    unknown = sorted(set(perturbed) - set(codes))
    if unknown:
        raise OptionsError(
            _("Cannot perturb unknown nodes: {codes}.").format(codes=", ".join(unknown)), codes=unknown
        )

    matrices = {}
    for position, spec in enumerate(norm_choices):
        normalised = normalise(source, framework, spec)
        matrices[position] = normalised[framework.indicators].to_numpy(dtype=float)
        for agg in agg_choices:  # validates data for every combination, naming any offending unit
            aggregate(normalised, framework, agg)

    nominal_methods = coin.aggregation
    nominal_scores = coin.dataset("Aggregated")[framework.root].reindex(source.index).to_numpy(dtype=float)
    nominal_ranks = rank_descending(nominal_scores)

    base = framework.weights()[codes].to_numpy(dtype=float)
    multipliers = rng.uniform(1 - weight_noise, 1 + weight_noise, size=(runs, len(codes)))
    fixed = [position for position, code in enumerate(codes) if code not in set(perturbed)]
    multipliers[:, fixed] = 1.0
    weights = multipliers * base
    norm_pick = rng.integers(len(norm_choices), size=runs)
    agg_pick = rng.integers(len(agg_choices), size=runs)

    scores = np.empty((runs, len(units)))
    for norm_index in range(len(norm_choices)):
        for agg_index, agg in enumerate(agg_choices):
            selected = np.flatnonzero((norm_pick == norm_index) & (agg_pick == agg_index))
            methods = level_methods(agg, framework)
            for start in range(0, selected.size, BLOCK):
                block = selected[start : start + BLOCK]
                scores[block] = aggregate_runs(matrices[norm_index], framework, weights[block], methods)
    ranks = rank_descending(scores)

    shift = np.abs(ranks - nominal_ranks).mean(axis=1)
    factors = pd.DataFrame(multipliers[:, [codes.index(code) for code in perturbed]], columns=perturbed)
    factors.columns = [f"weight:{code}" for code in perturbed]
    if len(norm_choices) > 1:
        factors["normalisation"] = [norm_choices[i].label for i in norm_pick]
    if len(agg_choices) > 1:
        factors["aggregation"] = [_method_label(agg_choices[i]) for i in agg_pick]
    low, median, high = np.percentile(ranks, [5, 50, 95], axis=0)
    summary = pd.DataFrame(
        {
            "nominal_rank": nominal_ranks,
            "median_rank": median,
            "rank_q05": low,
            "rank_q95": high,
            "mean_abs_shift": np.abs(ranks - nominal_ranks).mean(axis=0),
        },
        index=pd.Index(units, name="uCode"),
    ).sort_values(["nominal_rank", "median_rank"], kind="stable")
    return SensitivityResult(
        units=units,
        ranks=ranks,
        scores=scores,
        factors=factors,
        summary=summary,
        first_order=first_order_indices(factors, shift, bins),
        removal=removal_influence(_nominal_matrix(coin, source), framework, nominal_methods, nominal_ranks),
    )


def aggregate_runs(
    matrix: np.ndarray, framework: Framework, weights: np.ndarray, methods: dict[int, str]
) -> np.ndarray:
    """Index scores (runs x units) from normalised indicators (units x indicators, framework order).

    ``weights`` is runs x nodes in framework node order.
    """
    runs = weights.shape[0]
    position = {code: index for index, code in enumerate(framework.nodes)}
    values: dict[str, np.ndarray] = {
        code: matrix[np.newaxis, :, column] for column, code in enumerate(framework.indicators)
    }
    for parent in framework.aggregates:
        children = framework.children(parent)
        block = np.stack(
            [np.broadcast_to(values[child], (runs, matrix.shape[0])) for child in children], axis=-1
        )
        child_weights = weights[:, [position[child] for child in children]][:, np.newaxis, :]
        values[parent] = combine(block, child_weights, methods[framework.nodes[parent].level])
    return values[framework.root]


def removal_influence(
    matrix: np.ndarray, framework: Framework, methods: dict[int, str], nominal_ranks: np.ndarray
) -> pd.Series:
    """Mean absolute rank shift when each indicator is left out (its parent dropped too if it was alone)."""
    codes = list(framework.nodes)
    base = framework.weights()[codes].to_numpy(dtype=float)
    rows, kept = [], []
    for indicator in framework.indicators:
        weights = base.copy()
        current: str | None = indicator
        while current is not None and current != framework.root:
            weights[codes.index(current)] = 0.0
            parent = framework.nodes[current].parent
            siblings = framework.children(parent) if parent else []
            if any(weights[codes.index(sibling)] > 0 for sibling in siblings):
                break
            current = parent
        if current == framework.root:
            continue
        rows.append(weights)
        kept.append(indicator)
    if not rows:
        return pd.Series(dtype=float, name="mean_abs_rank_shift")
    scores = aggregate_runs(matrix, framework, np.array(rows), methods)
    shift = np.abs(rank_descending(scores) - nominal_ranks).mean(axis=1)
    return pd.Series(shift, index=pd.Index(kept, name="iCode"), name="mean_abs_rank_shift").sort_values(
        ascending=False, kind="stable"
    )


def first_order_indices(factors: pd.DataFrame, output: np.ndarray, bins: int = 10) -> pd.Series:
    """Binning estimate of each factor's first-order index Var(E[Y | X_i]) / Var(Y)."""
    variance = output.var()
    indices = {}
    for name in factors.columns:
        column = factors[name]
        if not pd.api.types.is_numeric_dtype(column):
            groups = column.to_numpy()
        else:
            edges = np.quantile(column.to_numpy(), np.linspace(0, 1, bins + 1)[1:-1])
            groups = np.searchsorted(edges, column.to_numpy(), side="right")
        frame = pd.DataFrame({"group": groups, "y": output})
        means = frame.groupby("group")["y"].agg(["mean", "size"])
        between = float((means["size"] * (means["mean"] - output.mean()) ** 2).sum() / output.size)
        indices[name] = between / variance if variance > 0 else 0.0
    return pd.Series(indices, name="first_order", dtype=float).sort_values(ascending=False, kind="stable")


def _nominal_matrix(coin: Coin, source: pd.DataFrame) -> np.ndarray:
    framework = coin.aggregation_framework or coin.framework
    return normalise(source, framework, coin.normalisation)[framework.indicators].to_numpy(dtype=float)


def _method_label(methods: str | dict[int, str]) -> str:
    if isinstance(methods, str):
        return methods
    return ",".join(f"{level}:{name}" for level, name in sorted(methods.items()))
