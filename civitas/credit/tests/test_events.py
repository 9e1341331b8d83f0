"""The automatic path: domain events with a "credit" instruction become exactly one ledger entry each."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.core import events
from civitas.core.models import AuditEvent
from civitas.credit import actions, queries
from civitas.credit.choices import EntryKind, ErrorCode
from civitas.credit.models import LedgerEntry


def _late_declaration(personas: dict[str, Any], capture: Any, **extra: Any) -> Any:
    landlord = personas["landlord_person"]
    with capture(execute=True):
        return events.emit(
            "residence.declaration_late",
            subject=("landlord", landlord.pk),
            division_code=personas["property"].division_id,
            payload={
                "declaration_id": 1,
                "person_id": 99,
                "property_id": personas["property"].pk,
                "room_id": None,
                "foreign": False,
                "days_late": 2,
                "limit": "3 days",
                "credit": {
                    "scheme": "landlord-12",
                    "rule": "tenant_late",
                    "subject_type": "landlord",
                    "subject_id": landlord.pk,
                    "note": "tenant declared 2 days late",
                },
                **extra,
            },
        )


def test_an_event_with_a_credit_instruction_makes_exactly_one_entry(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _late_declaration(personas, django_capture_on_commit_callbacks)
    entry = LedgerEntry.objects.get(source_event=event)
    assert (entry.rule.code, entry.points, entry.division_code) == ("tenant_late", -1, "330782001001001")
    assert "tenant declared 2 days late" in entry.text("en")
    assert queries.balance("landlord-12", "landlord", personas["landlord_person"].pk) == 11


def test_replaying_the_same_event_never_deducts_twice(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _late_declaration(personas, django_capture_on_commit_callbacks)
    events.replay()
    actions.handle_event(event)
    assert LedgerEntry.objects.filter(source_event=event).count() == 1
    assert queries.balance("landlord-12", "landlord", personas["landlord_person"].pk) == 11


def test_applying_an_event_twice_by_hand_is_a_clear_duplicate_error(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = _late_declaration(personas, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        actions.do_apply_event_credit(event)
    assert exc.value.error_dict["event"][0].code == ErrorCode.DUPLICATE_EVENT


def test_a_reversing_event_compensates_the_entry_it_names(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    landlord = personas["landlord_person"]
    with django_capture_on_commit_callbacks(execute=True):
        found = events.emit(
            "inspections.hazard_confirmed",
            subject=("landlord", landlord.pk),
            division_code=personas["property"].division_id,
            payload={
                "credit": {
                    "scheme": "landlord-12",
                    "rule": "escape_window_blocked",
                    "subject_type": "landlord",
                    "subject_id": landlord.pk,
                }
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        annulled = events.emit(
            "inspections.hazard_annulled",
            subject=("landlord", landlord.pk),
            payload={"credit_reverse_event": found.pk},
        )
    events.replay()
    reversal = LedgerEntry.objects.get(source_event=annulled)
    assert reversal.kind == EntryKind.REVERSAL and reversal.points == 3
    assert reversal.reverses is not None and reversal.reverses.source_event_id == found.pk
    assert queries.balance("landlord-12", "landlord", landlord.pk) == 12


def test_an_event_naming_a_rule_not_in_force_is_rejected_and_audited(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    landlord = personas["landlord_person"]
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(
            "residence.declaration_late",
            subject=("landlord", landlord.pk),
            occurred_at=timezone.make_aware(datetime.datetime(2019, 6, 1, 12)),
            payload={
                "credit": {
                    "scheme": "landlord-12",
                    "rule": "tenant_late",
                    "subject_type": "landlord",
                    "subject_id": landlord.pk,
                }
            },
        )
    assert not LedgerEntry.objects.exists()
    rejected = AuditEvent.objects.get(action="credit.event_rejected")
    assert "not in force on 2019-06-01" in rejected.note


def test_events_without_credit_instructions_are_ignored(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("inspections.hazard_closed", payload={"hazard": 1})
    assert not LedgerEntry.objects.exists()


def test_a_merchant_event_scores_the_merchant_credit(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from civitas.testing.factories import foreigner

    merchant = foreigner("OMAR HASSAN", division=personas["g1"])
    actions.do_open_merchant_file(merchant, trade_name="Omar Trading", acting_user=personas["police"])
    assert (queries.merchant_grade(merchant.pk) or {}).get("grade") == "B"
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(
            "mediation.agreement_breached",
            subject=("person", merchant.pk),
            payload={
                "credit": {
                    "scheme": "merchant-credit",
                    "rule": "agreement_breached",
                    "subject_type": "merchant",
                    "subject_id": merchant.pk,
                }
            },
        )
    grade = queries.merchant_grade(merchant.pk)
    assert grade is not None
    assert (grade["grade"], grade["stars"], grade["points"]) == ("C", 3, 90)
    assert queries.merchant_grade(personas["landlord_person"].pk) is None
