"""Screening of units by data availability."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from civitas.insight.coin.errors import OptionsError, _


@dataclass(frozen=True)
class ScreenResult:
    data: pd.DataFrame
    availability: pd.Series
    removed: list[str]


def screen_units(data: pd.DataFrame, threshold: float = 0.0) -> ScreenResult:
    """Keep the units whose share of non-missing indicator values is at least ``threshold`` (0..1)."""
    if not 0.0 <= threshold <= 1.0:
        raise OptionsError(
            _("The data availability threshold must be between 0 and 1, not {value}.").format(
                value=threshold
            ),
            threshold=threshold,
        )
    availability = data.notna().mean(axis=1)
    keep = availability >= threshold
    return ScreenResult(
        data=data.loc[keep].copy(),
        availability=availability,
        removed=[str(unit) for unit in data.index[~keep]],
    )
