"""Outlier treatment, as COINr's default ``Treat()``.

An indicator fails when |skew| >= skew_threshold AND kurtosis >= kurtosis_threshold (type-2 sample skew and
excess kurtosis, as e1071/Excel). A failing indicator is winsorised: while it fails and fewer than ``winmax``
points are winsorised, the maximum value(s) are set to the next-highest value when skew >= 0, else the
minimum value(s) to the next-lowest. If it still fails, ``log_CT`` is applied — by default to the original
values, not the winsorised ones (COINr ``combine_treat = FALSE``):
``log(x - min(x) + 0.01 * (max(x) - min(x)))``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from civitas.insight.coin.errors import OptionsError, _

TRANSFORMS = ("log_CT", "log_CT_orig")


@dataclass(frozen=True)
class TreatmentOptions:
    winmax: int | None = 5
    skew_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    transform: str | None = "log_CT"
    combine: bool = False

    def __post_init__(self) -> None:
        if self.transform is not None and self.transform not in TRANSFORMS:
            raise OptionsError(
                _("Unknown transformation {name}; use one of {choices}.").format(
                    name=self.transform, choices=", ".join(TRANSFORMS)
                ),
                transform=self.transform,
            )


@dataclass
class TreatmentResult:
    """Treated data plus what was done.

    ``details`` has one row per indicator with COINr's column names:
    ``check_SkewKurt{0,1,2}.{Pass,Skew,Kurt}`` (before, after winsorising, after the transformation),
    ``winsorise.nwin`` and ``transform``.
    ``points`` marks each treated value: ``winhi``, ``winlo``, the transformation name, or both joined by +.
    """

    data: pd.DataFrame
    details: pd.DataFrame
    points: pd.DataFrame = field(repr=False)

    @property
    def treated_indicators(self) -> list[str]:
        failed = self.details["check_SkewKurt0.Pass"] == False  # noqa: E712 (NA-aware column)
        return [str(code) for code in self.details.index[failed]]


def skewness(values: np.ndarray) -> float:
    """Type-2 sample skewness of the non-missing values (NaN if fewer than 3)."""
    x = values[~np.isnan(values)]
    n = x.size
    if n < 3:
        return float("nan")
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(values: np.ndarray) -> float:
    """Type-2 sample excess kurtosis of the non-missing values (NaN if fewer than 4)."""
    x = values[~np.isnan(values)]
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.sum(d**4) / np.sum(d**2) ** 2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurtosis(values: np.ndarray, options: TreatmentOptions) -> tuple[bool | None, float, float]:
    """(passes, skew, kurtosis); passes is None when it cannot be decided (too few or constant values)."""
    skew, kurt = skewness(values), kurtosis(values)
    skew_ok = None if np.isnan(skew) else abs(skew) < options.skew_threshold
    kurt_ok = None if np.isnan(kurt) else kurt < options.kurtosis_threshold
    if skew_ok or kurt_ok:
        return True, skew, kurt
    if skew_ok is None or kurt_ok is None:
        return None, skew, kurt
    return False, skew, kurt


def winsorise(values: np.ndarray, options: TreatmentOptions) -> tuple[np.ndarray, int, np.ndarray]:
    """COINr ``winsorise()``: returns (values, number of winsorised points, point marks)."""
    x = values.astype(float).copy()
    passing, _skew, _kurt = check_skew_kurtosis(x, options)
    imax: np.ndarray = np.array([], dtype=int)
    imin: np.ndarray = np.array([], dtype=int)
    nwin = 0
    while passing is False and (options.winmax is None or nwin < options.winmax):
        present = ~np.isnan(x)
        if skewness(x) >= 0:
            top = np.nanmax(x)
            imax = np.flatnonzero(present & (x == top))
            rest = x[present & (x != top)]
            if rest.size == 0:
                break
            x[imax] = rest.max()
        else:
            bottom = np.nanmin(x)
            imin = np.flatnonzero(present & (x == bottom))
            rest = x[present & (x != bottom)]
            if rest.size == 0:
                break
            x[imin] = rest.min()
        nwin = imax.size + imin.size
        passing, _skew, _kurt = check_skew_kurtosis(x, options)
    marks = np.full(x.size, "", dtype=object)
    marks[imax] = "winhi"
    marks[imin] = "winlo"
    return x, nwin, marks


def log_transform(values: np.ndarray, name: str = "log_CT") -> np.ndarray:
    """COINr ``log_CT`` (``log(x - min + 0.01 (max - min))``) or ``log_CT_orig`` (``log(x - min + 1)``)."""
    low, high = np.nanmin(values), np.nanmax(values)
    shift = 1.0 if name == "log_CT_orig" else 0.01 * (high - low)
    with np.errstate(divide="ignore"):
        return np.log(values - low + shift)


def treat(
    data: pd.DataFrame,
    options: TreatmentOptions | None = None,
    per_indicator: Mapping[str, TreatmentOptions | None] | None = None,
) -> TreatmentResult:
    """Treat every column of ``data``; ``per_indicator`` overrides options, None meaning "leave as is"."""
    options = options or TreatmentOptions()
    per_indicator = per_indicator or {}
    treated = data.astype(float).copy()
    rows: dict[str, dict[str, object]] = {}
    points = pd.DataFrame("", index=data.index, columns=data.columns, dtype=object)
    for code in data.columns:
        if code in per_indicator and per_indicator[code] is None:
            continue
        column_options = per_indicator.get(code) or options
        x, row, marks = _treat_column(treated[code].to_numpy(dtype=float), column_options)
        treated[code] = x
        rows[str(code)] = row
        points[code] = marks
    details = pd.DataFrame.from_dict(rows, orient="index")
    details.index.name = "iCode"
    return TreatmentResult(data=treated, details=details, points=points)


def _treat_column(original: np.ndarray, options: TreatmentOptions) -> tuple[np.ndarray, dict, np.ndarray]:
    row: dict[str, object] = {}
    marks = np.full(original.size, "", dtype=object)

    def record(stage: int, values: np.ndarray) -> bool | None:
        passes, skew, kurt = check_skew_kurtosis(values, options)
        row[f"check_SkewKurt{stage}.Pass"] = passes
        row[f"check_SkewKurt{stage}.Skew"] = skew
        row[f"check_SkewKurt{stage}.Kurt"] = kurt
        return passes

    if record(0, original) is not False:
        return original, row, marks
    winsorised, nwin, marks = winsorise(original, options)
    row["winsorise.nwin"] = nwin
    if record(1, winsorised) is not False or options.transform is None:
        return winsorised, row, marks
    base = winsorised if options.combine else original
    transformed = log_transform(base, options.transform)
    row["transform"] = options.transform
    record(2, transformed)
    marks = np.array(
        ["+".join(part for part in (mark, options.transform) if part) for mark in marks], dtype=object
    )
    return transformed, row, marks
