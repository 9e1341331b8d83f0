"""Read-only questions other apps ask the credit app (see notes/contracts.md).

balance("landlord-12", "landlord", person_id)           -> 12
merchant_grade(person_id) -> {"grade": "A", "stars": 5, "points": 112, "label": ..., "consequences": [...]}
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.credit import ledger
from civitas.credit.choices import SubjectType
from civitas.credit.models import ConsequenceState, MerchantFile
from civitas.credit.seed_data import MERCHANT_SCHEME


def balance(scheme_code: str, subject_type: str, subject_id: int, on: datetime.date | None = None) -> int:
    """Points of a subject in the cycle containing `on` (default today), counting entries up to `on`."""
    try:
        scheme = ledger.scheme_by_code(scheme_code)
    except ValidationError:
        raise LookupError(f"no credit scheme {scheme_code!r}")
    today = timezone.localdate()
    if on is None or on == today:
        return ledger.current_balance(scheme, subject_type, int(subject_id), today)
    return ledger.ledger_balance(scheme, subject_type, int(subject_id), ledger.cycle_of(scheme, on), on=on)


def merchant_file_sql(person_id_sql: str) -> str:
    """An SQL boolean: does the person whose id is the SQL expression `person_id_sql` have a merchant file?

    For a caller that asks inside its own statement (a market seller's card scan reads it together with the
    card's status) and calls `merchant_grade` only for holders who have one.
    """
    from django.db import connection

    table = connection.ops.quote_name(MerchantFile._meta.db_table)
    column = connection.ops.quote_name(MerchantFile._meta.get_field("person").column)
    return f"EXISTS (SELECT 1 FROM {table} WHERE {column} = {person_id_sql})"


def merchant_grade(person_id: int) -> dict[str, Any] | None:
    """The merchant's grade today, or None when the person has no merchant file."""
    if not MerchantFile.objects.filter(person_id=person_id).exists():
        return None
    scheme = ledger.scheme_by_code(MERCHANT_SCHEME)
    today = timezone.localdate()
    points = ledger.current_balance(scheme, SubjectType.MERCHANT, int(person_id), today)
    grades = [t for t in ledger.thresholds_in_force(scheme, today) if t.grade and t.holds(points)]
    if not grades:
        return {"grade": "", "stars": 0, "points": points, "label": "", "consequences": []}
    best = max(grades, key=lambda t: t.min_points if t.min_points is not None else -(10**9))
    consequences = sorted(
        {c for t in ledger.thresholds_in_force(scheme, today) if t.holds(points) for c in t.consequences}
    )
    return {
        "grade": best.grade,
        "stars": best.stars or 0,
        "points": points,
        "label": best.text(),
        "consequences": consequences,
    }


def active_consequences(subject_type: str, subject_id: int) -> list[ConsequenceState]:
    return list(
        ConsequenceState.objects.filter(
            subject_type=subject_type, subject_id=subject_id, ended_at__isnull=True
        ).select_related("threshold", "scheme")
    )
