"""Accountability figures per township, department and official, and monthly trends.

The all-time figures (what the pages, the xlsx export and the API show) are sums over the maintained
rollups (`rollups.py`: a few rows per grid × department × official, kept exact by the actions), scoped to
the viewer's jurisdiction in the query by code prefix. `overdue` means a notice whose deadline has passed:
the open notices minus those whose deadline is today or later (a short range of the notice rollup).
Figures for a period (`Period`) are aggregated live from the source tables (`live_rollup`), which is also
the reference the rollup is tested against.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from civitas.accounts.models import User
from civitas.inspections.choices import Department, HazardStatus
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
from civitas.places.models import Division


@dataclass(frozen=True)
class Period:
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


ALL_TIME = Period()


def _hazards(scope: str, period: Period) -> QuerySet[Hazard]:
    qs = Hazard.objects.filter(township_code__startswith=scope[:9]) if scope else Hazard.objects.all()
    if len(scope) > 9:
        qs = qs.filter(division__code__startswith=scope)
    if period.start:
        qs = qs.filter(found_at__gte=period.start)
    if period.end:
        qs = qs.filter(found_at__lt=period.end)
    return qs


def _timed(qs: QuerySet[Any], scope: str, period: Period) -> QuerySet[Any]:
    qs = qs.filter(township_code__startswith=scope[:9]) if scope else qs
    if period.start:
        qs = qs.filter(inspected_at__gte=period.start)
    if period.end:
        qs = qs.filter(inspected_at__lt=period.end)
    return qs


def hazard_counts(today: datetime.date) -> dict[str, Any]:
    return {
        "found": Count("id"),
        "closed": Count("id", filter=Q(status=HazardStatus.CLOSED)),
        "fixed_on_time": Count("id", filter=Q(fixed_on_time=True)),
        "overdue": Count("id", filter=Q(status=HazardStatus.NOTICE_ISSUED, deadline__lt=today)),
        "annulled": Count("id", filter=Q(status=HazardStatus.ANNULLED)),
    }


HAZARD_FIGURES = ("found", "closed", "fixed_on_time", "overdue", "annulled")


@dataclass
class Rollup:
    """Hazards, inspections and re-inspections counted once per (township, department, official);
    the three accountability tables are sums over it, so each table costs no extra scan."""

    hazards: list[Any]
    inspections: list[Any]
    reinspections: list[Any]


def rollup(scope: str, today: datetime.date, period: Period = ALL_TIME) -> Rollup:
    """All-time figures from the maintained rollups; a period's figures from the source tables."""
    if period == ALL_TIME:
        return maintained_rollup(scope, today)
    return live_rollup(scope, today, period)


def _in_scope(qs: QuerySet[Any], scope: str, by_grid: bool = True) -> QuerySet[Any]:
    """Rollup rows of the jurisdiction: township code prefix, then grid code prefix below a township."""
    if scope:
        qs = qs.filter(township_code__startswith=scope[:9])
    if by_grid and len(scope) > 9:
        qs = qs.filter(division__startswith=scope)
    return qs


def _total(column: str, **where: Any) -> Coalesce:
    return Coalesce(Sum(column, filter=Q(**where) if where else None), Value(0))


def maintained_rollup(scope: str, today: datetime.date) -> Rollup:
    """The same rows as `live_rollup(scope, today)`, summed from the rollups (three small grouped queries
    plus the notices not yet due)."""
    hazards = list(
        _in_scope(HazardRollup.objects.filter(hazards__gt=0), scope)
        .values("township_code", "department", "official")
        .annotate(
            found=_total("hazards"),
            closed=_total("hazards", status=HazardStatus.CLOSED),
            fixed_on_time=_total("fixed_on_time"),
            notices=_total("with_deadline", status=HazardStatus.NOTICE_ISSUED),
            annulled=_total("hazards", status=HazardStatus.ANNULLED),
        )
        .order_by()
    )
    not_due = {
        (r["township_code"], r["department"], r["official"]): r["n"]
        for r in _in_scope(NoticeRollup.objects.filter(deadline__gte=today, notices__gt=0), scope)
        .values("township_code", "department", "official")
        .annotate(n=_total("notices"))
        .order_by()
    }
    for h in hazards:
        h["overdue"] = h.pop("notices") - not_due.get((h["township_code"], h["department"], h["official"]), 0)
        h["responsible_id"] = h.pop("official") or None
    inspections = [
        {"township_code": r["township_code"], "department": r["department"], "inspector_id": r["official"], "n": r["n"]}
        for r in _in_scope(InspectionRollup.objects.filter(inspections__gt=0), scope, by_grid=False)
        .values("township_code", "department", "official")
        .annotate(n=_total("inspections"))
        .order_by()
    ]
    reinspections = [
        {"township_code": r["township_code"], "inspector_id": r["official"], "n": r["n"], "p": r["p"]}
        for r in _in_scope(ReinspectionRollup.objects.filter(reinspections__gt=0), scope, by_grid=False)
        .values("township_code", "official")
        .annotate(n=_total("reinspections"), p=_total("passed"))
        .order_by()
    ]
    return Rollup(hazards, inspections, reinspections)


