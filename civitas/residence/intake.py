"""Asynchronous check-in intake for machine clients (hotel and employer systems).

A `POST /api/residence/declarations` with `Prefer: respond-async` (RFC 7240) runs every check that can fail
fast without the register (`actions.precheck`: input, documents, phones, dates, purpose), then stores ONE
`CheckinSubmission` (the body encrypted, unique per client and idempotency key) with a single statement that
also checks the room (it exists, its property is let out) — `INSERT ... SELECT ... ON CONFLICT DO NOTHING
RETURNING` — and answers 202. A retry with the same key returns the stored submission and stores nothing.

The intake worker (`manage.py residence_intake_work`, and a thread of `civitas serve`) files the submissions
in claims: one transaction claims up to `CLAIM` due submissions in id order (on PostgreSQL with
`SELECT ... FOR UPDATE SKIP LOCKED`, so several workers never file the same one) and files each client's
submissions of the claim **set-based**, with the bulk import's machinery (`bulk_plan.file_independent`: the
same validators and rule functions as `actions.do_declare`, the rooms locked in id order, bulk inserts, the
events with `emit_many`) and one audit record per client and claim naming every submission, declaration and
person. Submissions stay independent: one the register refuses is rejected with its errors while the others
are filed, exactly as filing each through `do_declare` in its own savepoint would (the tests compare both).

Submissions that change rooms or name a person by id, a payload that cannot be read, and every submission of
a set-based filing that failed (a concurrent check-in registered the same new person first, a deadlock, a
bug) are filed ONE AT A TIME through `actions.do_declare` after the claim commits, each in its own
transaction (the reference path, `process_one`).

Outcomes: `processed` (the declaration, whatever its verification status: verified, flagged, awaiting the
landlord), `rejected` (a validation error of the action, recorded as field + message, as a synchronous 422
would give), or, for an unexpected exception on the one-at-a-time path, still `received` with an attempt more
and a growing back-off (like the events outbox), without holding up the submissions behind it.

Order: within a client's submissions of a claim, in id order (the capacity rule sees the earlier ones); the
clients of one claim are filed one after the other, and concurrent workers' claims interleave by room lock,
as concurrent synchronous check-ins do.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
import threading
import time
from collections import defaultdict
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, workers
from civitas.core.db import bound_cursor
from civitas.people.identity import document_index
from civitas.places.choices import PropertyStatus
from civitas.places.models import Room
from civitas.privacy.crypto import decrypt, encrypt
from civitas.residence import actions, bulk_plan
from civitas.residence.choices import SubmissionStatus
from civitas.residence.models import CheckinSubmission, Declaration

log = logging.getLogger("civitas.residence.intake")
CONTEXT = "residence.submission"
MAX_BACKOFF_SECONDS = 3600
CLAIM = 200  # submissions claimed and filed together in one transaction
PEAK_RATE = 50.0  # the worker command's --defer-above: arrivals per second above which filing waits ...
MAX_LAG = 300.0  # ... for at most this many seconds (--max-lag)
KEY_MAX: int = CheckinSubmission._meta.get_field("key").max_length  # type: ignore[assignment]  # longer: digest


def prefers_async(prefer_header: str) -> bool:
    """True if an HTTP `Prefer` header (RFC 7240) asks for `respond-async`."""
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in prefer_header.split(","))


def submission_key(client_key: str | None, data: actions.DeclarationInput, declarant_index: str | None = None) -> str:
    """The client's idempotency key (its SHA-256 digest if longer than the column), or — as the synchronous
    path deduplicates by declarant, room and move-in date — a digest of those (the declarant's document by
    its blind index, never in clear; `declarant_index` when the caller has already computed it)."""
    key = (client_key or "").strip()
    if key:
        return key if len(key) <= KEY_MAX else "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    first = data.members[0] if data.members else None
    if first is None:
        who = ""
    elif first.person is None:
        who = f"person:{first.person_id}"
    else:
        who = declarant_index or document_index(first.person.doc_number.strip().upper().replace(" ", ""))
    raw = f"{data.room_id}|{data.move_in.isoformat()}|{who}"
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()


def check_room(room_id: int) -> None:
    """The room checks of `do_declare` (exists, property let out), read without a lock."""
    room = Room.objects.select_related("property").filter(pk=room_id).first()
    if room is None:
        raise ValidationError({"room": [_("Choose a room of this property.")]})
    if room.property.status != PropertyStatus.ACTIVE:
        raise ValidationError({"room": [_("This property is not registered as let out; ask the landlord.")]})


def _stored(client: Any, key: str) -> CheckinSubmission | None:
    return CheckinSubmission.objects.filter(client=client, key=key).first()


def _column(model: Any, name: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(name).column))


@functools.cache
def _insert_sql(vendor: str) -> tuple[str, list[Any]]:
    """`INSERT ... SELECT <values> FROM room JOIN property WHERE <room let out> ON CONFLICT DO NOTHING RETURNING id`:
    stores the submission only if its room exists, its property is let out and the client has not used the
    key (PostgreSQL and SQLite >= 3.35 both speak it)."""
    q = connection.ops.quote_name
    fields = [f for f in CheckinSubmission._meta.concrete_fields if not f.primary_key]
    prop = Room._meta.get_field("property").related_model
    sql = (
        f"INSERT INTO {q(CheckinSubmission._meta.db_table)} ({', '.join(q(str(f.column)) for f in fields)}) "
        f"SELECT {', '.join(['%s'] * len(fields))} FROM {q(Room._meta.db_table)} r "
        f"JOIN {q(prop._meta.db_table)} p ON p.{_column(prop, 'id')} = r.{_column(Room, 'property')} "
        f"WHERE r.{_column(Room, 'id')} = %s AND p.{_column(prop, 'status')} = %s "
        f"ON CONFLICT ({_column(CheckinSubmission, 'client')}, {_column(CheckinSubmission, 'key')}) DO NOTHING "
        f"RETURNING {_column(CheckinSubmission, 'id')}"
    )
    return sql, fields


_RECEIVED_WITH = ("client", "key", "source", "payload_enc", "received_at")  # what a new submission sets


@functools.cache
def _default_params(vendor: str) -> dict[str, Any]:
    """The prepared database values of the fields a new submission leaves at their defaults (status
    received, no errors, no attempts ...): the same for every submission, so prepared once."""
    _sql, fields = _insert_sql(vendor)
    varying = [
        f.name
        for f in fields
        if f.name not in _RECEIVED_WITH and f.has_default() and callable(f.default) and f.default not in (list, dict)
    ]
    if varying:  # a default computed per row (a clock, a counter) cannot be prepared once
        raise ImproperlyConfigured(f"CheckinSubmission fields with a per-row default: {varying}")
    return {f.name: f.get_db_prep_save(f.get_default(), connection) for f in fields if f.name not in _RECEIVED_WITH}


def _insert_if_room_let(sub: CheckinSubmission, room_id: int) -> bool:
    """Store `sub` in one statement if its room is let out and its key unused; True if it was stored.
    `sub` must be new, with only the fields of `_RECEIVED_WITH` set (the others are stored at their default)."""
    sql, fields = _insert_sql(connection.vendor)
    given = {
        "client": sub.client_id,
        "key": sub.key,
        "source": sub.source,
        "payload_enc": sub.payload_enc,
        "received_at": connection.ops.adapt_datetimefield_value(sub.received_at),
    }
    defaults = _default_params(connection.vendor)
    params = [given[f.name] if f.name in given else defaults[f.name] for f in fields]
    with bound_cursor() as c:  # the encrypted body is sent as a parameter, not escaped into the SQL text
        c.execute(sql, [*params, room_id, str(PropertyStatus.ACTIVE)])
        row = c.fetchone()
    if row is None:
        return False
    sub.pk = row[0]
    sub._state.adding, sub._state.db = False, connection.alias
    return True


def do_receive(
    body: dict[str, Any] | str, data: actions.DeclarationInput, *, client_key: str | None, acting_user: Any
) -> tuple[CheckinSubmission, bool]:
    """Accept a submission after the fast checks; a retry with the same key (`client_key`, or without one
    the same declarant, room and move-in date: `submission_key`) returns the stored one (`created` False) and
    stores nothing. `body` is the request body (JSON text, or a dict to serialise). The filed declaration is
    audited when the worker files it.

    One statement on the way in (no explicit transaction: the statement is its own): the insert that also
    checks the room. Only when it stores nothing is the reason read — the key was used (the stored submission
    is returned) or the room is unknown or not let out (the synchronous path's 422)."""
    try:
        declarant_index = actions.precheck(data)
    except ValidationError:
        found = _stored(acting_user, submission_key(client_key, data))  # a retry of one stored earlier
        if found is not None:
            return found, False
        raise
    key = submission_key(client_key, data, declarant_index)
    text = body if isinstance(body, str) else json.dumps(body, default=str, ensure_ascii=False)
    sub = CheckinSubmission(
        client=acting_user,
        key=key,
        source=data.source,
        payload_enc=encrypt(text, context=CONTEXT),
        received_at=timezone.now(),
    )
    for _attempt in range(2):
        if _insert_if_room_let(sub, data.room_id):
            return sub, True
        found = _stored(acting_user, key)
        if found is not None:
            return found, False
        check_room(data.room_id)  # raises the synchronous path's room error
        # Neither: the room was let out, or the stored submission removed, between the two statements.
    raise ValidationError({"room": [_("This property is not registered as let out; ask the landlord.")]})


def payload_of(sub: CheckinSubmission) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(decrypt(sub.payload_enc, context=CONTEXT))
    return result


def errors_of(exc: ValidationError | PermissionDenied) -> list[dict[str, str]]:
    """Field + message pairs, as the API's 422 body gives them."""
    if isinstance(exc, PermissionDenied):
        return [{"field": "__all__", "message": str(exc)}]
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


def _input_of(sub: CheckinSubmission) -> actions.DeclarationInput:
    """The submission as the action's input. Its declaration carries the client's idempotency key, else
    `intake:<submission id>`, on either path (so a submission files at most one declaration)."""
    from civitas.residence.api import DeclarationIn, _input

    data = _input(DeclarationIn.model_validate(payload_of(sub)), sub.source)
    data.idempotency_key = data.idempotency_key or f"intake:{sub.pk}"
    return data


def due() -> Any:
    """Received submissions that are due, oldest first."""
    now = timezone.now()
    return (
        CheckinSubmission.objects.filter(status=SubmissionStatus.RECEIVED)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
    )


def _claimable() -> Any:
    qs = due().select_related("client")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 5 * 2 ** max(0, attempts - 1)))


