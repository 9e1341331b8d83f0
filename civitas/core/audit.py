"""Writing and verifying the hash-chained audit log.

Every action in an app's `actions.py` calls `record(...)` inside its transaction. Appends are
serialised by a row lock on the chain head, so the chain stays linear under concurrent writers.

The lock is held from the append until the transaction commits, so a hot action appends *last*: inside
`with audit.deferred():` (or `@audit.deferred()`) `record(...)` only queues the event; at the end of the
block every queued event is chained and written with one INSERT, the head locked just before the commit.
Concurrent check-ins then wait on each other only for that INSERT, one UPDATE and the COMMIT, not for their
whole transaction. The block must sit inside the action's transaction and end just before it commits.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civitas.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
_queue = threading.local()  # .pending: events queued by record() inside deferred(), else None


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _norm(value: Any) -> Any:
    """Canonical JSON-safe form that survives a round trip through PostgreSQL jsonb unchanged:
    floats become strings (jsonb would turn 1e16 into an integer), NULs are dropped, keys are strings."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {str(k): _norm(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_norm(v) for v in value]
    return _norm(_default(value))


def _jsonable(value: Any) -> Any:
    return None if value is None else _norm(value)


def _digest(prev_hash: str, ev: AuditEvent) -> str:
    body = {
        "seq": ev.seq,
        "at": ev.at.astimezone(_dt.UTC).isoformat(timespec="microseconds"),
        "actor": ev.actor_id,
        "actor_label": ev.actor_label,
        "action": ev.action,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "division_code": ev.division_code,
        "old": ev.old,
        "new": ev.new,
        "note": ev.note,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    division_code: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event (queued until the end of an enclosing `deferred()` block).
    `obj` fills object type/id (and division code if it has one)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        division_code = division_code or str(getattr(obj, "division_code", "") or "")
    user_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if not actor_label:
        actor_label = getattr(actor, "username", "") if user_id else (actor_label or "anonymous")
    ev = AuditEvent(
        actor_id=user_id,
        actor_label=actor_label[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        division_code=division_code,
        old=_jsonable(old),
        new=_jsonable(new),
        note=note[:300],
    )
    pending = getattr(_queue, "pending", None)
    if pending is not None:
        pending.append(ev)
    else:
        _append([ev])
    return ev


def _append(events: list[AuditEvent]) -> None:
    """Chain and write `events` under the head's row lock (held until the transaction ends)."""
    if not events:
        return
    with transaction.atomic(savepoint=False):  # an audit failure fails the whole action
        head = AuditChainHead.objects.select_for_update().filter(id=1).first()
        if head is None:
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        now = timezone.now()
        prev = head.hash
        for i, ev in enumerate(events, start=1):
            ev.seq, ev.at, ev.prev_hash = head.seq + i, now, prev
            ev.hash = prev = _digest(prev, ev)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        head.seq, head.hash = events[-1].seq, events[-1].hash
        head.save(update_fields=["seq", "hash"])


@contextmanager
def deferred() -> Iterator[None]:
    """Queue the `record(...)` calls made inside the block and append them together when it ends, taking
    the chain head's lock as late as possible. Use it inside the action's transaction, around its whole body.
    If the block raises, nothing is appended (the transaction rolls back anyway). Nested blocks join the
    outermost one. A record queued inside a savepoint that is rolled back while the block carries on stays
    queued, so do not catch the failure of an audited sub-action inside the block (roll the block back)."""
    if getattr(_queue, "pending", None) is not None:
        yield
        return
    _queue.pending = []
    try:
        yield
        pending = _queue.pending
    finally:
        _queue.pending = None
    _append(pending)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(batch: int = 5000) -> Iterator[ChainProblem]:
    """Yield every break in the chain: an edited row, a deleted row, or a head that does not match."""
    prev_hash = GENESIS
    expected_seq = 1
    last = 0
    qs = AuditEvent.objects.order_by("seq")
    for ev in qs.iterator(chunk_size=batch):
        if ev.seq != expected_seq:
            yield ChainProblem(ev.seq, f"missing events {expected_seq}..{ev.seq - 1} (deleted)")
        if ev.prev_hash != prev_hash:
            yield ChainProblem(ev.seq, "previous-hash link broken")
        if _digest(ev.prev_hash, ev) != ev.hash:
            yield ChainProblem(ev.seq, "content does not match its hash (edited)")
        prev_hash, expected_seq, last = ev.hash, ev.seq + 1, ev.seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None and last:
        yield ChainProblem(last, "chain head missing while events exist (tail deleted with the head)")
    if head is not None and (head.seq != last or head.hash != prev_hash):
        yield ChainProblem(last, "chain head does not match the last event (tail deleted or edited)")
