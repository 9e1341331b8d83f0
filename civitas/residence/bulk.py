"""Bulk import for machine clients (hotel systems, big landlords): all-or-nothing per batch, resumable.

A batch either lands whole or not at all; each rejected row is reported with its reasons. A batch id
that was accepted before returns the stored outcome (a retry after a timeout creates nothing new), and
every row carries an idempotency key (`<batch id>:<row>` unless the client gives one).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit
from civitas.residence.actions import DeclarationInput, do_declare
from civitas.residence.models import ImportBatch

MAX_ROWS = 5000


class _RollBack(Exception):
    pass


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


def do_import_batch(batch_id: str, rows: list[DeclarationInput], *, acting_user: Any) -> dict[str, Any]:
    """Import `rows` as one unit: {batch_id, accepted, replayed, created, rejected: [{row, errors}]}."""
    if not batch_id.strip() or len(rows) > MAX_ROWS:
        raise ValidationError({"batch_id": [_("A batch has an id and at most {n} rows.").format(n=MAX_ROWS)]})
    done = ImportBatch.objects.filter(client=acting_user, batch_id=batch_id, accepted=True).first()
    if done is not None:
        return {**done.outcome, "replayed": True}
    rejected: list[dict[str, Any]] = []
    created: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for i, row in enumerate(rows):
                row.batch_id = batch_id
                row.idempotency_key = row.idempotency_key or f"{acting_user.pk}:{batch_id}:{i}"
                try:
                    with transaction.atomic():
                        decl = do_declare(row, acting_user=acting_user)
                except ValidationError as exc:
                    rejected.append({"row": i, "errors": _errors(exc)})
                    continue
                created.append({"row": i, "id": decl.pk, "number": decl.number, "status": decl.status})
            if rejected:
                raise _RollBack
            outcome = {
                "batch_id": batch_id,
                "accepted": True,
                "replayed": False,
                "rows": len(rows),
                "created": created,
                "rejected": [],
            }
            ImportBatch.objects.update_or_create(
                client=acting_user,
                batch_id=batch_id,
                defaults={
                    "received_at": timezone.now(),
                    "rows": len(rows),
                    "accepted": True,
                    "outcome": outcome,
                },
            )
            audit.record(
                "residence.import_batch",
                actor=acting_user,
                object_type="residence.importbatch",
                object_id=batch_id,
                new={"rows": len(rows)},
            )
            return outcome
    except _RollBack:
        pass
    outcome = {
        "batch_id": batch_id,
        "accepted": False,
        "replayed": False,
        "rows": len(rows),
        "created": [],
        "rejected": rejected,
    }
    ImportBatch.objects.update_or_create(
        client=acting_user,
        batch_id=batch_id,
        defaults={"received_at": timezone.now(), "rows": len(rows), "accepted": False, "outcome": outcome},
    )
    return outcome