def _file_one(sub: CheckinSubmission) -> None:
    """File one claimed submission through `do_declare` (the reference path), inside the caller's transaction."""
    now = timezone.now()
    try:
        with transaction.atomic():  # a failure rolls back the action only, not the claim
            decl: Declaration = actions.do_declare(_input_of(sub), acting_user=sub.client)
    except (ValidationError, PermissionDenied) as exc:
        sub.status, sub.error, sub.processed_at = SubmissionStatus.REJECTED, errors_of(exc), now
        sub.save(update_fields=["status", "error", "processed_at"])
    except Exception as exc:  # a bug or a lost race: retry later, never block the submissions behind
        log.exception("intake: submission #%s failed", sub.pk)
        sub.attempts += 1
        sub.next_attempt_at = now + _backoff(sub.attempts)
        sub.last_error = f"{type(exc).__name__}"[:300]  # no message: it could echo personal data
        sub.save(update_fields=["attempts", "next_attempt_at", "last_error"])
    else:
        sub.status, sub.declaration, sub.processed_at, sub.error = SubmissionStatus.PROCESSED, decl, now, []
        sub.save(update_fields=["status", "declaration", "processed_at", "error"])


def process_one(pk: int | None = None) -> CheckinSubmission | None:
    """Claim the oldest due submission (or submission `pk`, if still due and not claimed by another worker)
    and file it through `do_declare`, in one transaction; None when there is none."""
    with transaction.atomic():
        qs = _claimable()
        sub = (qs.filter(pk=pk) if pk is not None else qs).first()
        if sub is None:
            return None
        _file_one(sub)
        return sub


