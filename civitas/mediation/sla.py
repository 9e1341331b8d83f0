"""Service-level clocks: accept within minutes, simple cases closed within 3 working days."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from civitas.mediation.choices import CaseStatus
from civitas.mediation.policy import Policy


def add_working_days(
    start: datetime.datetime, days: int, holidays: tuple[datetime.date, ...] = ()
) -> datetime.datetime:
    """`start` plus `days` working days (Monday–Friday, not a holiday), same time of day."""
    local = timezone.localtime(start)
    current = local
    left = days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current.date() not in holidays:
            left -= 1
    return current


def end_of_day(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


def due_at(created: datetime.datetime, *, high_risk: bool, simple: bool, p: Policy) -> datetime.datetime:
    if high_risk:
        return end_of_day(created)
    if simple:
        return add_working_days(created, p.simple_close_working_days, p.holidays)
    return created + datetime.timedelta(days=p.complex_close_days)


def waiting_for_acceptance(qs: QuerySet, now: datetime.datetime, p: Policy) -> QuerySet:
    """Cases nobody has accepted within the accept clock."""
    limit = now - datetime.timedelta(minutes=p.accept_within_minutes)
    return qs.filter(status__in=(CaseStatus.NEW, CaseStatus.OFFERED, CaseStatus.QUEUED), created_at__lt=limit)


def overdue(qs: QuerySet, now: datetime.datetime) -> QuerySet:
    """Open cases past their close clock (same-day for high risk, 3 working days for simple ones)."""
    return qs.filter(
        Q(status__in=(CaseStatus.NEW, CaseStatus.OFFERED, CaseStatus.QUEUED, CaseStatus.ACTIVE)),
        due_at__lt=now,
    )
