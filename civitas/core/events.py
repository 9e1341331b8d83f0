"""Publishing and consuming domain events: a transactional outbox.

    emit("residence.declaration_late", subject=("person", landlord.pk), division_code=..., payload={...})

`emit` stores the event in the publisher's transaction (so a rolled-back action publishes nothing). Delivery
to the subscribed handlers depends on the setting `CIVITAS_EVENTS_DISPATCH`:

- ``inline`` (default; tests, small installs): handlers run right after the publishing transaction commits,
  in the same process (and request);
- ``worker`` (production): nothing runs in the request; `civitas events work` (`manage.py events_work`)
  delivers undelivered events in id order — on PostgreSQL several workers share the queue with
  ``SELECT ... FOR UPDATE SKIP LOCKED``; `civitas serve`/`demo` run one in a background thread.

Either way an event is marked delivered (`dispatched_at`) once every handler has succeeded. If a handler
fails, the failure is logged, the event keeps `dispatched_at` NULL and is retried later with a growing
back-off (`next_attempt_at`) without holding up the events behind it. Every handler must therefore be
idempotent by `event.pk`: a retry or `replay()` may call it again.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from civitas.core import workers
from civitas.core.models import DomainEvent

log = logging.getLogger("civitas.events")
Handler = Callable[[DomainEvent], None]
_HANDLERS: dict[str, list[Handler]] = {}
INLINE, WORKER = "inline", "worker"
MAX_BACKOFF_SECONDS = 3600


def subscribe(kind: str, handler: Handler) -> None:
    if handler not in _HANDLERS.setdefault(kind, []):
        _HANDLERS[kind].append(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_HANDLERS.get(kind, [])) + list(_HANDLERS.get("*", []))


def dispatch_mode() -> str:
    mode = getattr(settings, "CIVITAS_EVENTS_DISPATCH", INLINE) or INLINE
    return WORKER if mode == WORKER else INLINE


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"


def deliver(event: DomainEvent) -> list[str]:
    """Run every handler of the event, each in its own savepoint; one consumer's failure never breaks the
    publisher or the other consumers. Returns the names of the handlers that failed."""
    failed: list[str] = []
    for handler in handlers_for(event.kind):
        try:
            with transaction.atomic():
                handler(event)
        except Exception:
            log.exception("event %s #%s: handler %s failed", event.kind, event.pk, _name(handler))
            failed.append(_name(handler))
    return failed


def dispatch(event: DomainEvent) -> None:
    """Deliver one event now (whatever its delivery state); a stored event a handler failed on is retried by
    the worker, and a fixed consumer can also catch up with `replay()`."""
    deliver(event)


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 5 * 2 ** max(0, attempts - 1)))


def _deliver_all(events: list[DomainEvent]) -> None:
    """Deliver the events in order and record the outcome: delivered, or an attempt more and a back-off."""
    delivered: list[int] = []
    failed: list[tuple[DomainEvent, list[str]]] = []
    for event in events:
        bad = deliver(event)
        if bad:
            failed.append((event, bad))
        else:
            delivered.append(event.pk)
    now = timezone.now()
    if delivered:
        DomainEvent.objects.filter(pk__in=delivered).update(dispatched_at=now, last_error="")
    for event, names in failed:
        event.attempts += 1
        DomainEvent.objects.filter(pk=event.pk).update(
            attempts=event.attempts,
            next_attempt_at=now + _backoff(event.attempts),
            last_error=("failed: " + ", ".join(names))[:300],
        )


def _deliver_inline(events: list[DomainEvent]) -> None:
    try:
        with transaction.atomic():
            _deliver_all(events)
    except Exception:  # the events stay undelivered: a worker (or replay) delivers them again
        log.exception("could not record the delivery of %d event(s)", len(events))


def _after_commit(events: list[DomainEvent]) -> None:
    if events and dispatch_mode() == INLINE:
        transaction.on_commit(lambda: _deliver_inline(events))


def emit(
    kind: str,
    *,
    subject: tuple[str, Any] = ("", ""),
    division_code: str = "",
    payload: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
) -> DomainEvent:
    event = DomainEvent.objects.create(
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        division_code=division_code,
        subject_type=subject[0],
        subject_id=str(subject[1]),
        payload=payload or {},
    )
    _after_commit([event])
    return event


def emit_many(events: list[DomainEvent]) -> list[DomainEvent]:
    """Publish many unsaved events (e.g. a bulk import) in one INSERT, with `emit`'s contract: stored now,
    each delivered in order after the transaction commits (handlers stay idempotent by event id)."""
    now = timezone.now()
    for event in events:
        event.occurred_at = event.occurred_at or now
        event.payload = event.payload or {}
    if connection.vendor == "postgresql":
        created = _copy_events(events)
    else:
        created = DomainEvent.objects.bulk_create(events, batch_size=2000)
    _after_commit(list(created))
    return created


def _copy_events(events: list[DomainEvent]) -> list[DomainEvent]:
    """PostgreSQL: ids drawn from the sequence, rows written with COPY (a bulk import writes many thousands)."""
    from psycopg.types.json import Jsonb

    if not events:
        return events
    now = timezone.now()
    table = DomainEvent._meta.db_table
    with connection.cursor() as c:
        c.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(events)])
        for event, (pk,) in zip(events, c.fetchall(), strict=True):
            event.pk, event.created_at = pk, now
    fields = DomainEvent._meta.concrete_fields
    cols = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with (
        connection.wrap_database_errors,  # database errors as Django's, as with the ORM
        connection.connection.cursor() as cur,
        cur.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as cp,
    ):
        for event in events:
            cp.write_row(
                [Jsonb(getattr(event, f.attname)) if f.name == "payload" else getattr(event, f.attname) for f in fields]
            )
    return events


def replay(kinds: Iterable[str] | None = None, since: datetime.datetime | None = None) -> int:
    """Re-deliver stored events (e.g. after a consumer was added or a rule set was replayed)."""
    qs = DomainEvent.objects.order_by("id")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    n = 0
    for event in qs.iterator(chunk_size=2000):
        dispatch(event)
        n += 1
    return n


# --- The worker ---------------------------------------------------------------------------------------


def pending() -> Any:
    """Undelivered events that are due, oldest first."""
    now = timezone.now()
    return DomainEvent.objects.filter(dispatched_at__isnull=True).exclude(next_attempt_at__gt=now).order_by("id")


def deliver_batch(limit: int = 200) -> int:
    """Claim up to `limit` due events and deliver them in id order, in one transaction; returns how many
    were claimed. On PostgreSQL the claimed rows are locked (`FOR UPDATE SKIP LOCKED`), so concurrent
    workers never deliver the same event twice at the same time; SQLite serialises writers anyway.
    A failing handler is retried later (back-off) and does not stop the other events of the batch."""
    with transaction.atomic():
        qs = pending()
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        else:  # SQLite: the batch holds the single write lock, so keep it short for the web requests
            limit = min(limit, 20)
        batch = list(qs[:limit])
        _deliver_all(batch)
    return len(batch)


def work(
    *,
    once: bool = False,
    batch: int = 200,
    idle_sleep: float = 0.5,
    stop: threading.Event | None = None,
    log_every: float = 0.0,
) -> int:
    """The worker loop: deliver due events until there are none (`once`) or until `stop` is set.
    Returns the number of events claimed."""
    return workers.poll(
        lambda: deliver_batch(batch),
        name="event worker",
        once=once,
        idle_sleep=idle_sleep,
        stop=stop,
        log_every=log_every,
    )


def start_background_worker(idle_sleep: float = 0.5) -> threading.Event:
    """Run the worker in a daemon thread of this process (the demo server); set the returned event to stop."""
    return workers.start_in_thread(lambda stop: work(stop=stop, idle_sleep=idle_sleep), "civitas-events")