def live_rollup(scope: str, today: datetime.date, period: Period = ALL_TIME) -> Rollup:
    """Aggregated from hazards, inspections and re-inspections directly (one grouped query per table)."""
    hazards = list(
        _hazards(scope, period)
        .values("township_code", "department", "responsible_id")
        .annotate(**hazard_counts(today))
        .order_by()
    )
    inspections = list(
        _timed(Inspection.objects.all(), scope, period)
        .values("township_code", "department", "inspector_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reinspections = list(
        _timed(Reinspection.objects.all(), scope, period)
        .values("township_code", "inspector_id")
        .annotate(n=Count("id"), p=Count("id", filter=Q(passed=True)))
        .order_by()
    )
    return Rollup(hazards, inspections, reinspections)


def _empty(key: Any) -> dict[str, Any]:
    return {
        "key": key,
        "inspections": 0,
        **dict.fromkeys(HAZARD_FIGURES, 0),
        "reinspections": 0,
        "reinspections_passed": 0,
        "pass_rate": None,
    }


def _table(
    data: Rollup, hazard_key: str, inspection_key: str, reinspection_key: str | None
) -> dict[Any, dict[str, Any]]:
    rows: dict[Any, dict[str, Any]] = {}
    for h in data.hazards:
        row = rows.setdefault(h[hazard_key], _empty(h[hazard_key]))
        for f in HAZARD_FIGURES:
            row[f] += h[f]
    for i in data.inspections:
        rows.setdefault(i[inspection_key], _empty(i[inspection_key]))["inspections"] += i["n"]
    if reinspection_key:
        for r in data.reinspections:
            row = rows.setdefault(r[reinspection_key], _empty(r[reinspection_key]))
            row["reinspections"] += r["n"]
            row["reinspections_passed"] += r["p"]
    for row in rows.values():
        if row["reinspections"]:
            row["pass_rate"] = round(100 * row["reinspections_passed"] / row["reinspections"], 1)
    return rows


def townships_of(data: Rollup) -> list[dict[str, Any]]:
    rows = _table(data, "township_code", "township_code", "township_code")
    names = dict(Division.objects.filter(code__in=list(rows)).values_list("code", "name"))
    return [{**r, "label": names.get(k, k)} for k, r in sorted(rows.items())]


def departments_of(data: Rollup) -> list[dict[str, Any]]:
    rows = _table(data, "department", "department", None)
    labels = dict(Department.choices)
    return [{**r, "label": str(labels.get(k, k or "—"))} for k, r in sorted(rows.items(), key=lambda kv: kv[0] or "")]


def officials_of(data: Rollup, limit: int = 200) -> list[dict[str, Any]]:
    rows = _table(data, "responsible_id", "inspector_id", "inspector_id")
    users = {u.pk: u for u in User.objects.filter(pk__in=[k for k in rows if k]).select_related("division")}
    out = []
    for k, r in rows.items():
        u = users.get(k)
        out.append(
            {
                **r,
                "label": (u.get_full_name() or u.username) if u else "—",
                "where": u.division.name if u and u.division else "",
            }
        )
    out.sort(key=lambda r: (-r["overdue"], -r["found"], r["label"]))
    return out[:limit]


def by_township(scope: str, today: datetime.date, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    return townships_of(rollup(scope, today, period))


def by_department(scope: str, today: datetime.date, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    return departments_of(rollup(scope, today, period))


def by_official(scope: str, today: datetime.date, period: Period = ALL_TIME, limit: int = 200) -> list[dict[str, Any]]:
    return officials_of(rollup(scope, today, period), limit)


def summary(scope: str, today: datetime.date, period: Period = ALL_TIME) -> dict[str, Any]:
    """The three tables from one rollup (a few small grouped queries over the maintained rollups)."""
    data = rollup(scope, today, period)
    return {"townships": townships_of(data), "departments": departments_of(data), "officials": officials_of(data)}


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(months - 1):
        out.insert(0, (out[0] - datetime.timedelta(days=1)).replace(day=1))
    return out


def monthly_trend(scope: str, today: datetime.date, months: int = 12) -> list[dict[str, Any]]:
    """Hazards found and closed per month, from the month rollup (months of the default time zone)."""
    if not months or timezone.get_current_timezone() != timezone.get_default_timezone():
        return live_monthly_trend(scope, today, months)
    starts = _month_starts(today, months)
    counts = {
        (r["month"], r["measure"]): r["n"]
        for r in _in_scope(HazardMonthRollup.objects.filter(month__gte=starts[0], month__lte=starts[-1]), scope)
        .values("month", "measure")
        .annotate(n=_total("n"))
        .order_by()
    }
    return [{"month": m, "found": counts.get((m, "found"), 0), "closed": counts.get((m, "closed"), 0)} for m in starts]


def live_monthly_trend(scope: str, today: datetime.date, months: int = 12) -> list[dict[str, Any]]:
    """Hazards found and closed per month: one query of range counts (indexable, no per-row date function)."""
    starts = _month_starts(today, months)
    tz = timezone.get_current_timezone()
    bounds = [timezone.make_aware(datetime.datetime.combine(d, datetime.time()), tz) for d in starts]
    bounds.append(
        timezone.make_aware(
            datetime.datetime.combine((starts[-1] + datetime.timedelta(days=32)).replace(day=1), datetime.time()), tz
        )
    )
    counts: dict[str, Any] = {}
    for n in range(months):
        lo, hi = bounds[n], bounds[n + 1]
        counts[f"f{n}"] = Count("id", filter=Q(found_at__gte=lo, found_at__lt=hi))
        counts[f"c{n}"] = Count("id", filter=Q(closed_at__gte=lo, closed_at__lt=hi))
    row = _hazards(scope, Period(start=bounds[0])).aggregate(**counts) if months else {}
    closed_early = (
        _hazards(scope, Period(end=bounds[0]))
        .filter(closed_at__gte=bounds[0])
        .aggregate(**{k: v for k, v in counts.items() if k.startswith("c")})
        if months
        else {}
    )
    return [
        {"month": starts[n], "found": row[f"f{n}"], "closed": row[f"c{n}"] + closed_early[f"c{n}"]}
        for n in range(months)
    ]
