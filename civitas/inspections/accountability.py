"""Accountability figures per township, department and official, and monthly trends.

Every figure is one grouped query over indexed columns (`township_code`, `department`, `responsible`),
scoped to the viewer's jurisdiction in the database. `overdue` means a notice whose deadline has passed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from civitas.accounts.models import User
from civitas.inspections.choices import Department, HazardStatus
from civitas.inspections.models import Hazard, Inspection, Reinspection
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
    """The three tables from one rollup (three grouped queries in all)."""
    data = rollup(scope, today, period)
    return {"townships": townships_of(data), "departments": departments_of(data), "officials": officials_of(data)}


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(months - 1):
        out.insert(0, (out[0] - datetime.timedelta(days=1)).replace(day=1))
    return out


def monthly_trend(scope: str, today: datetime.date, months: int = 12) -> list[dict[str, Any]]:
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
