"""Bulk import for machine clients (hotel systems, big landlords): all-or-nothing per batch, resumable.

A batch either lands whole or not at all; each rejected row is reported with its reasons. A batch id
that was accepted before returns the stored outcome (a retry after a timeout creates nothing new), and
every row carries an idempotency key (`<client>:<batch id>:<row>` unless the client gives one).

Two paths give the same outcome:

- the **set-based path** (`civitas.residence.bulk_plan`): every row is validated and verified in Python
  with the validators and rule functions of a single check-in, against data read with one query per
  kind (known persons, their current residencies and declarations, watch-list hits, the batch's rooms,
  locked in id order), then each table is written with one bulk insert, one audit record per batch and
  the domain events in bulk;
- the **per-row path** (`import_per_row`), the reference: each row through `do_declare` in a savepoint.
  Batches that change rooms (`supersedes_id`) or name registered persons by id take it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit
from civitas.residence.actions import DeclarationInput, do_declare
from civitas.residence.models import ImportBatch

MAX_ROWS = 5000
ATTEMPTS = 3  # a concurrent batch registering the same new person makes ours retry (then it finds the person)
DEADLOCK = "40P01"  # PostgreSQL's deadlock_detected


class _RollBack(Exception):
    pass


def errors_of(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


def row_key(acting_user: Any, batch_id: str, i: int, row: DeclarationInput) -> str:
    return row.idempotency_key or f"{acting_user.pk}:{batch_id}:{i}"


def outcome_of(
    batch_id: str, rows: int, created: list[dict[str, Any]], rejected: list[dict[str, Any]]
) -> dict[str, Any]:
    accepted = not rejected
    return {
        "batch_id": batch_id,
        "accepted": accepted,
        "replayed": False,
        "rows": rows,
        "created": created if accepted else [],
        "rejected": rejected,
    }


def store_outcome(batch_id: str, outcome: dict[str, Any], *, acting_user: Any) -> ImportBatch:
    batch, _created = ImportBatch.objects.update_or_create(
        client=acting_user,
        batch_id=batch_id,
        defaults={
            "received_at": timezone.now(),
            "rows": outcome["rows"],
            "accepted": outcome["accepted"],
            "outcome": outcome,
        },
    )
    return batch


def record_batch(batch: ImportBatch, *, acting_user: Any, declarations: list[int], persons: list[int]) -> None:
    """One audit record per accepted batch, naming every declaration filed and person registered."""
    audit.record(
        "residence.import_batch",
        actor=acting_user,
        obj=batch,
        new={"batch_id": batch.batch_id, "rows": batch.rows, "declarations": declarations, "persons": persons},
    )


def _needs_reference_path(rows: list[DeclarationInput]) -> bool:
    return any(r.supersedes_id or any(m.person is None for m in r.members) for r in rows)


def do_import_batch(batch_id: str, rows: list[DeclarationInput], *, acting_user: Any) -> dict[str, Any]:
    """Import `rows` as one unit: {batch_id, accepted, replayed, rows, created: [{row, id, number, status}],
    rejected: [{row, errors: [{field, message}]}]}."""
    from civitas.residence.bulk_plan import import_set_based

    if not batch_id.strip() or len(rows) > MAX_ROWS:
        raise ValidationError({"batch_id": [_("A batch has an id and at most {n} rows.").format(n=MAX_ROWS)]})
    for attempt in range(ATTEMPTS):
        done = ImportBatch.objects.filter(client=acting_user, batch_id=batch_id, accepted=True).first()
        if done is not None:
            return {**done.outcome, "replayed": True}
        if _needs_reference_path(rows):
            return import_per_row(batch_id, rows, acting_user=acting_user)
        try:
            return import_set_based(batch_id, rows, acting_user=acting_user)
        except (IntegrityError, OperationalError) as exc:
            # A concurrent import of the same batch, or of the same new person, committed first (or two
            # batches registering the same new people in opposite orders deadlocked): start again.
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK
            if attempt == ATTEMPTS - 1 or (isinstance(exc, OperationalError) and not deadlock):
                raise
    raise AssertionError("unreachable")


def import_per_row(batch_id: str, rows: list[DeclarationInput], *, acting_user: Any) -> dict[str, Any]:
    """The reference path: every row through `do_declare` (one savepoint each); any rejection rolls all back."""
    rejected: list[dict[str, Any]] = []
    created: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for i, row in enumerate(rows):
                row.batch_id = batch_id
                row.idempotency_key = row_key(acting_user, batch_id, i, row)
                try:
                    with transaction.atomic():
                        decl = do_declare(row, acting_user=acting_user)
                except ValidationError as exc:
                    rejected.append({"row": i, "errors": errors_of(exc)})
                    continue
                created.append({"row": i, "id": decl.pk, "number": decl.number, "status": decl.status})
            if rejected:
                raise _RollBack
            outcome = outcome_of(batch_id, len(rows), created, [])
            batch = store_outcome(batch_id, outcome, acting_user=acting_user)
            record_batch(batch, acting_user=acting_user, declarations=[c["id"] for c in created], persons=[])
            return outcome
    except _RollBack:
        pass
    outcome = outcome_of(batch_id, len(rows), [], rejected)
    store_outcome(batch_id, outcome, acting_user=acting_user)
    return outcome
