"""Maintained accountability rollups: exact counts kept in the same transaction as each change.

The actions in `actions.py` own every change of a hazard, inspection and re-inspection; each calls one of
`hazard_added`, `save_hazard`, `inspection_added`, `reinspection_added`, which turn the change into
signed deltas of the rollup rows (`HazardRollup`, `NoticeRollup`, `HazardMonthRollup`, `InspectionRollup`,
`ReinspectionRollup`) and apply them with one upsert per row (`INSERT … ON CONFLICT DO UPDATE SET n = n + …`,
PostgreSQL and SQLite alike). `save_hazard` reads the hazard's old and new values from the database around
the save, so a field changed anywhere in the action is counted exactly. Rows are touched in key order so
concurrent transactions lock them in the same order.

Time-dependent figures are not pre-aggregated: "overdue as of today" is the open notices minus the notices
whose deadline has not passed yet — a range scan over `NoticeRollup` rows with deadline ≥ today.

`rebuild()` (`manage.py inspections_rebuild_rollup`) recomputes every rollup from the source tables with
set-based `INSERT … SELECT … GROUP BY` statements (after bulk loads or to check for drift).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Model, Q, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from civitas.inspections.choices import HazardStatus
from civitas.inspections.models import (
    Hazard,
    HazardMonthRollup,
    HazardRollup,
    Inspection,
    InspectionRollup,
    NoticeRollup,
    Reinspection,
    ReinspectionRollup,
)

ROLLUPS: tuple[type[Model], ...] = (HazardRollup, NoticeRollup, HazardMonthRollup, InspectionRollup, ReinspectionRollup)
KEYS: dict[type[Model], tuple[str, ...]] = {
    HazardRollup: ("division", "township_code", "department", "official", "severity", "status"),
    NoticeRollup: ("division", "township_code", "department", "official", "deadline"),
    HazardMonthRollup: ("division", "township_code", "month", "measure"),
    InspectionRollup: ("township_code", "department", "official"),
    ReinspectionRollup: ("township_code", "official"),
}
COUNTS: dict[type[Model], tuple[str, ...]] = {
    HazardRollup: ("hazards", "fixed_on_time", "with_deadline"),
    NoticeRollup: ("notices",),
    HazardMonthRollup: ("n",),
    InspectionRollup: ("inspections",),
    ReinspectionRollup: ("reinspections", "passed"),
}
HAZARD_FIELDS = (
    "division_id",
    "township_code",
    "department",
    "responsible_id",
    "severity",
    "status",
    "fixed_on_time",
    "deadline",
    "found_at",
    "closed_at",
)

# (model, key values) -> {column: delta}
Deltas = dict[tuple[type[Model], tuple[Any, ...]], dict[str, int]]


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the moment's month in the default time zone (the trend's buckets)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def _hazard_deltas(h: Mapping[str, Any], sign: int, out: Deltas) -> None:
    def add(model: type[Model], key: tuple[Any, ...], **columns: int) -> None:
        row = out.setdefault((model, key), defaultdict(int))
        for column, n in columns.items():
            row[column] += sign * n

    grid, town = h["division_id"], h["township_code"]
    who = (h["department"] or "", h["responsible_id"] or 0)
    add(
        HazardRollup,
        (grid, town, *who, h["severity"], h["status"]),
        hazards=1,
        fixed_on_time=1 if h["fixed_on_time"] else 0,
        with_deadline=1 if h["deadline"] else 0,
    )
    if h["status"] == HazardStatus.NOTICE_ISSUED and h["deadline"]:
        add(NoticeRollup, (grid, town, *who, h["deadline"]), notices=1)
    add(HazardMonthRollup, (grid, town, month_of(h["found_at"]), "found"), n=1)
    if h["closed_at"]:
        add(HazardMonthRollup, (grid, town, month_of(h["closed_at"]), "closed"), n=1)


def _apply(deltas: Deltas) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cur:
        for (model, key), columns in sorted(deltas.items(), key=lambda kv: (kv[0][0].__name__, str(kv[0][1]))):
            changed = {c: n for c, n in columns.items() if n}
            if not changed:
                continue
            table = quote(model._meta.db_table)
            names = [*KEYS[model], *COUNTS[model]]
            cur.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in names)}) "
                f"VALUES ({', '.join(['%s'] * len(names))}) "
                f"ON CONFLICT ({', '.join(quote(c) for c in KEYS[model])}) DO UPDATE SET "
                + ", ".join(f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in changed),
                [*key, *(changed.get(c, 0) for c in COUNTS[model])],
            )


def _values(pk: int) -> dict[str, Any]:
    return Hazard.objects.filter(pk=pk).values(*HAZARD_FIELDS).get()


def hazard_added(hazard: Hazard) -> None:
    deltas: Deltas = {}
    _hazard_deltas(_values(hazard.pk), +1, deltas)
    _apply(deltas)


def save_hazard(hazard: Hazard, update_fields: list[str]) -> None:
    """Save the hazard (update_fields) and move its counts from its old rollup rows to its new ones."""
    before = _values(hazard.pk)
    hazard.save(update_fields=update_fields)
    after = _values(hazard.pk)
    if before == after:
        return
    deltas: Deltas = {}
    _hazard_deltas(before, -1, deltas)
    _hazard_deltas(after, +1, deltas)
    _apply(deltas)


def inspection_added(inspection: Inspection) -> None:
    key = (inspection.township_code, inspection.department or "", inspection.inspector_id)
    _apply({(InspectionRollup, key): {"inspections": 1}})


def reinspection_added(reinspection: Reinspection) -> None:
    key = (reinspection.township_code, reinspection.inspector_id)
    _apply({(ReinspectionRollup, key): {"reinspections": 1, "passed": 1 if reinspection.passed else 0}})


# --- Rebuild -------------------------------------------------------------------------------------------


def _grouped(qs: Any, keys: dict[str, Any], counts: dict[str, Any]) -> Any:
    """`qs` grouped by the key expressions, selecting keys then counts (the rollup's column order)."""
    return qs.annotate(**keys).values(*keys).annotate(**counts).values_list(*keys, *counts).order_by()


def rebuild() -> dict[str, int]:
    """Recompute every rollup from hazards, inspections and re-inspections. Returns rows per rollup."""
    from civitas.inspections.generation import insert_from_select

    tz = timezone.get_default_timezone()
    where = {"grid": F("division_id"), "town": F("township_code")}
    who = {
        "dept": Coalesce(F("department"), Value("")),
        "who": Coalesce(F("responsible_id"), Value(0), output_field=IntegerField()),
    }
    with transaction.atomic():
        quote = connection.ops.quote_name
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                tables = ", ".join(quote(m._meta.db_table) for m in ROLLUPS)
                cur.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            for model in ROLLUPS:
                cur.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        insert_from_select(
            HazardRollup,
            [*KEYS[HazardRollup], "hazards", "fixed_on_time", "with_deadline"],
            _grouped(
                Hazard.objects.all(),
                {**where, **who, "sev": F("severity"), "st": F("status")},
                {
                    "n": Count("id"),
                    "on_time": Count("id", filter=Q(fixed_on_time=True)),
                    "dated": Count("deadline"),
                },
            ),
        )
        insert_from_select(
            NoticeRollup,
            [*KEYS[NoticeRollup], "notices"],
            _grouped(
                Hazard.objects.filter(status=HazardStatus.NOTICE_ISSUED, deadline__isnull=False),
                {**where, **who, "day": F("deadline")},
                {"n": Count("id")},
            ),
        )
        for measure, column in (("found", "found_at"), ("closed", "closed_at")):
            insert_from_select(
                HazardMonthRollup,
                [*KEYS[HazardMonthRollup], "n"],
                _grouped(
                    Hazard.objects.filter(**{f"{column}__isnull": False}),
                    {**where, "m": TruncMonth(TruncDate(column, tzinfo=tz)), "what": Value(measure)},
                    {"n": Count("id")},
                ),
            )
        insert_from_select(
            InspectionRollup,
            [*KEYS[InspectionRollup], "inspections"],
            _grouped(
                Inspection.objects.all(),
                {
                    "township": F("township_code"),
                    "dept": Coalesce(F("department"), Value("")),
                    "who": F("inspector_id"),
                },
                {"n": Count("id")},
            ),
        )
        insert_from_select(
            ReinspectionRollup,
            [*KEYS[ReinspectionRollup], "reinspections", "passed"],
            _grouped(
                Reinspection.objects.all(),
                {"township": F("township_code"), "who": F("inspector_id")},
                {"n": Count("id"), "p": Count("id", filter=Q(passed=True))},
            ),
        )
    return {model.__name__: model._default_manager.count() for model in ROLLUPS}
