"""Fixtures: residence history stands in for the residence app (its contract), set per person."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from civitas.permits.eligibility import Period


@pytest.fixture
def residence(monkeypatch: pytest.MonkeyPatch) -> dict[int, list[Period]]:
    """person id → verified periods; `sources.residence_periods` reads from here."""
    store: dict[int, list[Period]] = {}
    monkeypatch.setattr("civitas.permits.sources.residence_periods", lambda pid: store.get(pid, []))
    return store


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the permits app's 'today'."""

    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr("civitas.permits.sources.today", lambda: day)

    return set_today


@pytest.fixture
def resident(personas: dict[str, Any], residence: dict[int, list[Period]]) -> Any:
    """A worker in grid g1 with nine months of verified residence on 2026-06-01 and a phone."""
    from civitas.testing.factories import person

    p = person("陈明", division=personas["g1"], phone="13700137000")
    residence[p.pk] = [
        Period(
            datetime.date(2025, 9, 1),
            None,
            property_id=personas["property"].pk,
            division_code=personas["g1"].code,
            purpose="work",
            employer="义乌小商品城",
            declaration_id=501,
        )
    ]
    return p
