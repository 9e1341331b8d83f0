"""The holiday calendar from the database, as a model-free `clock.Calendar`."""

from __future__ import annotations

from civitas.services.choices import HolidayKind
from civitas.services.clock import Calendar
from civitas.services.models import Holiday


def load_calendar() -> Calendar:
    rows = list(Holiday.objects.values_list("date", "kind"))
    return Calendar(
        holidays=frozenset(d for d, k in rows if k == HolidayKind.HOLIDAY),
        workdays=frozenset(d for d, k in rows if k == HolidayKind.WORKDAY),
    )
