"""Imputation of missing indicator values."""

from __future__ import annotations

import pandas as pd

from civitas.insight.coin.errors import DataError, OptionsError, _

METHODS = ("mean", "median", "group_mean", "group_median")


def impute(data: pd.DataFrame, method: str = "mean", groups: pd.Series | None = None) -> pd.DataFrame:
    """Replace missing values column by column.

    ``mean``/``median`` use the column over all units; ``group_mean``/``group_median`` (COINr
    ``i_mean_grp``/``i_median_grp``) use the units of the same group, given by ``groups`` (indexed by unit).
    Values that cannot be imputed (a whole group missing) stay missing; screening or aggregation
    reports them.
    """
    if method not in METHODS:
        raise OptionsError(
            _("Unknown imputation method {method}; use one of {choices}.").format(
                method=method, choices=", ".join(METHODS)
            ),
            method=method,
        )
    statistic = "median" if method.endswith("median") else "mean"
    numeric = data.astype(float)
    if not method.startswith("group_"):
        return numeric.fillna(getattr(numeric, statistic)())
    if groups is None:
        raise OptionsError(_("Imputation by group needs a grouping column."), method=method)
    keys = groups.reindex(numeric.index)
    if keys.isna().any():
        unit = str(keys[keys.isna()].index[0])
        raise DataError(
            _("Unit {unit} has no group for imputation ({column}).").format(unit=unit, column=groups.name),
            unit=unit,
        )
    fill = numeric.groupby(keys).transform(statistic)
    return numeric.fillna(fill)
