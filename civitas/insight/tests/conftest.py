"""A small fixture city with hand-countable events, for the Django side of the index."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from typing import Any

import pytest

from civitas.core import events
from civitas.testing import factories

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
SEPTEMBER = datetime.datetime(2026, 9, 15, 10, 0, tzinfo=TZ)
OCTOBER = datetime.datetime(2026, 10, 3, 10, 0, tzinfo=TZ)


SUBJECT: dict[str, int] = {}
_NUMBERS = itertools.count(1)


def declare_many(
    n: int,
    grid: Any,
    when: datetime.datetime = SEPTEMBER,
    *,
    days_late: int = 0,
    foreign: bool = False,
    person: Any = None,
) -> None:
    """``n`` checked residence declarations of ``person`` (default: the fixture's tenant) in a room of ``grid``.

    Rows are written directly with only the fields the indicators read (the residence actions own the workflow).
    """
    from civitas.people.models import Person
    from civitas.places.models import RentalProperty
    from civitas.residence.models import Declaration, DeclarationMember

    prop = RentalProperty.objects.filter(division=grid).order_by("pk").first()
    assert prop is not None, f"no rental property in {grid.code}"
    room = prop.rooms.order_by("pk").first()
    assert room is not None
    tenant = person or Person.objects.get(pk=SUBJECT["tenant"])
    for _ in range(n):
        declaration = Declaration.objects.create(
            number=f"T{next(_NUMBERS):06d}",
            property=prop,
            room=room,
            division=grid,
            status="verified",
            source="tenant_qr",
            move_in=when.date(),
            purpose="work",
            declared_at=when,
            days_late=days_late,
            foreign=foreign,
        )
        DeclarationMember.objects.create(declaration=declaration, person=tenant, relation="self")


def emit_many(kind: str, n: int, grid: str, when: datetime.datetime = SEPTEMBER, **payload: Any) -> None:
    """``n`` events of ``kind`` in ``grid``; their subject is the fixture's tenant (a registered person)."""
    for _ in range(n):
        events.emit(kind, subject=("person", SUBJECT["tenant"]), division_code=grid, payload=payload, occurred_at=when)


@pytest.fixture
def city(personas: dict[str, Any]) -> dict[str, Any]:
    """Three townships (t1, t2, t3) with 3, 3 and 5 rented rooms and counted events in September 2026.

    Declarations on time: t1 8 / 10 = 80 % (foreigners 1 / 2), t2 5 / 5 = 100 %, t3 3 / 4 = 75 %; October: t1 3 / 3.
    Group renting per 1,000 rooms: t1 1/3 → 333.3, t2 0, t3 2/5 → 400.
    Hazards closed: t1 1/2 = 50 %, t2 1/1 = 100 %, t3 none confirmed → zero denominator (a gap).
    """
    p = personas
    t3 = factories.division("330782002", "江东街道", p["city"])
    v3 = factories.division("330782002001", "青口社区", t3)
    g4 = factories.division("330782002001001", "第1网格", v3)
    landlord3 = factories.person("赵房东", division=g4)
    factories.rental_property(g4, landlord3, rooms=5)
    g1, g3 = p["g1"].code, p["g3"].code
    tenant = factories.person("陈租客", division=p["g1"])
    SUBJECT["tenant"] = tenant.pk
    emit_many("residence.declaration_verified", 8, g1, foreign=False)
    emit_many("residence.declaration_verified", 2, g1, foreign=True)
    emit_many("residence.declaration_late", 1, g1, foreign=False, days_late=2)
    emit_many("residence.declaration_late", 1, g1, foreign=True, days_late=1)
    emit_many("residence.declaration_verified", 5, g3, foreign=False)
    emit_many("residence.declaration_verified", 4, g4.code, foreign=False)
    emit_many("residence.declaration_late", 1, g4.code, foreign=False, days_late=5)
    emit_many("residence.over_capacity", 1, g1)
    emit_many("residence.over_capacity", 2, g4.code)
    emit_many("inspections.hazard_confirmed", 2, g1)
    emit_many("inspections.hazard_closed", 1, g1)
    emit_many("inspections.hazard_confirmed", 1, g3)
    emit_many("inspections.hazard_closed", 1, g3)
    emit_many("residence.declaration_verified", 3, g1, when=OCTOBER, foreign=False)
    declare_many(7, p["g1"])
    declare_many(1, p["g1"], days_late=2)
    declare_many(1, p["g1"], foreign=True)
    declare_many(1, p["g1"], days_late=1, foreign=True)
    declare_many(5, p["g3"])
    declare_many(3, g4)
    declare_many(1, g4, days_late=5)
    declare_many(3, p["g1"], when=OCTOBER)
    return {**p, "t3": t3, "v3": v3, "g4": g4, "landlord3": landlord3, "tenant": tenant}


def small_framework_records(aggregation_weights: tuple[float, float] = (1.0, 1.0)) -> list[dict[str, Any]]:
    """INDEX ← {RES_ON_TIME (+), RES_OVER_CAPACITY (−)}."""
    return [
        {"code": "INDEX", "parent": None, "level": 2, "kind": "index", "name": {"en": "Index"}},
        {
            "code": "RES_ON_TIME",
            "parent": "INDEX",
            "level": 1,
            "kind": "indicator",
            "direction": 1,
            "weight": aggregation_weights[0],
            "source": "platform",
            "name": {"en": "On time"},
        },
        {
            "code": "RES_OVER_CAPACITY",
            "parent": "INDEX",
            "level": 1,
            "kind": "indicator",
            "direction": -1,
            "weight": aggregation_weights[1],
            "source": "platform",
            "name": {"en": "Over capacity"},
        },
    ]
