"""Applying, accepting, extending (never beyond 30 days), issuing and rejecting, with the legal clock."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from civitas.core import sms
from civitas.core.models import AuditEvent
from civitas.permits import actions
from civitas.permits.choices import ApplicationStatus, PermitStatus
from civitas.permits.eligibility import Period
from civitas.permits.models import PermitApplication
from civitas.testing.factories import person

D = datetime.date


def test_an_eligible_resident_applies_and_the_evidence_is_kept(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    app = actions.do_apply(resident, acting_user=None)
    assert app.status == ApplicationStatus.SUBMITTED and app.division_id == personas["g1"].code
    residence = next(c for c in app.eligibility["conditions"] if c["code"] == "residence")
    assert residence["met"] and residence["evidence"][0]["reference"] == "D501"
    assert AuditEvent.objects.filter(action="permits.applied", object_id=str(app.pk)).exists()


def test_applying_when_not_eligible_says_which_condition_fails_and_what_would_satisfy_it(
    personas: Any, residence: Any, today: Any
) -> None:
    newcomer = person("刘新", division=personas["g1"])
    residence[newcomer.pk] = [Period(D(2026, 3, 1), None, purpose="work", employer="X")]
    today(D(2026, 6, 1))
    with pytest.raises(ValidationError) as err:
        actions.do_apply(newcomer, acting_user=None)
    text = " ".join(err.value.messages)
    assert "2026-09-01" in text and "What would satisfy it" in text
    assert not PermitApplication.objects.exists()


def test_a_duplicate_application_is_refused(resident: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    first = actions.do_apply(resident, acting_user=None)
    with pytest.raises(ValidationError, match=first.reference):
        actions.do_apply(resident, acting_user=None)


def test_acceptance_starts_a_fifteen_day_clock_and_overdue_files_are_listed(
    resident: Any, personas: Any, today: Any
) -> None:
    today(D(2026, 6, 1))
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    assert app.accepted_on == D(2026, 6, 1) and app.due_on == D(2026, 6, 16)
    assert not PermitApplication.objects.overdue(D(2026, 6, 16)).exists()
    assert list(PermitApplication.objects.overdue(D(2026, 6, 17))) == [app]
    assert app.days_left(D(2026, 6, 10)) == 6


def test_an_extension_may_reach_but_never_pass_thirty_days(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    with pytest.raises(ValidationError, match="2026-07-01"):
        actions.do_extend(app, days=16, reason="remote verification", acting_user=personas["police"])
    app = actions.do_extend(app, days=15, reason="remote verification", acting_user=personas["police"])
    assert app.due_on == D(2026, 7, 1)
    with pytest.raises(ValidationError):
        actions.do_extend(app, days=1, reason="again", acting_user=personas["police"])


def test_issuing_creates_a_numbered_permit_due_for_endorsement_in_a_year(
    resident: Any, personas: Any, today: Any
) -> None:
    today(D(2026, 6, 1))
    sms.OUTBOX.clear()
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    with django_capture() as callbacks:
        permit = actions.do_issue(app, acting_user=personas["police"], today=D(2026, 6, 10))
    assert permit.status == PermitStatus.VALID
    assert permit.number.startswith("3307822026") and len(permit.number) == 18
    assert permit.valid_until == D(2027, 6, 10) and permit.residence_years_since == D(2026, 6, 10)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ISSUED
    assert callbacks and any(permit.number in text for _, text in sms.OUTBOX)


def test_an_application_cannot_be_issued_before_acceptance(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    app = actions.do_apply(resident, acting_user=None)
    with pytest.raises(ValidationError, match="Accept"):
        actions.do_issue(app, acting_user=personas["police"])


def test_a_rejection_needs_a_reason_and_lets_the_person_apply_again(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    app = actions.do_apply(resident, acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_reject(app, reason=" ", acting_user=personas["police"])
    actions.do_reject(app, reason="documents forged", acting_user=personas["police"])
    assert actions.do_apply(resident, acting_user=None).pk != app.pk


def django_capture() -> Any:
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
