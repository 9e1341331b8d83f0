"""Asynchronous check-in intake for machine clients (hotel and employer systems).

A `POST /api/residence/declarations` with `Prefer: respond-async` (RFC 7240) runs every check that can fail
fast without the register (`actions.precheck`: input, documents, phones, dates, purpose; the room exists and
is let out), stores ONE `CheckinSubmission` (the body encrypted, unique per client and idempotency key) and
answers 202. The intake worker (`manage.py residence_intake_work`, and a thread of `civitas serve`) then
files each submission through `actions.do_declare` — the synchronous path's action, with its room lock,
rules, audit and events — one transaction per submission, in id order. On PostgreSQL the worker claims a
submission with `SELECT ... FOR UPDATE SKIP LOCKED`, so several workers never file the same one.

Outcomes: `processed` (the declaration, whatever its verification status: verified, flagged, awaiting the
landlord), `rejected` (a validation error of the action, recorded as field + message, as a synchronous 422
would give), or, for an unexpected exception, still `received` with an attempt more and a growing back-off
(like the events outbox), without holding up the submissions behind it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import workers
from civitas.people.identity import document_index
from civitas.places.choices import PropertyStatus
from civitas.places.models import Room
from civitas.privacy.crypto import decrypt, encrypt
from civitas.residence import actions
from civitas.residence.choices import SubmissionStatus
from civitas.residence.models import CheckinSubmission, Declaration

log = logging.getLogger("civitas.residence.intake")
CONTEXT = "residence.submission"
MAX_BACKOFF_SECONDS = 3600


def prefers_async(prefer_header: str) -> bool:
    """True if an HTTP `Prefer` header (RFC 7240) asks for `respond-async`."""
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in prefer_header.split(","))


def submission_key(client_key: str | None, data: actions.DeclarationInput) -> str:
    """The client's idempotency key, or — as the synchronous path deduplicates by declarant, room and
    move-in date — a digest of those (the declarant's document by its blind index, never in clear)."""
    if client_key and client_key.strip():
        return client_key.strip()[:80]
    first = data.members[0] if data.members else None
    who = ""
    if first is not None and first.person is not None:
        who = document_index(first.person.doc_number.strip().upper().replace(" ", ""))
    elif first is not None:
        who = f"person:{first.person_id}"
    raw = f"{data.room_id}|{data.move_in.isoformat()}|{who}"
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()


def check_room(room_id: int) -> None:
    """The room checks of `do_declare` (exists, property let out), read without a lock."""
    room = Room.objects.select_related("property").filter(pk=room_id).first()
    if room is None:
        raise ValidationError({"room": [_("Choose a room of this property.")]})
    if room.property.status != PropertyStatus.ACTIVE:
        raise ValidationError({"room": [_("This property is not registered as let out; ask the landlord.")]})


@transaction.atomic
def do_receive(
    body: dict[str, Any], data: actions.DeclarationInput, *, key: str, acting_user: Any
) -> tuple[CheckinSubmission, bool]:
    """Accept a submission after the fast checks; a retry with the same key returns the stored one
    (`created` False) and stores nothing. The filed declaration is audited when the worker files it."""
    found = CheckinSubmission.objects.filter(client=acting_user, key=key).first()
    if found is not None:
        return found, False
    actions.precheck(data)
    check_room(data.room_id)
    sub = CheckinSubmission(
        client=acting_user,
        key=key,
        source=data.source,
        payload_enc=encrypt(json.dumps(body, default=str, ensure_ascii=False), context=CONTEXT),
        received_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            sub.save(force_insert=True)
    except IntegrityError:  # a concurrent retry with the same key won the race
        found = CheckinSubmission.objects.filter(client=acting_user, key=key).first()
        if found is None:
            raise
        return found, False
    return sub, True


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
    from civitas.residence.api import DeclarationIn, _input

    return _input(DeclarationIn.model_validate(payload_of(sub)), sub.source)


def due() -> Any:
    """Received submissions that are due, oldest first."""
    now = timezone.now()
    return (
        CheckinSubmission.objects.filter(status=SubmissionStatus.RECEIVED)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
    )


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 5 * 2 ** max(0, attempts - 1)))


def process_one() -> CheckinSubmission | None:
    """Claim the oldest due submission and file it, in one transaction; None when none is due."""
    with transaction.atomic():
        qs = due().select_related("client")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        sub = qs.first()
        if sub is None:
            return None
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
        return sub


def process_batch(limit: int = 100) -> int:
    """File up to `limit` due submissions, each in its own transaction; returns how many were claimed."""
    n = 0
    while n < limit and process_one() is not None:
        n += 1
    return n


def work(*, once: bool = False, batch: int = 100, idle_sleep: float = 0.5, stop: threading.Event | None = None) -> int:
    """The intake worker loop: file due submissions until there are none (`once`) or `stop` is set."""
    return workers.poll(lambda: process_batch(batch), name="intake worker", once=once, idle_sleep=idle_sleep, stop=stop)


def start_background_worker(idle_sleep: float = 0.5) -> threading.Event:
    """Run the intake worker in a daemon thread of this process (the demo server)."""
    return workers.start_in_thread(lambda stop: work(stop=stop, idle_sleep=idle_sleep), "civitas-intake")
