"""Concurrent writers on PostgreSQL: the same event applied twice at once, caps under parallel entries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from civitas.core.models import DomainEvent
from civitas.credit import actions, queries
from civitas.credit.models import LedgerEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CIVITAS_DB=postgres)"),
]


def _in_threads(fn: Callable[[], Any], n: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            barrier.wait()
            fn()
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_the_same_event_applied_concurrently_makes_one_entry(personas: dict[str, Any]) -> None:
    landlord = personas["landlord_person"]
    event = DomainEvent.objects.create(
        kind="residence.over_capacity",
        occurred_at=timezone.now(),
        division_code="330782001001001",
        subject_type="landlord",
        subject_id=str(landlord.pk),
        payload={
            "credit": {
                "scheme": "landlord-12",
                "rule": "group_renting",
                "subject_type": "landlord",
                "subject_id": landlord.pk,
            }
        },
    )
    _in_threads(lambda: actions.handle_event(DomainEvent.objects.get(pk=event.pk)), 4)
    assert LedgerEntry.objects.filter(source_event=event).count() == 1
    assert queries.balance("landlord-12", "landlord", landlord.pk) == 8


def test_parallel_helping_out_entries_respect_the_monthly_cap(personas: dict[str, Any]) -> None:
    landlord = personas["landlord_person"]

    def help_out() -> None:
        actions.do_record_violation(
            scheme_code="landlord-12",
            rule_code="helping_out",
            subject_id=landlord.pk,
            occurred_on=timezone.localdate(),
            division_code="330782001001001",
            acting_user=personas["grid"],
        )

    assert _in_threads(help_out, 5) == []
    assert queries.balance("landlord-12", "landlord", landlord.pk) == 15
    assert sorted(LedgerEntry.objects.values_list("points", flat=True)) == [0, 0, 1, 1, 1]
