"""The one place where residence publishes facts for other apps (credit, permits, insight).

Kinds and payloads follow docs/contracts: every payload has declaration_id, person_id (tenant),
property_id, room_id, foreign; landlord-relevant events carry a "credit" instruction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from civitas.core import events
from civitas.core.models import DomainEvent
from civitas.residence.models import Declaration

VERIFIED = "residence.declaration_verified"
REJECTED = "residence.declaration_rejected"
LATE = "residence.declaration_late"
OVER_CAPACITY = "residence.over_capacity"
CHECKED_OUT = "residence.checked_out"
FINDING_WITHDRAWN = "residence.finding_withdrawn"
SCHEME = "landlord-12"


def _base(decl: Declaration, person_id: int) -> dict[str, Any]:
    return {
        "declaration_id": decl.pk,
        "number": decl.number,
        "person_id": person_id,
        "property_id": decl.property_id,
        "room_id": decl.room_id,
        "foreign": decl.foreign,
    }


def credit(decl: Declaration, rule: str, note: str) -> dict[str, Any]:
    return {
        "scheme": SCHEME,
        "rule": rule,
        "subject_type": "landlord",
        "subject_id": decl.property.landlord_id,
        "note": note,
    }


# Credit-note texts, built once. The late note's plural form is chosen by its `days` argument when it is
# formatted (`ngettext_lazy` with the number's name): called with the number itself, `ngettext_lazy` builds
# a new lazy class on every call, which a bulk import of thousands of late declarations paid once each.
_LATE_NOTE = ngettext_lazy(
    "Tenant declared {days} day late ({number}).", "Tenant declared {days} days late ({number}).", "days"
)
_OVER_CAPACITY_NOTE = gettext_lazy("Room {room}: {occupants} people for a capacity of {capacity}.")
_FALSE_INFORMATION_NOTE = gettext_lazy("Declaration {number} confirmed by the landlord was rejected as false.")


def _note(message: Any, **params: Any) -> str:
    """A credit note, stored with the ledger entry as its evidence: in the site's language (Chinese)."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return str(message.format(**params))
    with translation.override(settings.LANGUAGE_CODE):
        return str(message.format(**params))


def _person_ids(decl: Declaration) -> list[int]:
    cached = getattr(decl, "checked_members", None)  # set by do_declare on the declaration it just wrote
    if cached is not None:
        return [m.person_id for m in cached]
    return list(decl.members.order_by("id").values_list("person_id", flat=True))


def declarant_id(decl: Declaration) -> int:
    return _person_ids(decl)[0]


def _landlord_subject(decl: Declaration) -> tuple[str, int]:
    return ("landlord", decl.property.landlord_id)


def verified_payload(decl: Declaration, pid: int) -> dict[str, Any]:
    """(The payload builders are shared with the bulk import, which publishes with `events.emit_many`.)"""
    return {**_base(decl, pid), "move_in": decl.move_in.isoformat()}


def publish_verified(decl: Declaration) -> list[DomainEvent]:
    return [
        events.emit(
            VERIFIED,
            subject=("person", pid),
            division_code=decl.division_id,
            payload=verified_payload(decl, pid),
        )
        for pid in _person_ids(decl)
    ]


def publish_rejected(decl: Declaration, *, false_information: bool) -> DomainEvent:
    payload = {**_base(decl, declarant_id(decl)), "reason": decl.decision_note}
    if false_information:
        payload["credit"] = credit(
            decl,
            "false_information",
            _note(_FALSE_INFORMATION_NOTE, number=decl.number),
        )
    return events.emit(REJECTED, subject=_landlord_subject(decl), division_code=decl.division_id, payload=payload)


def late_payload(decl: Declaration, days_late: int, limit: str) -> dict[str, Any]:
    return {
        **_base(decl, declarant_id(decl)),
        "days_late": days_late,
        "limit": limit,
        "credit": credit(
            decl,
            "tenant_late",
            _note(_LATE_NOTE, days=days_late, number=decl.number),
        ),
    }


def publish_late(decl: Declaration, days_late: int, limit: str) -> DomainEvent:
    payload = late_payload(decl, days_late, limit)
    return events.emit(LATE, subject=_landlord_subject(decl), division_code=decl.division_id, payload=payload)


def over_capacity_payload(decl: Declaration, capacity: int, occupants: int) -> dict[str, Any]:
    return {
        **_base(decl, declarant_id(decl)),
        "capacity": capacity,
        "occupants": occupants,
        "credit": credit(
            decl,
            "group_renting",
            _note(_OVER_CAPACITY_NOTE, room=decl.room.number, occupants=occupants, capacity=capacity),
        ),
    }


def publish_over_capacity(decl: Declaration, capacity: int, occupants: int) -> DomainEvent:
    payload = over_capacity_payload(decl, capacity, occupants)
    return events.emit(OVER_CAPACITY, subject=_landlord_subject(decl), division_code=decl.division_id, payload=payload)


def publish_withdrawn(decl: Declaration, event_id: int, why: str) -> DomainEvent:
    payload = {**_base(decl, declarant_id(decl)), "credit_reverse_event": event_id, "reason": why}
    return events.emit(
        FINDING_WITHDRAWN, subject=_landlord_subject(decl), division_code=decl.division_id, payload=payload
    )


def publish_checked_out(decl: Declaration, person_id: int) -> DomainEvent:
    payload = {**_base(decl, person_id), "move_out": decl.move_out.isoformat() if decl.move_out else None}
    return events.emit(CHECKED_OUT, subject=("person", person_id), division_code=decl.division_id, payload=payload)
