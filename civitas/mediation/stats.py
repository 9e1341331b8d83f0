"""Mediator statistics and counts by township and category (database aggregates, no Python loops)."""

from __future__ import annotations

import datetime
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from civitas.mediation.choices import OPEN_STATUSES, CaseStatus, Category
from civitas.mediation.models import Case, Mediator
from civitas.places.models import Division


def mediator_statistics(mediators: QuerySet[Mediator], cases: QuerySet[Case]) -> list[dict[str, Any]]:
    rows = (
        cases.filter(mediator__in=mediators)
        .values("mediator_id")
        .annotate(
            total=Count("id"),
            settled=Count("id", filter=Q(status=CaseStatus.SETTLED)),
            amount=Sum("settled_amount", filter=Q(status=CaseStatus.SETTLED)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        )
    )
    by_id = {r["mediator_id"]: r for r in rows}
    hours: dict[int, list[float]] = {}
    for mid, accepted, finished in cases.filter(
        mediator__in=mediators, status=CaseStatus.SETTLED, accepted_at__isnull=False, closed_at__isnull=False
    ).values_list("mediator_id", "accepted_at", "closed_at"):
        if accepted and finished:
            hours.setdefault(mid, []).append((finished - accepted) / datetime.timedelta(hours=1))
    out: list[dict[str, Any]] = []
    for m in mediators.order_by("name"):
        r: dict[str, Any] = dict(by_id.get(m.pk) or {"total": 0, "settled": 0, "amount": None, "open": 0})
        closed = r["total"] - r["open"]
        out.append(
            {
                "mediator_id": m.pk,
                "name": str(m),
                "kind": m.kind,
                "kind_label": str(m.get_kind_display()),
                "cases": r["total"],
                "open": r["open"],
                "settled": r["settled"],
                "settled_rate": round(r["settled"] / closed, 3) if closed else None,
                "settled_percent": round(100 * r["settled"] / closed) if closed else None,
                "median_hours_to_settle": round(median(hours[m.pk]), 1) if m.pk in hours else None,
                "amount_settled": str(r["amount"] or 0),
                "rating": str(m.rating),
                "ratings": m.rating_count,
            }
        )
    return out


def by_township_and_category(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    qs: Any = (
        cases.annotate(township=Substr("division_id", 1, 9))
        .values("township", "category")
        .annotate(
            total=Count("id"),
            settled=Count("id", filter=Q(status=CaseStatus.SETTLED)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            high=Count("id", filter=Q(risk="high")),
            amount=Sum("amount"),
        )
        .order_by("township", "category")
    )
    rows: list[dict[str, Any]] = list(qs)
    names = dict(Division.objects.filter(code__in={r["township"] for r in rows}).values_list("code", "name"))
    for r in rows:
        r["township_name"] = names.get(r["township"], r["township"])
        r["category_label"] = str(Category(r["category"]).label) if r["category"] in Category.values else r["category"]
        r["amount"] = str(r["amount"] or 0)
    return rows