def _set_based(data: actions.DeclarationInput) -> bool:
    """The bulk import's rule: room changes and persons named by id take the reference path."""
    return not data.supersedes_id and all(m.person is not None for m in data.members)


def _file_client(client: Any, group: list[tuple[CheckinSubmission, actions.DeclarationInput]]) -> dict[str, Any]:
    """File one client's claimed submissions set-based and record each outcome on its submission."""
    filed = bulk_plan.file_independent([data for _sub, data in group], acting_user=client)
    now = timezone.now()
    subs = [sub for sub, _data in group]
    processed = []
    for c in filed["created"]:
        sub = subs[c["row"]]
        sub.status, sub.declaration_id, sub.processed_at, sub.error = SubmissionStatus.PROCESSED, c["id"], now, []
        processed.append(sub)
    _mark_processed(processed, now)
    for r in filed["rejected"]:  # rare: what only the register can refuse
        sub = subs[r["row"]]
        sub.status, sub.error, sub.processed_at = SubmissionStatus.REJECTED, r["errors"], now
        sub.save(update_fields=["status", "error", "processed_at"])
    return filed


def _mark_processed(subs: list[CheckinSubmission], now: datetime.datetime, chunk: int = 250) -> None:
    """Record the declarations of filed submissions: one UPDATE per `chunk` (a CASE on the id; Django's
    `bulk_update` builds the same statement but spends far longer in Python). A received submission's
    `error` is already empty."""
    q = connection.ops.quote_name
    table, pk = q(CheckinSubmission._meta.db_table), _column(CheckinSubmission, "id")
    when = _column(CheckinSubmission, "processed_at")
    status, decl = _column(CheckinSubmission, "status"), _column(CheckinSubmission, "declaration")
    stamp = CheckinSubmission._meta.get_field("processed_at").get_db_prep_save(now, connection)
    for i in range(0, len(subs), chunk):
        part = subs[i : i + chunk]
        cases = " ".join(["WHEN %s THEN %s"] * len(part))
        sql = (
            f"UPDATE {table} SET {status} = %s, {when} = %s, {decl} = CASE {pk} {cases} END "
            f"WHERE {pk} IN ({', '.join(['%s'] * len(part))})"
        )
        params: list[Any] = [SubmissionStatus.PROCESSED, stamp]
        for sub in part:
            params += [sub.pk, sub.declaration_id]
        params += [sub.pk for sub in part]
        with connection.cursor() as c:
            c.execute(sql, params)


