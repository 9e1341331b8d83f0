"""Explaining a score: a unit's tree of scores, an indicator's monthly series, and the records behind it.

Callers pass a unit the viewer may see (`access.access_unit`); the records are queried under that unit's
code, so nothing outside it can appear. Personal data is masked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Model

from civitas.insight import indicators
from civitas.insight.choices import IndicatorSource, NodeKind
from civitas.insight.indicators import Extract
from civitas.insight.models import ExternalValue, IndexRun, localised
from civitas.people.identity import mask_document
from civitas.people.models import Person

RECORD_LIMIT = 50


def stage(run: IndexRun, name: str) -> pd.DataFrame | None:
    from civitas.insight.actions import frame_from_json

    data = run.stages.get(name)
    return frame_from_json(data) if data else None


def unit_tree(run: IndexRun, unit: str) -> list[dict[str, Any]]:
    """Every node of the run's framework, depth-first, with the unit's raw value, score and rank."""
    raw, aggregated = stage(run, "Raw"), stage(run, "Aggregated")
    ranks = None if aggregated is None else aggregated.rank(ascending=False, method="min")
    records = run.framework_snapshot
    children: dict[str | None, list[dict[str, Any]]] = {}
    for record in records:
        children.setdefault(record.get("parent"), []).append(record)
    rows: list[dict[str, Any]] = []

    def walk(record: dict[str, Any], depth: int) -> None:
        code = record["code"]
        row = {
            "code": code,
            "label": localised(record.get("name"), code),
            "kind": record.get("kind"),
            "depth": depth,
            "weight": record.get("weight"),
            "unit": record.get("unit", ""),
            "direction": record.get("direction", 1),
            "indicator": record.get("kind") == NodeKind.INDICATOR,
            "raw": None,
            "score": None,
            "rank": None,
        }
        if raw is not None and code in raw.columns and unit in raw.index:
            row["raw"] = _value(raw.at[unit, code])
        if ranks is not None and aggregated is not None and code in aggregated.columns and unit in aggregated.index:
            row["score"] = _value(aggregated.at[unit, code])
            row["rank"] = _value(ranks.at[unit, code])
        rows.append(row)
        for child in children.get(code, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return rows


@dataclass
class Series:
    months: list[datetime.date]
    numerator: list[float]
    denominator: list[float | None]
    values: list[float | None]
    unit_of_measure: str


def indicator_series(run: IndexRun, unit: str, code: str) -> Series | None:
    """Monthly numerator, denominator and value of one indicator for one unit over the run's period."""
    record = run.snapshot_node(code)
    months = indicators.month_range(run.period_start, run.period_end)
    if record is not None and record.get("source") == IndicatorSource.EXTERNAL:
        values = dict(
            ExternalValue.objects.filter(
                indicator__code=code, division_id=unit, month__gte=run.period_start, month__lte=run.period_end
            ).values_list("month", "value")
        )
        found = [values.get(month) for month in months]
        return Series(months, [v or 0.0 for v in found], [None] * len(months), found, record.get("unit", ""))
    indicator = indicators.get(code)
    if indicator is None or not indicator.available():
        return None
    extraction = indicators.extract(indicator, Extract(len(unit), unit, run.period_start, run.period_end), [unit])
    monthly = extraction.monthly_values()
    denominator = extraction.denominator
    return Series(
        months=months,
        numerator=[float(v) for v in extraction.numerator.loc[unit]],
        denominator=[float(v) for v in denominator.loc[unit]] if denominator is not None else [None] * len(months),
        values=[_value(v) for v in monthly.loc[unit]],
        unit_of_measure=str(indicator.unit),
    )


def indicator_records(
    run: IndexRun, unit: str, code: str, limit: int = RECORD_LIMIT
) -> tuple[list[dict[str, Any]], int]:
    """The records counted in the indicator's numerator for the unit (newest first, masked), and their count."""
    indicator = indicators.get(code)
    if indicator is None or not indicator.available():
        return [], 0
    tally = indicator.record_tally
    rows = tally.rows(Extract(len(unit), unit, run.period_start, run.period_end))
    total = rows.count()
    order = [f"-{tally.date_field}", "-pk"] if tally.date_field else ["-pk"]
    objects = list(rows.order_by(*order)[:limit])
    return [describe(obj, tally.date_field) for obj in _with_people(objects)], total


# Record fields that are document numbers of a person: shown masked like the person's own document.
DOCUMENT_NUMBER_MODELS = frozenset({"permits.permit"})


def describe(obj: Model, date_field: str | None = None) -> dict[str, Any]:
    """A masked one-line description of a counted record: when (the date it was counted by), what, where, who."""
    from civitas.core.models import DomainEvent

    when = getattr(obj, date_field, None) if date_field else None
    if when is None:
        when = next(
            (
                getattr(obj, name)
                for name in ("declared_at", "created_at", "occurred_at", "occurred_on", "issued_on")
                if hasattr(obj, name)
            ),
            None,
        )
    person = getattr(obj, "_person", None)
    if isinstance(obj, DomainEvent):
        what: Any = obj.kind
        reference = "" if person else f"{obj.subject_type} #{obj.subject_id}"
        where = obj.division_code
    else:
        what = obj._meta.verbose_name
        number = str(getattr(obj, "number", "") or "")
        if number and obj._meta.label_lower in DOCUMENT_NUMBER_MODELS:
            number = mask_document(number)
        reference = number or f"#{obj.pk}"
        where = getattr(obj, "division_code", "") or ""
    who = f"{mask_name(person.display_name())} · {person.doc_masked}" if person else ""
    return {
        "id": obj.pk,
        "when": when,
        "timed": isinstance(when, datetime.datetime),  # a date (ledger entry, permit) has no time of day
        "what": what,
        "where": where,
        "who": " · ".join(filter(None, [who, reference])),
    }


def mask_name(name: str) -> str:
    """Keep the first character (a Chinese surname or a Latin initial), hide the rest."""
    if not name:
        return ""
    return name[0] + "＊" * max(1, min(len(name) - 1, 3))


def _person_id(obj: Any) -> int | None:
    """The person a counted record is about: an event's or ledger entry's subject, a record's person or landlord,
    or a declaration's first declared person."""
    if getattr(obj, "subject_type", "") in ("person", "landlord") and str(obj.subject_id).isdigit():
        return int(obj.subject_id)
    for name in ("person_id", "landlord_id", "holder_id", "applicant_id"):
        value = getattr(obj, name, None)
        if isinstance(value, int):
            return value
    return getattr(obj, "_declarant_id", None)


def _with_people(objects: list[Any]) -> list[Any]:
    """Attach each record's person (one query for all), so names and documents can be shown masked."""
    declarations = [obj for obj in objects if obj._meta.label_lower == "residence.declaration"]
    if declarations:
        members = (
            declarations[0]
            .members.model.objects.filter(declaration__in=declarations)
            .order_by("declaration_id", "pk")
            .values_list("declaration_id", "person_id")
        )
        first: dict[int, int] = {}
        for declaration_id, person_id in members:
            first.setdefault(declaration_id, person_id)
        for obj in declarations:
            obj._declarant_id = first.get(obj.pk)
    ids = {pid for pid in (_person_id(obj) for obj in objects) if pid is not None}
    people = Person.objects.in_bulk(ids) if ids else {}
    for obj in objects:
        pid = _person_id(obj)
        obj._person = people.get(pid) if pid is not None else None
    return objects


def _value(value: Any) -> float | None:
    value = float(value)
    return None if pd.isna(value) else value
