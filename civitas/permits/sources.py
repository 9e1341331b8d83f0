"""Where eligibility's inputs come from: residence history (residence app) and recorded facts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from civitas.permits.eligibility import Fact


def residence_periods(person_id: int) -> Sequence[Any]:
    """Periods from `civitas.residence.history` (see notes/contracts.md); none if not installed."""
    try:
        from civitas.residence import history
    except ImportError:
        return []
    return history.residence_periods(person_id)


def recorded_facts(person_id: int) -> list[Fact]:
    from civitas.permits.models import EvidenceFact

    rows = EvidenceFact.objects.filter(person_id=person_id).order_by("start", "pk")
    return [Fact(r.kind, r.start, r.end, r.reference, r.label) for r in rows]


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
