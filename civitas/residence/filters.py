"""One filter for declaration lists, shared by the pages and the API (same query path)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from ninja import Schema

from civitas.residence.models import Declaration


class DeclarationFilter(Schema):
    status: str = ""
    late: bool = False
    division: str = ""
    property_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    number: str = ""

    def apply(self, qs: QuerySet[Declaration]) -> QuerySet[Declaration]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.late:
            qs = qs.filter(days_late__gt=0)
        if self.division:
            qs = qs.filter(division__code__startswith=self.division)
        if self.property_id:
            qs = qs.filter(property_id=self.property_id)
        if self.since:
            qs = qs.filter(declared_at__date__gte=self.since)
        if self.until:
            qs = qs.filter(declared_at__date__lte=self.until)
        if self.number:
            qs = qs.filter(number=self.number.strip().upper())
        return qs.select_related("property__building", "room", "division").order_by("-declared_at", "-id")


def parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def from_query(params: dict[str, str]) -> DeclarationFilter:
    prop = params.get("property") or ""
    return DeclarationFilter(
        status=params.get("status", ""),
        late=params.get("late") in ("1", "true", "on"),
        division=params.get("division", ""),
        property_id=int(prop) if prop.isdigit() else None,
        since=parse_date(params.get("since")),
        until=parse_date(params.get("until")),
        number=params.get("number", ""),
    )
