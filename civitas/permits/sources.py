"""Where eligibility's inputs come from: residence history (residence app) and recorded facts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from civitas.permits.eligibility import Fact, Period


def residence_periods(person_id: int) -> Sequence[Any]:
    """Periods from `civitas.residence.history` (see notes/contracts.md); none if not installed.

    Each period also carries the declaration it rests on and the place in words, so the evidence shown
    to the applicant and the officer reads "D123 · 义亭镇 车站社区" rather than a property id and a code.
    """
    try:
        from civitas.residence import history
    except ImportError:
        return []
    periods = history.residence_periods(person_id)
    if not periods:
        return periods
    return _with_declarations_and_places(person_id, periods)


def _with_declarations_and_places(person_id: int, periods: Sequence[Any]) -> list[Period]:
    from civitas.places.models import Division
    from civitas.residence.models import Residency

    declarations = {
        (start, prop, room): decl
        for start, prop, room, decl in Residency.objects.filter(person_id=person_id, cancelled=False).values_list(
            "start", "property_id", "room_id", "declaration_id"
        )
    }
    places = {d.code: d.full_name() for d in Division.objects.filter(code__in={p.division_code for p in periods})}
    return [
        Period(
            start=p.start,
            end=p.end,
            property_id=p.property_id,
            room_id=p.room_id,
            division_code=p.division_code,
            verified=p.verified,
            purpose=p.purpose,
            employer=p.employer,
            declaration_id=declarations.get((p.start, p.property_id, p.room_id)),
            place=places.get(p.division_code, ""),
        )
        for p in periods
    ]


def recorded_facts(person_id: int) -> list[Fact]:
    from civitas.permits.models import EvidenceFact

    rows = EvidenceFact.objects.filter(person_id=person_id).order_by("start", "pk")
    return [Fact(r.kind, r.start, r.end, r.reference, r.label) for r in rows]


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
