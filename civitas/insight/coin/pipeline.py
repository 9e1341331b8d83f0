"""The pipeline: a :class:`Coin` keeps every named data set so each stage can be inspected.

Stages write data sets named as in COINr: Raw, Denominated, Imputed, Screened, Treated, Normalised,
Aggregated. Each step reads the most recent data set unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from civitas.insight.coin.aggregate import aggregate, level_methods
from civitas.insight.coin.denominate import denominate
from civitas.insight.coin.errors import DataError, OptionsError, _
from civitas.insight.coin.framework import Framework
from civitas.insight.coin.impute import impute
from civitas.insight.coin.normalise import Normalisation, normalise
from civitas.insight.coin.results import Results
from civitas.insight.coin.screen import ScreenResult, screen_units
from civitas.insight.coin.treat import TreatmentOptions, TreatmentResult, treat

UNIT_COLUMN = "uCode"


@dataclass
class Coin:
    """A framework, the unit data that is not indicators (names, groups, denominators) and every data set."""

    framework: Framework
    unit_data: pd.DataFrame
    data: dict[str, pd.DataFrame] = field(default_factory=dict)
    treatment: TreatmentResult | None = None
    screening: ScreenResult | None = None
    normalisation: Normalisation | None = None
    normalised_from: str | None = None
    aggregation: dict[int, str] | None = None
    aggregation_framework: Framework | None = None
    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def new(cls, framework: Framework, data: pd.DataFrame, unit_column: str = UNIT_COLUMN) -> Coin:
        """Start a coin from a table with one row per unit: indicator columns plus any other columns."""
        table = data.set_index(unit_column) if unit_column in data.columns else data.copy()
        table.index = table.index.astype(str)
        table.index.name = unit_column
        duplicated = table.index[table.index.duplicated()]
        if len(duplicated):
            raise DataError(
                _("Unit {unit} appears more than once in the data.").format(unit=duplicated[0]),
                unit=duplicated[0],
            )
        missing = [code for code in framework.indicators if code not in table.columns]
        if missing:
            raise DataError(
                _("Indicator {indicator} is in the framework but not in the data.").format(
                    indicator=missing[0]
                ),
                indicator=missing[0],
            )
        raw = pd.DataFrame(index=table.index)
        for code in framework.indicators:
            numbers = pd.to_numeric(table[code], errors="coerce")
            bad = numbers.isna() & table[code].notna()
            if bad.any():
                unit = str(bad[bad].index[0])
                raise DataError(
                    _(
                        "Indicator {indicator} has a value that is not a number for unit {unit}: {value}."
                    ).format(indicator=code, unit=unit, value=table.at[unit, code]),
                    indicator=code,
                    unit=unit,
                )
            if np.isinf(numbers.to_numpy(dtype=float)).any():
                unit = str(numbers.index[np.isinf(numbers.to_numpy(dtype=float))][0])
                raise DataError(
                    _("Indicator {indicator} is infinite for unit {unit}.").format(indicator=code, unit=unit),
                    indicator=code,
                    unit=unit,
                )
            raw[code] = numbers.astype(float)
        others = table[[column for column in table.columns if column not in framework.indicators]]
        return cls(framework=framework, unit_data=others, data={"Raw": raw}, log=[("new", {})])

    # -- access ----------------------------------------------------------------------------------------

    @property
    def latest(self) -> str:
        return next(reversed(self.data))

    def dataset(self, name: str | None = None) -> pd.DataFrame:
        """A copy of a named data set (the latest when ``name`` is None)."""
        name = name or self.latest
        if name not in self.data:
            raise OptionsError(
                _("There is no data set {name}; available: {names}.").format(
                    name=name, names=", ".join(self.data)
                ),
                name=name,
            )
        return self.data[name].copy()

    def _write(self, name: str, frame: pd.DataFrame, step: str, options: dict[str, Any]) -> Coin:
        self.data.pop(name, None)
        self.data[name] = frame
        self.log.append((step, options))
        return self

    # -- stages ----------------------------------------------------------------------------------------

    def denominate(self, dset: str | None = None, write_to: str = "Denominated") -> Coin:
        data = denominate(self.dataset(dset), self.unit_data, self.framework)
        return self._write(write_to, data, "denominate", {"dset": dset})

    def impute(
        self,
        method: str = "mean",
        group: str | None = None,
        dset: str | None = None,
        write_to: str = "Imputed",
    ) -> Coin:
        groups = None
        if group is not None:
            if group not in self.unit_data.columns:
                raise OptionsError(_("There is no grouping column {group}.").format(group=group), group=group)
            groups = self.unit_data[group]
        data = impute(self.dataset(dset), method, groups)
        return self._write(write_to, data, "impute", {"method": method, "group": group})

    def screen(self, threshold: float = 0.0, dset: str | None = None, write_to: str = "Screened") -> Coin:
        self.screening = screen_units(self.dataset(dset), threshold)
        return self._write(write_to, self.screening.data, "screen", {"threshold": threshold})

    def treat(
        self,
        options: TreatmentOptions | None = None,
        per_indicator: Mapping[str, TreatmentOptions | None] | None = None,
        dset: str | None = None,
        write_to: str = "Treated",
    ) -> Coin:
        self.treatment = treat(self.dataset(dset), options, per_indicator)
        return self._write(write_to, self.treatment.data, "treat", {"options": options})

    def normalise(
        self, spec: Normalisation | None = None, dset: str | None = None, write_to: str = "Normalised"
    ) -> Coin:
        self.normalisation = spec or Normalisation()
        self.normalised_from = dset or self.latest
        data = normalise(self.dataset(dset), self.framework, self.normalisation)
        return self._write(write_to, data, "normalise", {"spec": self.normalisation})

    def aggregate(
        self,
        method: str | Mapping[int, str] = "arithmetic",
        weights: Mapping[str, float] | None = None,
        require_complete: bool = False,
        dset: str | None = None,
        write_to: str = "Aggregated",
    ) -> Coin:
        framework = self.framework.with_weights(weights) if weights else self.framework
        self.aggregation = level_methods(method, framework)
        self.aggregation_framework = framework
        data = aggregate(self.dataset(dset), framework, self.aggregation, require_complete)
        return self._write(write_to, data, "aggregate", {"method": method, "weights": dict(weights or {})})

    def results(self, dset: str = "Aggregated") -> Results:
        return Results.from_aggregated(self.dataset(dset), self.framework, coin=self)


@dataclass(frozen=True)
class PipelineOptions:
    """Options of :func:`build_coin`; a step is skipped when its switch is off (None or False).

    The defaults are COINr's ``build_example_coin()`` except imputation, which needs a group column
    to be named to reproduce it (``impute="group_mean", impute_group="EurAsia_group"``).
    """

    denominate: bool = True
    impute: str | None = "mean"
    impute_group: str | None = None
    screen_threshold: float | None = None
    treat: bool = True
    treatment: TreatmentOptions = field(default_factory=TreatmentOptions)
    normalisation: Normalisation = field(default_factory=Normalisation)
    aggregation: str | Mapping[int, str] = "arithmetic"
    weights: Mapping[str, float] | None = None
    require_complete: bool = False

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> PipelineOptions:
        """Build from plain values (e.g. parsed JSON or CLI flags); nested option groups may be dicts."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(options) - known)
        if unknown:
            raise OptionsError(
                _("Unknown pipeline options: {names}.").format(names=", ".join(unknown)), names=unknown
            )
        values = dict(options)
        if isinstance(values.get("treatment"), Mapping):
            values["treatment"] = TreatmentOptions(**values["treatment"])
        if isinstance(values.get("normalisation"), Mapping):
            values["normalisation"] = Normalisation(**values["normalisation"])
        if isinstance(values.get("normalisation"), str):
            values["normalisation"] = Normalisation(method=values["normalisation"])
        return cls(**values)


def build_coin(framework: Framework, data: pd.DataFrame, options: PipelineOptions | None = None) -> Coin:
    """Run every stage: Raw, Denominated, Imputed, Screened, Treated, Normalised, Aggregated."""
    options = options or PipelineOptions()
    coin = Coin.new(framework, data)
    if options.denominate and any(framework.nodes[code].denominator for code in framework.indicators):
        coin.denominate()
    if options.impute:
        coin.impute(options.impute, options.impute_group)
    if options.screen_threshold is not None:
        coin.screen(options.screen_threshold)
    if options.treat:
        coin.treat(options.treatment)
    coin.normalise(options.normalisation)
    coin.aggregate(options.aggregation, options.weights, options.require_complete)
    return coin
