"""Due process: appeals within the period, decided by another officer, reversed by a compensating entry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civitas.credit import actions, queries
from civitas.credit.choices import AppealStatus, EntryKind, ErrorCode
from civitas.credit.models import LedgerEntry


def test_an_upheld_appeal_restores_the_balance_with_a_compensating_entry(personas: dict[str, Any], record: Any) -> None:
    entry = record("household_file_incomplete", by="grid")
    appeal = actions.do_file_appeal(
        entry, reason="The file was complete; see the folder.", acting_user=personas["landlord"]
    )
    actions.do_decide_appeal(appeal, uphold=True, note="File found complete.", acting_user=personas["police"])
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert appeal.reversal is not None
    assert appeal.reversal.kind == EntryKind.REVERSAL and appeal.reversal.points == 4
    assert LedgerEntry.objects.get(pk=entry.pk).points == -4  # the original is never edited
    assert queries.balance("landlord-12", "landlord", personas["landlord_person"].pk) == 12


def test_the_officer_who_recorded_the_entry_cannot_decide_its_appeal(personas: dict[str, Any], record: Any) -> None:
    entry = record("fire_hazard", by="police")
    appeal = actions.do_file_appeal(entry, reason="No hazard.", acting_user=personas["landlord"])
    with pytest.raises(ValidationError) as exc:
        actions.do_decide_appeal(appeal, uphold=True, note="ok", acting_user=personas["police"])
    assert exc.value.error_dict["appeal"][0].code == ErrorCode.SAME_OFFICER
    with pytest.raises(PermissionDenied):
        actions.do_decide_appeal(appeal, uphold=True, note="ok", acting_user=personas["grid"])


def test_an_appeal_after_the_period_is_refused(personas: dict[str, Any], record: Any) -> None:
    entry = record("fire_hazard")
    late = timezone.localdate() + datetime.timedelta(days=16)
    with pytest.raises(ValidationError) as exc:
        actions.do_file_appeal(entry, reason="late", acting_user=personas["landlord"], today=late)
    assert exc.value.error_dict["entry"][0].code == ErrorCode.APPEAL_OUT_OF_TIME
    on_last_day = timezone.localdate() + datetime.timedelta(days=15)
    assert actions.do_file_appeal(entry, reason="in time", acting_user=personas["landlord"], today=on_last_day)


def test_only_the_subject_may_appeal_and_only_once(personas: dict[str, Any], record: Any) -> None:
    entry = record("fire_hazard")
    with pytest.raises(PermissionDenied):
        actions.do_file_appeal(entry, reason="x", acting_user=personas["landlord_other"])
    actions.do_file_appeal(entry, reason="x", acting_user=personas["landlord"])
    with pytest.raises(ValidationError):
        actions.do_file_appeal(entry, reason="again", acting_user=personas["landlord"])


def test_a_dismissed_appeal_keeps_the_deduction_and_tells_the_landlord(personas: dict[str, Any], record: Any) -> None:
    entry = record("fire_hazard", by="grid")
    appeal = actions.do_file_appeal(entry, reason="x", acting_user=personas["landlord"])
    actions.do_decide_appeal(appeal, uphold=False, note="Photo shows the hazard.", acting_user=personas["admin"])
    assert queries.balance("landlord-12", "landlord", personas["landlord_person"].pk) == 10
    assert entry.notifications.filter(text__contains="Photo shows the hazard.").exists()
    with pytest.raises(ValidationError):
        actions.do_decide_appeal(appeal, uphold=True, note="changed mind", acting_user=personas["police"])


def test_additions_cannot_be_appealed(personas: dict[str, Any], record: Any) -> None:
    entry = record("smart_access")
    with pytest.raises(ValidationError):
        actions.do_file_appeal(entry, reason="x", acting_user=personas["landlord"])
