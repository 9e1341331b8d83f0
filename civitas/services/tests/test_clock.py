"""Legal-clock arithmetic in working days: weekends, holidays, adjusted working days, stops."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civitas.services.clock import Calendar, Stop, add_working_days, clock_state, working_days_between
from civitas.services.seeds import HOLIDAYS

D = datetime.date.fromisoformat
CHINA = Calendar(
    holidays=frozenset(D(d) for d, kind, _ in HOLIDAYS if kind == "holiday"),
    workdays=frozenset(D(d) for d, kind, _ in HOLIDAYS if kind == "workday"),
)


def test_the_submission_day_does_not_count_and_weekends_are_skipped():
    assert add_working_days(D("2025-03-03"), 5) == D("2025-03-10")  # Monday + 5 → next Monday
    assert add_working_days(D("2025-03-07"), 1) == D("2025-03-10")  # Friday + 1 → Monday
    assert add_working_days(D("2025-03-08"), 1) == D("2025-03-10")  # Saturday + 1 → Monday


def test_zero_days_is_the_start_day_and_negative_days_are_refused():
    assert add_working_days(D("2025-03-03"), 0) == D("2025-03-03")
    with pytest.raises(ValueError):
        add_working_days(D("2025-03-03"), -1)


def test_a_public_holiday_on_a_weekday_is_not_a_working_day():
    assert not CHINA.is_working_day(D("2025-10-01"))
    assert not CHINA.is_working_day(D("2026-05-05"))  # Tuesday, Labour Day
    assert CHINA.is_working_day(D("2026-05-06"))


def test_an_adjusted_working_weekend_day_is_a_working_day():
    assert D("2025-09-28").weekday() == 6 and CHINA.is_working_day(D("2025-09-28"))
    assert D("2026-02-14").weekday() == 5 and CHINA.is_working_day(D("2026-02-14"))
    assert not CHINA.is_working_day(D("2026-02-15"))


def test_the_national_day_week_pushes_the_deadline_past_the_holiday():
    assert add_working_days(D("2025-09-30"), 1, CHINA) == D("2025-10-09")
    # 9 Oct (Thu), 10 Oct (Fri), 11 Oct (Saturday worked in exchange)
    assert add_working_days(D("2025-09-30"), 3, CHINA) == D("2025-10-11")


def test_an_adjusted_sunday_counts_right_after_a_friday_submission():
    assert add_working_days(D("2025-09-26"), 1, CHINA) == D("2025-09-28")


def test_the_spring_festival_2026_is_nine_days_off_with_two_worked_saturdays():
    assert add_working_days(D("2026-02-13"), 1, CHINA) == D("2026-02-14")
    assert add_working_days(D("2026-02-13"), 2, CHINA) == D("2026-02-24")
    assert working_days_between(D("2026-02-13"), D("2026-02-28"), CHINA) == 6  # 14, 24, 25, 26, 27, 28


def test_a_stop_removes_the_days_after_it_began_up_to_the_day_it_ended():
    # Monday submission, limit 5; documents requested Tuesday, received Thursday: Wed and Thu do not count.
    stops = [Stop(D("2025-03-04"), D("2025-03-06"))]
    assert add_working_days(D("2025-03-03"), 5, stops=stops) == D("2025-03-12")
    assert working_days_between(D("2025-03-03"), D("2025-03-12"), stops=stops) == 5


def test_a_stop_over_a_weekend_only_removes_the_working_days_inside_it():
    stops = [Stop(D("2025-03-07"), D("2025-03-10"))]  # Friday → Monday: only Monday is lost
    assert working_days_between(D("2025-03-03"), D("2025-03-14"), stops=stops) == 8


def test_two_stops_add_up():
    stops = [Stop(D("2025-03-04"), D("2025-03-05")), Stop(D("2025-03-10"), D("2025-03-12"))]
    assert (
        working_days_between(D("2025-03-03"), D("2025-03-14"), stops=stops) == 9 - 1 - 2
    )  # 9 working days, minus Wed 5th, minus Tue 11th and Wed 12th


def test_while_stopped_the_clock_has_no_deadline_and_elapsed_time_is_frozen():
    stops = [Stop(D("2025-03-05"))]
    state = clock_state(D("2025-03-03"), 5, D("2025-03-20"), stops=stops)
    assert state.stopped and state.due_on is None
    assert state.elapsed == 2  # Tuesday and Wednesday, then nothing
    assert not state.overdue and not state.due_within(2)
    with pytest.raises(ValueError):
        add_working_days(D("2025-03-03"), 5, stops=stops)


def test_the_state_warns_two_working_days_before_the_deadline_and_after_it():
    start = D("2025-03-03")
    assert clock_state(start, 5, D("2025-03-05")).due_within(2) is False  # 3 left
    assert clock_state(start, 5, D("2025-03-06")).due_within(2) is True  # 2 left
    late = clock_state(start, 5, D("2025-03-12"))
    assert late.overdue and late.left == -2 and late.due_on == D("2025-03-10")


@given(start=st.dates(min_value=D("2025-01-01"), max_value=D("2026-12-31")), n=st.integers(0, 40))
def test_counting_to_the_deadline_gives_back_the_limit(start, n):
    due = add_working_days(start, n, CHINA)
    assert working_days_between(start, due, CHINA) == n
    assert n == 0 or CHINA.is_working_day(due)
