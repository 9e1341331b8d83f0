"""The rectification loop: every allowed transition works, every forbidden one is refused clearly."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from civitas.core.models import AuditEvent
from civitas.inspections import actions
from civitas.inspections.actions import ForbiddenTransition
from civitas.inspections.choices import HazardStatus, TaskKind, TaskStatus
from civitas.inspections.models import Hazard, Reinspection, Task
from civitas.inspections.tests.builders import T0, hazard, photo

LATER = T0 + datetime.timedelta(days=1)


def _drive(h: Hazard, state: str, inspector: Any) -> Hazard:
    if state == HazardStatus.LOGGED:
        return h
    if state == HazardStatus.FIXED_ON_SPOT:
        actions.do_fix_on_spot(h, after_photo=photo(), acting_user=inspector, now=T0)
    elif state == HazardStatus.NOTICE_ISSUED:
        actions.do_issue_notice(h, acting_user=inspector, now=T0)
    elif state == HazardStatus.FIX_REPORTED:
        actions.do_issue_notice(h, acting_user=inspector, now=T0)
        actions.do_report_fix(h, acting_user=inspector, now=T0)
    elif state == HazardStatus.CLOSED:
        actions.do_fix_on_spot(h, after_photo=photo(), acting_user=inspector, now=T0)
        actions.do_reinspect(h, passed=True, acting_user=inspector, now=T0)
    elif state == HazardStatus.ANNULLED:
        actions.do_annul_hazard(h, reason="appeal upheld", acting_user=inspector, now=T0)
    h.refresh_from_db()
    assert h.status == state
    return h


ACTIONS: dict[str, Callable[[Hazard, Any], Any]] = {
    "fix_on_spot": lambda h, u: actions.do_fix_on_spot(h, after_photo=photo(), acting_user=u, now=LATER),
    "issue_notice": lambda h, u: actions.do_issue_notice(h, acting_user=u, now=LATER),
    "report_fix": lambda h, u: actions.do_report_fix(h, acting_user=u, now=LATER),
    "reinspect_pass": lambda h, u: actions.do_reinspect(h, passed=True, acting_user=u, now=LATER),
    "reinspect_fail": lambda h, u: actions.do_reinspect(h, passed=False, acting_user=u, now=LATER),
    "close": lambda h, u: actions.do_close_hazard(h, acting_user=u, now=LATER),
    "annul": lambda h, u: actions.do_annul_hazard(h, reason="appeal upheld", acting_user=u, now=LATER),
}

# state -> {action: resulting state}; every action not listed is forbidden in that state.
ALLOWED: dict[str, dict[str, str]] = {
    HazardStatus.LOGGED: {
        "fix_on_spot": HazardStatus.FIXED_ON_SPOT,
        "issue_notice": HazardStatus.NOTICE_ISSUED,
        "annul": HazardStatus.ANNULLED,
    },
    HazardStatus.FIXED_ON_SPOT: {
        "reinspect_pass": HazardStatus.CLOSED,
        "reinspect_fail": HazardStatus.NOTICE_ISSUED,
        "annul": HazardStatus.ANNULLED,
    },
    HazardStatus.NOTICE_ISSUED: {"report_fix": HazardStatus.FIX_REPORTED, "annul": HazardStatus.ANNULLED},
    HazardStatus.FIX_REPORTED: {
        "reinspect_pass": HazardStatus.CLOSED,
        "reinspect_fail": HazardStatus.NOTICE_ISSUED,
        "annul": HazardStatus.ANNULLED,
    },
    HazardStatus.CLOSED: {"annul": HazardStatus.ANNULLED},
    HazardStatus.ANNULLED: {},
}
CASES = [(state, action) for state in ALLOWED for action in ACTIONS]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_action_in_each_state_is_either_a_defined_transition_or_refused(
    personas: Any, state: str, action: str
) -> None:
    inspector = personas["inspector"]
    h = _drive(hazard(personas), state, inspector)
    audits_before = AuditEvent.objects.filter(object_type="inspections.hazard", object_id=str(h.pk)).count()
    if action in ALLOWED[state]:
        ACTIONS[action](h, inspector)
        h.refresh_from_db()
        assert h.status == ALLOWED[state][action]
        assert AuditEvent.objects.filter(object_type="inspections.hazard", object_id=str(h.pk)).count() > audits_before
    else:
        with pytest.raises(ForbiddenTransition) as exc:
            ACTIONS[action](h, inspector)
        assert f"#{h.pk}" in str(exc.value.messages[0])
        h.refresh_from_db()
        assert h.status == state


def test_a_reinspection_before_the_fix_is_reported_is_refused(personas: Any) -> None:
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    with pytest.raises(ForbiddenTransition, match="re-inspection needs a fix first"):
        actions.do_reinspect(h, passed=True, acting_user=personas["inspector"], now=LATER)


def test_closing_without_a_passed_reinspection_is_refused_even_if_the_status_says_passed(
    personas: Any,
) -> None:
    h = hazard(personas)
    Hazard.objects.filter(pk=h.pk).update(status=HazardStatus.PASSED)
    with pytest.raises(ForbiddenTransition, match="closes only after a passed re-inspection"):
        actions.do_close_hazard(h, acting_user=personas["inspector"], now=LATER)
    Reinspection.objects.create(
        hazard=h,
        inspector=personas["inspector"],
        township_code=h.township_code,
        inspected_at=LATER,
        passed=True,
    )
    actions.do_close_hazard(h, acting_user=personas["inspector"], now=LATER)
    h.refresh_from_db()
    assert h.status == HazardStatus.CLOSED and h.closed_at == LATER


def test_a_fix_on_the_spot_needs_an_after_photo(personas: Any) -> None:
    h = hazard(personas)
    with pytest.raises(ValidationError) as exc:
        actions.do_fix_on_spot(h, after_photo=None, acting_user=personas["inspector"], now=T0)
    assert "after_photo" in exc.value.message_dict
    h.refresh_from_db()
    assert h.status == HazardStatus.LOGGED


def test_reporting_a_fix_schedules_a_reinspection_task_automatically(personas: Any) -> None:
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    task = actions.do_report_fix(h, acting_user=personas["landlord"], now=LATER)
    assert task.kind == TaskKind.REINSPECTION and task.hazard_id == h.pk and task.status == TaskStatus.OPEN
    assert task.due_on == LATER.date() + datetime.timedelta(days=3)
    actions.do_reinspect(h, passed=True, acting_user=personas["inspector"], now=LATER)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_a_failed_reinspection_issues_a_new_notice_with_a_new_deadline(personas: Any) -> None:
    h = hazard(personas)
    first = actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    actions.do_report_fix(h, acting_user=personas["landlord"], now=T0)
    actions.do_reinspect(h, passed=False, acting_user=personas["inspector"], now=LATER)
    h.refresh_from_db()
    assert h.status == HazardStatus.NOTICE_ISSUED and h.round == 2
    assert h.deadline == LATER.date() + datetime.timedelta(days=h.item.deadline_days)
    assert h.notices.count() == 2 and h.notices.exclude(pk=first.pk).get().round == 2
    assert h.fixed_on_time is False


def test_another_landlord_cannot_report_the_fix(personas: Any) -> None:
    from django.core.exceptions import PermissionDenied

    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    with pytest.raises(PermissionDenied):
        actions.do_report_fix(h, acting_user=personas["landlord_other"], now=T0)
