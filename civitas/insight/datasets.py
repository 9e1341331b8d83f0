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
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from civitas.insight import coin, indicators
from civitas.insight.choices import IndicatorSource, NodeKind, UnitLevel
from civitas.insight.indicators import Extract, Extraction
from civitas.insight.models import ExternalValue
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division

NAME_COLUMN = "uName"
GROUP_COLUMN = "township"

# Why a value or an indicator is missing. Stored with the run as the source message and its parameters, so each
# viewer reads the reason in their own language (``localise``), whatever language the run was computed in.
ZERO_DENOMINATOR = gettext_noop("the denominator is zero (nothing to measure against)")
NO_DATA = gettext_noop("no data for this unit in the period")
NO_IMPORTED_VALUE = gettext_noop("no imported value in the period")
TOWNSHIP_ONLY = gettext_noop("it is measured per township only")
NO_SOURCE = gettext_noop("its source app has no such records yet")
SOURCE_UNREADABLE = gettext_noop("its source table cannot be read ({error})")
NO_VALUE = gettext_noop("no unit has a value")
ONE_VALUE = gettext_noop("only one unit has a value ({value:g}), so it cannot rank them")
SAME_VALUE = gettext_noop("every unit has the same value ({value:g}), so it cannot rank them")


def because(msgid: str, **params: Any) -> dict[str, Any]:
    """A reason in the active language, with its source message and parameters for other languages."""
    return {"reason": gettext(msgid).format(**params), "reason_id": msgid, "reason_params": params}


def localise(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gaps or left-out indicators with each reason in the active language (stored text when no source)."""
    out = []
    for entry in entries:
        if entry.get("reason_id"):
            try:
                reason = gettext(entry["reason_id"]).format(**entry.get("reason_params") or {})
            except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: the stored text
                reason = entry["reason"]
            entry = {**entry, "reason": reason}
        out.append(entry)
    return out


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
                excluded.append({"indicator": code, **because(TOWNSHIP_ONLY)})
                continue
            if not indicator.available():
                excluded.append({"indicator": code, **because(NO_SOURCE)})
                continue
            try:
                with transaction.atomic():  # a savepoint: a missing table must not abort the whole run
                    extraction = indicators.extract(indicator, extract, codes)
            except DatabaseError as error:
                excluded.append({"indicator": code, **because(SOURCE_UNREADABLE, error=str(error)[:120])})
                continue
            extractions[code] = extraction
            values, reasons = extraction.period_values()
        table[code] = values.reindex(codes).astype(float)
        for unit in table.index[table[code].isna()]:
            missing = ZERO_DENOMINATOR if unit in reasons else NO_DATA
            if record.get("source") == IndicatorSource.EXTERNAL:
                missing = NO_IMPORTED_VALUE
            gaps.append({"indicator": code, "unit": unit, "unit_name": units[unit], **because(missing)})
        if drop_uninformative:
            present = table[code].dropna()
            why = None
            if present.empty:
                why = NO_VALUE
            elif len(present) == 1:
                why = ONE_VALUE
            elif np.ptp(present.to_numpy()) == 0:
                why = SAME_VALUE
            if why is not None:
                value = float(present.iloc[0]) if len(present) else 0.0
                excluded.append({"indicator": code, **because(why, value=value)})
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
    return values, {unit: gettext(NO_IMPORTED_VALUE) for unit in units if unit not in values.index}


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
