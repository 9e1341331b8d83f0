"""The domain-event outbox: stored with the action, delivered once (on commit or by the worker), failures
retried later without holding up other events, concurrent workers never deliver an event twice."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from civitas.core import events
from civitas.core.models import DomainEvent

KIND = "test.outbox"


@pytest.fixture
def seen() -> Iterator[list[int]]:
    """A handler subscribed to the test kind that records the event ids it was given."""
    calls: list[int] = []
    lock = threading.Lock()

    def handler(event: DomainEvent) -> None:
        with lock:
            calls.append(event.pk)

    before = {k: list(v) for k, v in events._HANDLERS.items()}
    events.subscribe(KIND, handler)
    yield calls
    events._HANDLERS.clear()
    events._HANDLERS.update(before)


@pytest.fixture
def flaky() -> Iterator[dict[str, Any]]:
    """A handler that fails while `state["fail"]` is true."""
    state: dict[str, Any] = {"fail": True, "calls": 0}

    def handler(event: DomainEvent) -> None:
        state["calls"] += 1
        if state["fail"]:
            raise RuntimeError("consumer down")

    before = {k: list(v) for k, v in events._HANDLERS.items()}
    events.subscribe("test.flaky", handler)
    yield state
    events._HANDLERS.clear()
    events._HANDLERS.update(before)


def _emit(n: int = 1, kind: str = KIND) -> list[DomainEvent]:
    return [events.emit(kind, subject=("thing", i), payload={"n": i}) for i in range(n)]


@pytest.mark.django_db
def test_inline_mode_delivers_on_commit_and_marks_the_event_delivered(
    settings, seen, django_capture_on_commit_callbacks
):
    settings.CIVITAS_EVENTS_DISPATCH = "inline"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (ev,) = _emit()
        assert seen == []
    assert seen == [ev.pk]
    ev.refresh_from_db()
    assert ev.dispatched_at is not None and ev.attempts == 0


@pytest.mark.django_db
def test_worker_mode_leaves_delivery_to_the_worker_which_delivers_each_event_once_in_order(
    settings, seen, django_capture_on_commit_callbacks
):
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        evs = _emit(5)
    assert callbacks == [] and seen == []  # nothing runs in the request
    assert events.work(once=True) >= 5
    assert seen == [e.pk for e in evs]
    assert not DomainEvent.objects.filter(pk__in=seen, dispatched_at__isnull=True).exists()
    assert events.work(once=True) == 0
    assert seen == [e.pk for e in evs]  # delivered once


@pytest.mark.django_db
def test_a_failing_handler_is_retried_later_without_blocking_the_other_events(settings, seen, flaky):
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    (bad,) = _emit(kind="test.flaky")
    good = _emit(3)
    events.work(once=True)
    assert seen == [e.pk for e in good]
    bad.refresh_from_db()
    assert bad.dispatched_at is None and bad.attempts == 1 and "consumer down" not in bad.last_error
    assert bad.next_attempt_at is not None and bad.next_attempt_at > timezone.now()
    assert "handler" in bad.last_error or "failed" in bad.last_error
    events.work(once=True)
    assert flaky["calls"] == 1  # not due yet: the back-off holds it
    flaky["fail"] = False
    DomainEvent.objects.filter(pk=bad.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    events.work(once=True)
    bad.refresh_from_db()
    assert flaky["calls"] == 2 and bad.dispatched_at is not None


@pytest.mark.django_db
def test_the_management_command_drains_the_queue_and_replay_still_redelivers(settings, seen):
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    evs = _emit(3)
    call_command("events_work", "--once")
    assert seen == [e.pk for e in evs]
    assert events.replay(kinds=[KIND]) == 3
    assert seen == [e.pk for e in evs] * 2  # replay re-delivers; handlers are idempotent by event id


@pytest.mark.django_db
def test_the_background_worker_thread_delivers_without_a_request(settings, seen):
    if connection.vendor == "sqlite":
        pytest.skip("the thread needs its own connection to the test database (in-memory SQLite is per thread)")
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    evs = _emit(2)
    # The test transaction is not committed, so the thread cannot see the events: it must simply not fail.
    stop = events.start_background_worker(idle_sleep=0.05)
    time.sleep(0.2)
    stop.set()
    events.work(once=True)
    assert seen == [e.pk for e in evs]


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_on_postgresql_deliver_every_event_exactly_once(settings, seen):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    settings.CIVITAS_EVENTS_DISPATCH = "worker"
    evs = _emit(60)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            events.work(once=True, batch=4)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == sorted(e.pk for e in evs)  # every event once, none twice
    assert not DomainEvent.objects.filter(kind=KIND, dispatched_at__isnull=True).exists()
