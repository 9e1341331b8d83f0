"""Normalisation of indicators onto a common scale, each indicator over all units of the data set.

Each indicator is first multiplied by its direction (-1 for "lower is better"), as COINr does, except for
distance to target, which uses the direction to decide which side the target is on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from civitas.insight.coin.errors import NormalisationError, OptionsError, _
from civitas.insight.coin.framework import Framework

METHODS = ("minmax", "zscore", "rank", "dist2targ")


@dataclass(frozen=True)
class Normalisation:
    """How to normalise.

    - ``minmax``: ``(x - min) / (max - min) * (upper - lower) + lower``
    - ``zscore``: ``(x - mean) / sd * sd_ + mean_`` with the sample sd (n - 1)
    - ``rank``: rank among units, 1 = worst, ties get the lowest rank
    - ``dist2targ``: ``(x - min) / (target - min)`` (direction -1: ``(max - x) / (max - target)``), capped at
      1 when ``cap``; targets come from the framework.
    """

    method: str = "minmax"
    lower: float = 0.0
    upper: float = 100.0
    mean: float = 0.0
    sd: float = 1.0
    cap: bool = False

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise OptionsError(
                _("Unknown normalisation method {method}; use one of {choices}.").format(
                    method=self.method, choices=", ".join(METHODS)
                ),
                method=self.method,
            )
        if self.method == "minmax" and not self.upper > self.lower:
            raise OptionsError(
                _("Min-max bounds must have lower < upper, not {lower}, {upper}.").format(
                    lower=self.lower, upper=self.upper
                )
            )
        if self.method == "zscore" and not self.sd > 0:
            raise OptionsError(
                _("The z-score standard deviation must be positive, not {sd}.").format(sd=self.sd)
            )

    @property
    def label(self) -> str:
        if self.method == "minmax":
            return f"minmax[{self.lower:g},{self.upper:g}]"
        if self.method == "zscore":
            return f"zscore({self.mean:g},{self.sd:g})"
        return self.method


def normalise(data: pd.DataFrame, framework: Framework, spec: Normalisation | None = None) -> pd.DataFrame:
    """Normalise the framework's indicators found in ``data`` (indexed by unit)."""
    spec = spec or Normalisation()
    codes = [code for code in framework.indicators if code in data.columns]
    values = data[codes].to_numpy(dtype=float)
    for position, code in enumerate(codes):
        if np.isnan(values[:, position]).all():
            raise NormalisationError(
                _("Indicator {indicator} has no data to normalise.").format(indicator=code), indicator=code
            )
    directions = np.array([framework.nodes[code].direction for code in codes], dtype=float)
    if spec.method == "dist2targ":
        result = _distance_to_target(values, codes, directions, framework, spec)
    else:
        signed = values * directions
        if spec.method == "minmax":
            low, high = np.nanmin(signed, axis=0), np.nanmax(signed, axis=0)
            _require_spread(codes, high - low, "minmax")
            result = (signed - low) / (high - low) * (spec.upper - spec.lower) + spec.lower
        elif spec.method == "zscore":
            sd = np.nanstd(signed, axis=0, ddof=1)
            _require_spread(codes, sd, "zscore")
            result = (signed - np.nanmean(signed, axis=0)) / sd * spec.sd + spec.mean
        else:
            result = pd.DataFrame(signed).rank(method="min", na_option="keep").to_numpy()
    return pd.DataFrame(result, index=data.index, columns=codes)


def _require_spread(codes: list[str], spread: np.ndarray, method: str) -> None:
    flat = np.flatnonzero(~(spread > 0))
    if flat.size:
        code = codes[flat[0]]
        raise NormalisationError(
            _(
                "Indicator {indicator} has the same value for every unit; {method} cannot normalise it."
            ).format(indicator=code, method=method),
            indicator=code,
        )


def _distance_to_target(
    values: np.ndarray, codes: list[str], directions: np.ndarray, framework: Framework, spec: Normalisation
) -> np.ndarray:
    result = np.empty_like(values)
    for position, code in enumerate(codes):
        target = framework.nodes[code].target
        if target is None:
            raise NormalisationError(
                _("Indicator {indicator} has no target for distance-to-target normalisation.").format(
                    indicator=code
                ),
                indicator=code,
            )
        x = values[:, position]
        if directions[position] > 0:
            reference = np.nanmin(x)
            scaled = (
                (x - reference) / (target - reference) if target != reference else np.full_like(x, np.nan)
            )
        else:
            reference = np.nanmax(x)
            scaled = (
                (reference - x) / (reference - target) if target != reference else np.full_like(x, np.nan)
            )
        if np.isnan(scaled).all():
            raise NormalisationError(
                _("Indicator {indicator} has its target at its worst value; no distance to target.").format(
                    indicator=code
                ),
                indicator=code,
            )
        result[:, position] = np.minimum(scaled, 1.0) if spec.cap else scaled
    return result
