"""Legal processing clocks in working days (model-free).

Conventions (as in Chinese administrative law, 期间开始之日不计算在内):
- the day an application is submitted does not count; counting starts on the next working day;
- a working day is a Monday-Friday that is not a public holiday, or an adjusted working weekend
  day (调休上班);
- while the clock is stopped (waiting for the applicant), the working days after the stop began up to
  and including the day it ended do not count: a request made on Monday and answered on Wednesday
  removes Tuesday and Wednesday; counting resumes on Thursday.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Public holidays (days off on a weekday) and adjusted working days (work on a weekend)."""

    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    workdays: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Stop:
    """A period with the clock stopped; `end` None = still stopped."""

    start: datetime.date
    end: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return day > self.start and (self.end is None or day <= self.end)


WEEKENDS_ONLY = Calendar()


def _counts(day: datetime.date, calendar: Calendar, stops: Iterable[Stop]) -> bool:
    return calendar.is_working_day(day) and not any(s.covers(day) for s in stops)


def add_working_days(
    start: datetime.date, days: int, calendar: Calendar = WEEKENDS_ONLY, stops: Iterable[Stop] = ()
) -> datetime.date:
    """The date on which `days` counting working days after `start` have elapsed (the legal deadline)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    stops = tuple(stops)
    if any(s.end is None for s in stops) and days > 0:
        raise ValueError("the clock is stopped: no deadline while waiting for the applicant")
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if _counts(day, calendar, stops):
            left -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, calendar: Calendar = WEEKENDS_ONLY, stops: Iterable[Stop] = ()
) -> int:
    """Counting working days in (start, end]; 0 when end <= start."""
    stops = tuple(stops)
    n, day = 0, start
    while day < end:
        day += ONE_DAY
        if _counts(day, calendar, stops):
            n += 1
    return n


@dataclass(frozen=True)
class ClockState:
    elapsed: int  # working days used so far
    limit: int
    stopped: bool
    due_on: datetime.date | None  # None while stopped

    @property
    def left(self) -> int:
        return self.limit - self.elapsed

    @property
    def overdue(self) -> bool:
        return not self.stopped and self.elapsed > self.limit

    def due_within(self, days: int) -> bool:
        """Not stopped and at most `days` working days left (overdue included)."""
        return not self.stopped and self.left <= days


def clock_state(
    submitted: datetime.date,
    limit: int,
    today: datetime.date,
    calendar: Calendar = WEEKENDS_ONLY,
    stops: Iterable[Stop] = (),
) -> ClockState:
    stops = tuple(stops)
    stopped = any(s.end is None for s in stops)
    elapsed = working_days_between(submitted, today, calendar, stops)
    due = None if stopped else add_working_days(submitted, limit, calendar, stops)
    return ClockState(elapsed=elapsed, limit=limit, stopped=stopped, due_on=due)
