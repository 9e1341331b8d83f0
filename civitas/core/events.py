"""Publishing and consuming domain events.

    emit("residence.declaration_late", subject=("person", landlord.pk), division_code=..., payload={...})

Handlers subscribed to a kind run after the publishing transaction commits (so a rolled-back action
publishes nothing). Every handler must be idempotent by `event.pk`: `replay()` may call it again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from civitas.core.models import DomainEvent

log = logging.getLogger("civitas.events")
Handler = Callable[[DomainEvent], None]
_HANDLERS: dict[str, list[Handler]] = {}


def subscribe(kind: str, handler: Handler) -> None:
    if handler not in _HANDLERS.setdefault(kind, []):
        _HANDLERS[kind].append(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_HANDLERS.get(kind, [])) + list(_HANDLERS.get("*", []))


def dispatch(event: DomainEvent) -> None:
    """Run every handler; one consumer's failure never breaks the publisher or the other consumers.
    The event stays stored, so a fixed consumer catches up with `replay()`."""
    for handler in handlers_for(event.kind):
        try:
            handler(event)
        except Exception:
            log.exception(
                "event %s #%s: handler %s failed", event.kind, event.pk, getattr(handler, "__name__", handler)
            )


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
    transaction.on_commit(lambda: dispatch(event))
    return event


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
