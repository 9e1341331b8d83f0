"""Campaign progress per township: one grouped query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from civitas.inspections.choices import TaskStatus
from civitas.inspections.models import Campaign, Task
from civitas.places.models import Division


def campaign_progress(campaign: Campaign, scope_code: str = "") -> list[dict[str, Any]]:
    rows = (
        Task.objects.filter(campaign=campaign, township_code__startswith=scope_code[:9])
        .values("township_code")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            unassigned=Count("id", filter=Q(assigned_to__isnull=True)),
        )
        .order_by("township_code")
    )
    names = dict(Division.objects.filter(code__in=[r["township_code"] for r in rows]).values_list("code", "name"))
    return [
        {
            **r,
            "name": names.get(r["township_code"], r["township_code"]),
            "percent": round(100 * r["done"] / r["total"]) if r["total"] else 0,
        }
        for r in rows
    ]
