"""The one hazard filter used by the hazards page, the landlord panel and the API."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from civitas.inspections.choices import HazardStatus
from civitas.inspections.models import Hazard


def filter_hazards(
    qs: QuerySet[Hazard],
    *,
    status: str = "",
    overdue: bool = False,
    division: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Hazard]:
    if status == "open":
        qs = qs.open()  # type: ignore[attr-defined]
    elif status in HazardStatus.values:
        qs = qs.filter(status=status)
    if overdue and today is not None:
        qs = qs.overdue(today)  # type: ignore[attr-defined]
    if division:
        qs = qs.filter(division__code__startswith=division)
    return qs.select_related("premises", "item", "responsible").order_by("-found_at", "-id")
