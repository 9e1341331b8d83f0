"""Fixtures for credit tests: the seeded schemes and a helper to post entries through actions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from civitas.credit import actions
from civitas.credit.models import LedgerEntry, Scheme


@pytest.fixture(autouse=True)
def _schemes(request: Any) -> None:
    """The schemes come from a data migration; a transactional test elsewhere may have flushed them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "personas"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from civitas.credit.seed_data import ensure_installed

    ensure_installed()


@pytest.fixture
def landlord_scheme(db: Any) -> Scheme:
    return Scheme.objects.get(code="landlord-12")


@pytest.fixture
def merchant_scheme(db: Any) -> Scheme:
    return Scheme.objects.get(code="merchant-credit")


@pytest.fixture
def record(personas: dict[str, Any]) -> Any:
    """record("fire_hazard", days_ago=0, by="police", note="...") -> LedgerEntry for the persona landlord."""

    def _record(
        rule: str,
        *,
        days_ago: int = 0,
        on: datetime.date | None = None,
        by: str = "police",
        note: str = "seen on site",
        subject: Any = None,
    ) -> LedgerEntry:
        subject = subject or personas["landlord_person"]
        return actions.do_record_violation(
            scheme_code="landlord-12",
            rule_code=rule,
            subject_id=subject.pk,
            occurred_on=on or timezone.localdate() - datetime.timedelta(days=days_ago),
            note=note,
            division_code=personas["property"].division_id,
            acting_user=personas[by],
        )

    return _record
