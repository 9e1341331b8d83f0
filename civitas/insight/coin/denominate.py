"""Denomination: divide indicators by a scaling column (GDP, population, area, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from civitas.insight.coin.errors import DataError, ZeroDenominatorError, _
from civitas.insight.coin.framework import Framework


def denominate(data: pd.DataFrame, denominators: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Divide each indicator that has a denominator by that column of ``denominators``.

    ``data`` and ``denominators`` are indexed by unit code. A missing denominator value gives a missing
    result (to be imputed or screened later); a zero denominator is an error.
    """
    result = data.copy()
    for code in framework.indicators:
        denominator = framework.nodes[code].denominator
        if denominator is None:
            continue
        if denominator not in denominators.columns:
            raise DataError(
                _("Indicator {indicator} is divided by {denominator}, which is not in the data.").format(
                    indicator=code, denominator=denominator
                ),
                indicator=code,
                denominator=denominator,
            )
        divisor = denominators[denominator].reindex(result.index).astype(float)
        zero = (divisor == 0) & result[code].notna()
        if zero.any():
            unit = str(zero[zero].index[0])
            raise ZeroDenominatorError(
                _(
                    "Indicator {indicator} cannot be divided by {denominator}: it is zero for unit {unit}."
                ).format(indicator=code, denominator=denominator, unit=unit),
                indicator=code,
                denominator=denominator,
                unit=unit,
            )
        result[code] = result[code].astype(float) / divisor.replace(0, np.nan)
    return result