def process_claim(size: int = CLAIM) -> int:
    """Claim up to `size` due submissions and file them: set-based per client in the claim's transaction,
    the rest one at a time afterwards. Returns how many were claimed (0: none is due)."""
    one_at_a_time: list[int] = []
    with transaction.atomic():
        subs = list(_claimable()[:size])
        if not subs:
            return 0
        groups: dict[int, list[tuple[CheckinSubmission, actions.DeclarationInput]]] = defaultdict(list)
        for sub in subs:
            try:
                data = _input_of(sub)
            except Exception:  # an unreadable payload: the reference path records the failure and backs off
                one_at_a_time.append(sub.pk)
                continue
            if _set_based(data):
                groups[sub.client_id].append((sub, data))
            else:
                one_at_a_time.append(sub.pk)
        audited: list[tuple[Any, list[tuple[CheckinSubmission, actions.DeclarationInput]], dict[str, Any]]] = []
        for group in groups.values():
            try:
                with transaction.atomic():
                    audited.append((group[0][0].client, group, _file_client(group[0][0].client, group)))
            except Exception as exc:  # nothing of the group was written: file its submissions one at a time
                log.warning(
                    "intake: set-based filing of %d submissions failed (%s); filing them one at a time",
                    len(group),
                    type(exc).__name__,
                    exc_info=not isinstance(exc, IntegrityError | OperationalError),  # a lost race is expected
                )
                one_at_a_time += [sub.pk for sub, _data in group]
        with audit.deferred():  # the chain head is locked just before the commit
            for client, group, filed in audited:
                if filed["declarations"]:
                    audit.record(
                        "residence.intake_batch",
                        actor=client,
                        obj=group[0][0],
                        new={
                            "submissions": [sub.pk for sub, _data in group],
                            "declarations": filed["declarations"],
                            "persons": filed["persons"],
                        },
                    )
    for pk in sorted(one_at_a_time):
        process_one(pk)
    return len(subs)


