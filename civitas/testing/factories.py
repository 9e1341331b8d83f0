"""Test data built through the same code paths as production (actions), with readable defaults."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from civitas.accounts.choices import Role
from civitas.accounts.models import User
from civitas.documents.idnumbers import make_resident_id
from civitas.documents.mrz import make_td3  # noqa: F401  (re-exported for tests)
from civitas.people.actions import PersonInput, do_register_person
from civitas.people.choices import DocumentKind
from civitas.people.models import Person
from civitas.places.choices import DivisionKind, DivisionLevel
from civitas.places.models import Building, Division, RentalProperty, Room

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def division(code: str, name: str, parent: Division | None = None) -> Division:
    level = {6: DivisionLevel.CITY, 9: DivisionLevel.TOWNSHIP, 12: DivisionLevel.VILLAGE, 15: DivisionLevel.GRID}[
        len(code)
    ]
    kind = {6: DivisionKind.CITY, 9: DivisionKind.STREET, 12: DivisionKind.COMMUNITY, 15: DivisionKind.GRID}[len(code)]
    obj, _ = Division.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "kind": kind, "parent": parent}
    )
    return obj


def small_city() -> dict[str, Division]:
    """Yiwu with two townships, a community in each, two grids in the first community."""
    city = division("330782", "义乌市")
    t1 = division("330782001", "稠城街道", city)
    t2 = division("330782100", "佛堂镇", city)
    v1 = division("330782001001", "香溪社区", t1)
    v2 = division("330782100001", "佛堂村", t2)
    g1 = division("330782001001001", "第1网格", v1)
    g2 = division("330782001001002", "第2网格", v1)
    g3 = division("330782100001001", "第1网格", v2)
    return {"city": city, "t1": t1, "t2": t2, "v1": v1, "v2": v2, "g1": g1, "g2": g2, "g3": g3}


def resident_id(birth: datetime.date = datetime.date(1990, 5, 17), place: str = "360102", female: bool = False) -> str:
    n = next(_seq) % 499  # sequence 000-999; odd = male
    return make_resident_id(place, birth, 2 * n + (0 if female else 1))


def person(
    name: str = "张伟", *, division: Division | None = None, doc_number: str | None = None, phone: str = "", **kw: Any
) -> Person:
    data = PersonInput(
        name=name,
        doc_kind=kw.pop("doc_kind", DocumentKind.RESIDENT_ID),
        doc_number=doc_number or resident_id(),
        phone=phone,
        division_code=division.code if division else None,
        **kw,
    )
    return do_register_person(data, acting_user=None)


def foreigner(
    name_latin: str = "AHMED ALI",
    *,
    nationality: str = "YEM",
    division: Division | None = None,
    number: str | None = None,
    **kw: Any,
) -> Person:
    data = PersonInput(
        name=name_latin,
        name_latin=name_latin,
        doc_kind=DocumentKind.PASSPORT,
        doc_number=number or f"P{next(_seq):07d}",
        sex=kw.pop("sex", "M"),
        birth_date=kw.pop("birth_date", datetime.date(1985, 3, 2)),
        nationality=nationality,
        doc_country=nationality,
        doc_expiry=kw.pop("doc_expiry", datetime.date(2030, 1, 1)),
        division_code=division.code if division else None,
        **kw,
    )
    return do_register_person(data, acting_user=None)


def rental_property(
    grid: Division, landlord: Person, *, rooms: int = 3, area: str = "14.0", beds: int = 2, address: str | None = None
) -> RentalProperty:
    b = Building.objects.create(division=grid, address=address or f"{grid.name}路{next(_seq)}号", floors=5)
    prop = RentalProperty.objects.create(
        building=b, division=grid, landlord=landlord, label="2-5层", registered_at=datetime.date(2024, 1, 1)
    )
    for i in range(rooms):
        Room.objects.create(
            property=prop, number=f"{2 + i // 6}{i % 6 + 1:02d}", floor=2 + i // 6, area_m2=Decimal(area), beds=beds
        )
    return prop


def user(username: str, role: str, division: Division | None = None, person: Person | None = None, **kw: Any) -> User:
    u = User(username=username, role=role, division=division, person=person, **kw)
    u.set_password(PASSWORD)
    u.save()
    return u


def personas() -> dict[str, Any]:
    """Named people for readable tests: one per role, in own and other jurisdictions."""
    d = small_city()
    landlord_person = person("王房东", division=d["g1"], phone="13800138000")
    other_landlord_person = person("李房东", division=d["g3"], phone="13900139000")
    return {
        **d,
        "admin": user("admin", Role.CITY_ADMIN, d["city"]),
        "police": user("police_t1", Role.POLICE, d["t1"]),
        "police_other": user("police_t2", Role.POLICE, d["t2"]),
        "grid": user("grid_g1", Role.GRID_WORKER, d["g1"]),
        "grid_other": user("grid_g3", Role.GRID_WORKER, d["g3"]),
        "landlord": user("landlord", Role.LANDLORD, person=landlord_person),
        "landlord_other": user("landlord2", Role.LANDLORD, person=other_landlord_person),
        "staff": user("staff_t1", Role.SERVICE_STAFF, d["t1"]),
        "mediator": user("mediator_t1", Role.MEDIATOR, d["t1"]),
        "inspector": user("inspector_t1", Role.INSPECTOR, d["t1"]),
        "analyst": user("analyst", Role.ANALYST, d["city"]),
        "landlord_person": landlord_person,
        "other_landlord_person": other_landlord_person,
        "property": rental_property(d["g1"], landlord_person),
        "property_other": rental_property(d["g3"], other_landlord_person),
    }
