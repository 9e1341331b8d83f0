"""With CIVITAS_EVENTS_DISPATCH=worker a check-in publishes its events without running the subscribers; the
worker then delivers them, once: the landlord's points appear after the worker runs."""

import datetime

import pytest
from django.utils import timezone

from civitas.core import events
from civitas.core.models import DomainEvent
from civitas.credit.models import LedgerEntry
from civitas.residence import events as residence_events
from civitas.residence.tests.builders import chinese, declare, rooms

pytestmark = pytest.mark.django_db


def test_a_late_declaration_reaches_the_credit_ledger_only_through_the_worker_and_only_once(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    late = timezone.localdate() - datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        decl = declare(
            rooms(personas)[0], chinese("迟到"), source="landlord", acting_user=personas["landlord"], move_in=late
        )
    event = DomainEvent.objects.get(kind=residence_events.LATE, payload__declaration_id=decl.pk)
    assert event.dispatched_at is None
    assert not LedgerEntry.objects.filter(source_event=event).exists()
    events.work(once=True)
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert LedgerEntry.objects.filter(source_event=event).count() == 1
    events.replay(kinds=[residence_events.LATE])  # idempotent by event id
    assert LedgerEntry.objects.filter(source_event=event).count() == 1
