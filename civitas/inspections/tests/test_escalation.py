"""Deadlines and escalation with a frozen clock: grid → township → enforcement, each with a named official."""

from __future__ import annotations

import datetime
from typing import Any

from civitas.accounts.choices import Role
from civitas.core.models import AuditEvent
from civitas.inspections import actions
from civitas.inspections.choices import EscalationLevel
from civitas.inspections.models import Hazard
from civitas.inspections.tests.builders import T0, hazard
from civitas.testing.factories import user


def _days(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(days=n)


def _officials(personas: Any) -> tuple[Any, Any]:
    township = user("safety_t1", Role.INSPECTOR, personas["t1"])
    actions.do_set_department(township, "safety", acting_user=None)
    enforcement = user("enforce_city", Role.INSPECTOR, personas["city"])
    actions.do_set_department(enforcement, "enforcement", acting_user=None)
    return township, enforcement


def test_a_notice_deadline_defaults_to_the_items_rectification_days(personas: Any) -> None:
    h = hazard(personas)
    notice = actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    assert notice.deadline == T0.date() + datetime.timedelta(days=3)


def test_nothing_escalates_before_the_deadline_passes(personas: Any) -> None:
    _officials(personas)
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    assert actions.escalate_overdue(_days(3)) == 0  # the deadline day itself is still on time
    h.refresh_from_db()
    assert h.escalation_level == EscalationLevel.GRID and h.responsible_id == personas["inspector"].pk


def test_an_overdue_hazard_goes_to_the_township_then_to_enforcement_with_named_officials(
    personas: Any,
) -> None:
    township, enforcement = _officials(personas)
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    assert actions.escalate_overdue(_days(4)) == 1
    h.refresh_from_db()
    assert (h.escalation_level, h.responsible_id, h.department) == (
        EscalationLevel.TOWNSHIP,
        township.pk,
        "safety",
    )
    assert actions.escalate_overdue(_days(10)) == 0  # 6 days at township level: not yet
    assert actions.escalate_overdue(_days(11)) == 1
    h.refresh_from_db()
    assert (h.escalation_level, h.responsible_id, h.department) == (
        EscalationLevel.ENFORCEMENT,
        enforcement.pk,
        "enforcement",
    )
    assert actions.escalate_overdue(_days(40)) == 0
    trail = AuditEvent.objects.filter(action="inspections.hazard_escalated", object_id=str(h.pk)).order_by("seq")
    assert [(e.new or {})["level"] for e in trail] == [1, 2]


def test_a_hazard_whose_fix_was_reported_does_not_escalate(personas: Any) -> None:
    _officials(personas)
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    actions.do_report_fix(h, acting_user=personas["landlord"], now=_days(2))
    assert actions.escalate_overdue(_days(30)) == 0
    assert Hazard.objects.get(pk=h.pk).fixed_on_time is True


def test_a_fix_reported_after_the_deadline_counts_as_late(personas: Any) -> None:
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    actions.do_report_fix(h, acting_user=personas["landlord"], now=_days(5))
    assert Hazard.objects.get(pk=h.pk).fixed_on_time is False


def test_the_management_command_escalates_with_an_explicit_time(personas: Any) -> None:
    from django.core.management import call_command

    _officials(personas)
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    call_command("escalate_overdue", "--now", _days(5).isoformat())
    assert Hazard.objects.get(pk=h.pk).escalation_level == EscalationLevel.TOWNSHIP
