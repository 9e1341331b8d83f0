"""Residence history for other apps (permits, insight): a stable, read-only interface.

residence_periods(person_id) -> [Period, ...]   ordered by start
residents_on(scope_code, on) -> QuerySet[Person]
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db.models import QuerySet

from civitas.people.models import Person
from civitas.residence.models import Residency, ResidencyQuerySet


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date | None  # move-out day (exclusive); None = still living there
    property_id: int
    room_id: int | None
    division_code: str
    verified: bool  # only verified/approved declarations count as verified residence
    purpose: str
    employer: str


def residence_periods(person_id: int) -> list[Period]:
    rows = (
        Residency.objects.filter(person_id=person_id, cancelled=False)
        .select_related("declaration")
        .order_by("start", "id")
    )
    return [
        Period(
            start=r.start,
            end=r.end,
            property_id=r.property_id,
            room_id=r.room_id,
            division_code=r.division_id,
            verified=r.confirmed,
            purpose=r.declaration.purpose,
            employer=r.declaration.employer,
        )
        for r in rows
    ]


def residents_on(scope_code: str, on: datetime.date) -> QuerySet[Person]:
    """People with a declared (not rejected) residence in the subtree `scope_code` on day `on`."""
    residencies = cast(ResidencyQuerySet, Residency.objects.in_scope(scope_code))
    return Person.objects.filter(pk__in=residencies.on(on).values("person_id"))
