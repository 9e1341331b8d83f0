"""Declarations counted by township for a day or a week (one grouped query)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from civitas.places.models import Division
from civitas.residence.choices import CONFIRMED, DeclarationStatus
from civitas.residence.models import Declaration


def counts_by_township(qs: QuerySet[Declaration], since: datetime.date, until: datetime.date) -> list[dict[str, Any]]:
    rows = (
        qs.filter(declared_at__date__gte=since, declared_at__date__lte=until)
        .annotate(township=Substr("division_id", 1, 9))
        .values("township")
        .annotate(
            total=Count("id"),
            verified=Count("id", filter=Q(status__in=CONFIRMED)),
            flagged=Count("id", filter=Q(status=DeclarationStatus.FLAGGED)),
            late=Count("id", filter=Q(days_late__gt=0)),
            foreign=Count("id", filter=Q(foreign=True)),
        )
        .order_by("township")
    )
    names = dict(Division.objects.filter(code__in=[r["township"] for r in rows]).values_list("code", "name"))
    return [{**r, "name": names.get(r["township"], r["township"])} for r in rows]