class Pacer:
    """Defers filing while submissions arrive fast, so that at a peak the server's capacity goes to accepting
    them, and files them when the peak has passed, never later than `max_lag` seconds after they arrived.

    Accepting a submission is one INSERT; filing a claim is far more work (people, declarations, results,
    audit, events). At a peak the accepts alone keep the cores busy (97-99 % in the benchmark,
    `docs/benchmarks/residence.md`, session 8), so filing beside them takes cores and log writes from them
    and the accepted rate falls. So the worker measures the arrival rate (the growth of the submissions' ids,
    which every accepted or retried submission advances, over at least `window` seconds) and, while it is
    above `above` per second, files only what has waited `max_lag` seconds. Arrivals slower than that, or a
    backlog older than that, are filed at once; so is everything by `work(once=True)`. A worker that starts
    waits one `window` to measure the rate before it files anything but that overdue backlog.

    The filing order and outcome are unchanged; only when filing starts moves. A submission's declaration
    (and its verification, flags and events) appears up to `max_lag` seconds later at a peak: minutes, where
    the rules give days (a foreigner's registration within 24 hours)."""

    def __init__(
        self,
        above: float,
        max_lag: float,
        *,
        window: float = 1.0,
        clock: Any = time.monotonic,
    ) -> None:
        self.above, self.max_lag, self.window, self.clock = above, max_lag, window, clock
        self._seen: tuple[float, int] | None = None
        self._busy = True  # until the first rate is measured: a worker (re)started at a peak must not file into it

    def arrival_rate(self) -> float | None:
        """Submissions per second since the last look at least `window` seconds ago (None: too soon, or the
        first look)."""
        now = self.clock()
        if self._seen is not None and now - self._seen[0] < self.window:
            return None
        top = CheckinSubmission.objects.order_by("-id").values_list("id", flat=True).first() or 0
        seen, self._seen = self._seen, (now, top)
        return None if seen is None else (top - seen[1]) / (now - seen[0])

    def defer(self) -> bool:
        """True to leave the due submissions for now (arrivals above the rate, none older than `max_lag`)."""
        rate = self.arrival_rate()
        if rate is not None:
            self._busy = rate > self.above
        if not self._busy:
            return False
        oldest = due().values_list("received_at", flat=True).first()
        return oldest is not None and (timezone.now() - oldest).total_seconds() < self.max_lag


def process_batch(limit: int = 100, claim: int = CLAIM, pacer: Pacer | None = None) -> int:
    """File up to `limit` due submissions, in claims of up to `claim`; returns how many were claimed. With a
    `pacer`, stops before a claim that it defers."""
    n = 0
    while n < limit:
        if pacer is not None and pacer.defer():
            break
        got = process_claim(min(claim, limit - n))
        if not got:
            break
        n += got
    return n


def work(
    *,
    once: bool = False,
    batch: int = 1000,
    claim: int = CLAIM,
    idle_sleep: float = 0.5,
    stop: threading.Event | None = None,
    defer_above: float = 0.0,
    max_lag: float = MAX_LAG,
) -> int:
    """The intake worker loop: file due submissions until there are none (`once`) or `stop` is set. With
    `defer_above` (submissions per second, 0: never), filing waits out peaks (`Pacer`), except with `once`."""
    pacer = Pacer(defer_above, max_lag) if defer_above > 0 and not once else None
    return workers.poll(
        lambda: process_batch(batch, claim, pacer), name="intake worker", once=once, idle_sleep=idle_sleep, stop=stop
    )


def start_background_worker(idle_sleep: float = 0.5) -> threading.Event:
    """Run the intake worker in a daemon thread of this process (the demo server)."""
    return workers.start_in_thread(lambda stop: work(stop=stop, idle_sleep=idle_sleep), "civitas-intake")
