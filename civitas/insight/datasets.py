"""The unit × indicator table of a run, built from the registry and from imported external values.

Nothing is silently missing: every unit without a value is listed in ``gaps`` with the indicator and the
reason, and an indicator that cannot rank anyone (no value for any unit, or the same value for all) is
left out of the run with its reason in ``excluded`` (its weight goes to its siblings, as in COINr).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db import DatabaseError, transaction
from django.db.models import Avg
from django.utils.translation import gettext_lazy as _

from civitas.insight import coin, indicators
from civitas.insight.choices import IndicatorSource, NodeKind, UnitLevel
from civitas.insight.indicators import Extract, Extraction
from civitas.insight.models import ExternalValue
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division

NAME_COLUMN = "uName"
GROUP_COLUMN = "township"


@dataclass
class Dataset:
    table: pd.DataFrame  # index uCode; one column per kept indicator, then uName and township
    records: list[dict[str, Any]]  # the framework records actually used
    gaps: list[dict[str, str]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)
    extractions: dict[str, Extraction] = field(default_factory=dict)


def units_of(level: int, scope: str) -> dict[str, str]:
    """Code → name of the townships (9) or communities (12) under ``scope``."""
    division_level = DivisionLevel.TOWNSHIP if level == UnitLevel.TOWNSHIP else DivisionLevel.VILLAGE
    qs = Division.objects.filter(level=division_level, code__startswith=scope).order_by("code")
    return dict(qs.values_list("code", "name"))


def build_dataset(records: list[dict[str, Any]], extract: Extract, drop_uninformative: bool = True) -> Dataset:
    units = units_of(extract.level, extract.scope)
    if not units:
        raise coin.DataError(
            str(_("There are no units of this level under {scope}.")).format(scope=extract.scope),
            unit=extract.scope,
        )
    codes = list(units)
    table = pd.DataFrame(index=pd.Index(codes, name="uCode"))
    gaps: list[dict[str, str]] = []
    excluded: list[dict[str, str]] = []
    extractions: dict[str, Extraction] = {}
    for record in records:
        if record.get("kind") != NodeKind.INDICATOR:
            continue
        code = record["code"]
        if record.get("source") == IndicatorSource.EXTERNAL:
            values, reasons = _external(code, extract, codes)
        else:
            indicator = indicators.get(code)
            if indicator is None:
                raise coin.DataError(
                    str(_("Indicator {indicator} is neither in the registry nor marked external.")).format(
                        indicator=code
                    ),
                    indicator=code,
                )
            if indicator.levels and extract.level not in indicator.levels:
                excluded.append({"indicator": code, "reason": str(_("it is measured per township only"))})
                continue
            if not indicator.available():
                excluded.append({"indicator": code, "reason": str(_("its source app has no such records yet"))})
                continue
            try:
                with transaction.atomic():  # a savepoint: a missing table must not abort the whole run
                    extraction = indicators.extract(indicator, extract, codes)
            except DatabaseError as error:
                reason = _("its source table cannot be read ({error})").format(error=str(error)[:120])
                excluded.append({"indicator": code, "reason": str(reason)})
                continue
            extractions[code] = extraction
            values, reasons = extraction.period_values()
        table[code] = values.reindex(codes).astype(float)
        for unit in table.index[table[code].isna()]:
            reason = reasons.get(unit, str(_("no data for this unit in the period")))
            gaps.append({"indicator": code, "unit": unit, "unit_name": units[unit], "reason": reason})
        if drop_uninformative:
            present = table[code].dropna()
            why = None
            if present.empty:
                why = _("no unit has a value")
            elif len(present) == 1:
                why = _("only one unit has a value ({value:g}), so it cannot rank them")
            elif np.ptp(present.to_numpy()) == 0:
                why = _("every unit has the same value ({value:g}), so it cannot rank them")
            if why is not None:
                excluded.append(
                    {"indicator": code, "reason": str(why).format(value=present.iloc[0] if len(present) else 0)}
                )
                table = table.drop(columns=code)
                gaps = [gap for gap in gaps if gap["indicator"] != code]
    kept = set(table.columns)
    if not kept:
        raise coin.DataError(
            str(
                _(
                    "No indicator of the framework has data that can rank these units; "
                    "the reasons are listed with the run."
                )
            )
        )
    used = prune(records, kept)
    table[NAME_COLUMN] = [units[code] for code in codes]
    table[GROUP_COLUMN] = [code[:9] for code in codes]
    return Dataset(table=table, records=used, gaps=gaps, excluded=excluded, extractions=extractions)


def prune(records: list[dict[str, Any]], kept_indicators: set[str]) -> list[dict[str, Any]]:
    """Records without dropped indicators and without aggregates left with no children."""
    alive = [r for r in records if r.get("kind") != NodeKind.INDICATOR or r["code"] in kept_indicators]
    while True:
        parents = {r.get("parent") for r in alive}
        pruned = [r for r in alive if r.get("kind") == NodeKind.INDICATOR or r["code"] in parents]
        if len(pruned) == len(alive):
            return pruned
        alive = pruned


def _external(code: str, extract: Extract, units: list[str]) -> tuple[pd.Series, dict[str, str]]:
    """The mean of a unit's imported monthly values in the period."""
    first, last = extract.start.replace(day=1), extract.end
    rows = (
        ExternalValue.objects.filter(indicator__code=code, division_id__in=units, month__gte=first, month__lte=last)
        .values("division_id")
        .annotate(mean=Avg("value"))
    )
    values = pd.Series({row["division_id"]: row["mean"] for row in rows}, dtype=float)
    return values, {unit: str(_("no imported value in the period")) for unit in units if unit not in values.index}


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
