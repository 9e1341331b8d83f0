"""Breach warnings and processing-time statistics (the same querysets feed pages and the API)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from civitas.services import clock
from civitas.services.choices import OPEN_STATUSES, ApplicationStatus
from civitas.services.holidays import load_calendar
from civitas.services.models import Application, Service

WARN_WORKING_DAYS = 2


@dataclass
class BreachRow:
    application: Application
    left: int  # working days left; negative = overdue by that many

    @property
    def overdue(self) -> bool:
        return self.left < 0

    @property
    def overdue_days(self) -> int:
        return -self.left


def breach_list(
    apps: QuerySet[Application], today: datetime.date | None = None, calendar: clock.Calendar | None = None
) -> list[BreachRow]:
    """Open applications with the clock running and at most 2 working days left, or overdue; worst first."""
    today = today or timezone.localdate()
    calendar = calendar or load_calendar()
    horizon = clock.add_working_days(today, WARN_WORKING_DAYS, calendar)
    rows = []
    qs = (
        apps.filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED], due_on__lte=horizon)
        .select_related("service", "person")
        .order_by("due_on")
    )
    for app in qs:
        if app.due_on is None:
            continue
        if app.due_on >= today:
            left = clock.working_days_between(today, app.due_on, calendar)
        else:
            left = -clock.working_days_between(app.due_on, today, calendar)
        rows.append(BreachRow(app, left))
    return rows


@dataclass
class ServiceTimes:
    service: Service
    decided: int
    average_days: float | None
    baseline_days: int | None
    open: int

    @property
    def cut_percent(self) -> float | None:
        if self.average_days is None or not self.baseline_days:
            return None
        return round(100 * (1 - self.average_days / self.baseline_days), 1)


def processing_times(apps: QuerySet[Application]) -> list[ServiceTimes]:
    """Average working days from submission to decision per online service, against its baseline."""
    decided = {
        row["service"]: row
        for row in apps.filter(processing_days__isnull=False)
        .values("service")
        .annotate(n=Count("id"), avg=Avg("processing_days"))
    }
    open_counts = dict(apps.filter(status__in=OPEN_STATUSES).values_list("service").annotate(n=Count("id")))
    out = []
    for service in Service.objects.filter(kind="online").select_related("category"):
        row: Any = decided.get(service.pk) or {}
        avg = row.get("avg")
        out.append(
            ServiceTimes(
                service,
                row.get("n", 0),
                round(float(avg), 1) if avg is not None else None,
                service.baseline_days,
                open_counts.get(service.pk, 0),
            )
        )
    return out
