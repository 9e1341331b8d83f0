"""Annual endorsement: the window, reminders, suspension when missed, late endorsement restarting the
residence-years counter, expiry, and cancellation when the holder leaves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase

from civitas.core import sms
from civitas.core.models import DomainEvent
from civitas.permits import actions
from civitas.permits.choices import CancelReason, PermitStatus, ReminderKind
from civitas.permits.eligibility import Period
from civitas.permits.models import Reminder
from civitas.permits.tests.helpers import issued_permit

D = datetime.date


@pytest.fixture
def permit(resident: Any, personas: Any, today: Any) -> Any:
    today(D(2026, 6, 1))
    return issued_permit(resident, personas["police"], D(2026, 6, 10))  # endorse by 2027-06-10


def test_endorsement_before_the_window_is_refused_with_the_opening_date(permit: Any, personas: Any) -> None:
    with pytest.raises(ValidationError, match="2027-05-10"):
        actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 5, 9))


def test_endorsement_inside_the_window_adds_a_year_and_keeps_the_counter(permit: Any, personas: Any) -> None:
    e = actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 5, 10))
    permit.refresh_from_db()
    assert not e.late
    assert permit.valid_until == D(2028, 6, 10)
    assert permit.residence_years_since == D(2026, 6, 10)
    assert permit.residence_years(D(2028, 6, 10)) == 2
    with pytest.raises(ValidationError):  # the next window is a year away
        actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 6, 1))


def test_on_the_anniversary_itself_endorsement_is_still_on_time(permit: Any, personas: Any) -> None:
    assert actions.suspend_missed(D(2027, 6, 10))["suspended"] == 0
    assert not actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 6, 10)).late


def test_a_missed_endorsement_suspends_the_permit_and_tells_the_holder(permit: Any) -> None:
    sms.OUTBOX.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = actions.suspend_missed(D(2027, 6, 11))
    permit.refresh_from_db()
    assert result == {"suspended": 1, "expired": 0}
    assert permit.status == PermitStatus.SUSPENDED and permit.suspended_on == D(2027, 6, 11)
    assert Reminder.objects.filter(permit=permit, kind=ReminderKind.SUSPENDED).count() == 1
    assert any("suspended" in text for _, text in sms.OUTBOX)
    assert actions.suspend_missed(D(2027, 6, 12)) == {"suspended": 0, "expired": 0}
    assert DomainEvent.objects.filter(kind="permits.suspended").count() == 1


def test_a_late_endorsement_restores_the_permit_and_restarts_residence_years(permit: Any, personas: Any) -> None:
    actions.suspend_missed(D(2027, 6, 11))
    permit.refresh_from_db()
    assert permit.residence_years(D(2027, 8, 1)) == 1
    e = actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 8, 1))
    permit.refresh_from_db()
    assert e.late and permit.status == PermitStatus.VALID and permit.suspended_on is None
    assert permit.residence_years_since == D(2027, 8, 1)
    assert permit.residence_years(D(2027, 8, 1)) == 0
    assert permit.valid_until == D(2028, 8, 1)


def test_a_permit_left_suspended_for_a_year_expires(permit: Any, personas: Any) -> None:
    actions.suspend_missed(D(2027, 6, 11))
    assert actions.suspend_missed(D(2028, 6, 10))["expired"] == 0
    assert actions.suspend_missed(D(2028, 6, 11))["expired"] == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.EXPIRED
    with pytest.raises(ValidationError, match="apply again"):
        actions.do_endorse(permit, acting_user=personas["police"], today=D(2028, 6, 12))


def test_reminders_go_out_once_when_the_window_opens_and_once_in_the_last_week(permit: Any) -> None:
    sms.OUTBOX.clear()
    assert actions.send_reminders(D(2027, 5, 9)) == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert actions.send_reminders(D(2027, 5, 10)) == 1
        assert actions.send_reminders(D(2027, 5, 11)) == 0
        assert actions.send_reminders(D(2027, 6, 3)) == 1
        assert actions.send_reminders(D(2027, 6, 4)) == 0
    kinds = set(Reminder.objects.filter(permit=permit).values_list("kind", flat=True))
    assert kinds == {ReminderKind.ENDORSEMENT_WINDOW, ReminderKind.ENDORSEMENT_LAST_WEEK}
    assert len(sms.OUTBOX) == 2 and "2027-06-10" in sms.OUTBOX[0][1]


def test_the_daily_command_suspends_missed_permits(permit: Any) -> None:
    call_command("permits_daily", "--today", "2027-06-11")
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUSPENDED


def test_a_holder_who_checked_out_and_left_is_cancelled_after_the_gap_tolerance(
    permit: Any, resident: Any, residence: Any
) -> None:
    residence[resident.pk] = [Period(D(2025, 9, 1), D(2026, 9, 1), purpose="work", employer="X")]
    DomainEvent.objects.create(
        kind="residence.checked_out",
        occurred_at=datetime.datetime.now(datetime.UTC),
        subject_type="person",
        subject_id=str(resident.pk),
        payload={"person_id": resident.pk, "move_out": "2026-09-01"},
    )
    assert actions.cancel_departed(D(2026, 9, 20)) == 0  # may be moving house inside the city
    assert actions.cancel_departed(D(2026, 10, 2)) == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CANCELLED and permit.cancel_reason == CancelReason.DECLARED_OUT


def test_a_move_inside_the_city_keeps_the_permit(permit: Any, resident: Any, residence: Any) -> None:
    residence[resident.pk] = [Period(D(2025, 9, 1), D(2026, 9, 1)), Period(D(2026, 9, 5), None)]
    assert actions.review_departure(resident.pk, D(2026, 12, 1)) is False
    permit.refresh_from_db()
    assert permit.status == PermitStatus.VALID


def test_an_officer_cancels_a_permit_and_it_cannot_be_cancelled_twice(permit: Any, personas: Any) -> None:
    actions.do_cancel(permit, reason=CancelReason.MOVED_AWAY, acting_user=personas["police"])
    with pytest.raises(ValidationError):
        actions.do_cancel(permit, reason=CancelReason.MOVED_AWAY, acting_user=personas["police"])


def test_the_checked_out_event_handler_cancels_a_holder_who_left_long_ago(
    permit: Any, resident: Any, residence: Any, today: Any
) -> None:
    from civitas.core import events

    residence[resident.pk] = [Period(D(2025, 9, 1), D(2026, 8, 1))]
    today(D(2026, 10, 1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        events.emit(
            "residence.checked_out",
            subject=("person", resident.pk),
            payload={"person_id": resident.pk, "move_out": "2026-08-01"},
        )
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CANCELLED
