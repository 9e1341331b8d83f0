"""Readable builders for residence tests: declarations made through the real actions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from civitas.people.actions import PersonInput
from civitas.people.choices import DocumentKind
from civitas.places.models import Room
from civitas.residence.actions import DeclarationInput, MemberInput, do_declare
from civitas.residence.choices import DeclarationSource, Purpose, Relation
from civitas.residence.models import Declaration
from civitas.testing.factories import resident_id


def chinese(
    name: str = "刘洋",
    *,
    birth: datetime.date = datetime.date(1995, 3, 8),
    phone: str = "13912345678",
    female: bool = False,
) -> PersonInput:
    return PersonInput(
        name=name,
        doc_kind=DocumentKind.RESIDENT_ID,
        doc_number=resident_id(birth, female=female),
        phone=phone,
    )


def passport(
    name: str = "AHMED ALI",
    *,
    number: str = "P1234567",
    nationality: str = "YEM",
    expiry: datetime.date = datetime.date(2031, 1, 1),
) -> PersonInput:
    return PersonInput(
        name=name,
        name_latin=name,
        doc_kind=DocumentKind.PASSPORT,
        doc_number=number,
        sex="M",
        birth_date=datetime.date(1988, 4, 2),
        nationality=nationality,
        doc_country=nationality,
        doc_expiry=expiry,
    )


def declare(
    room: Room,
    *people: PersonInput,
    move_in: datetime.date | None = None,
    acting_user: Any = None,
    source: str = DeclarationSource.TENANT_QR,
    relations: list[str] | None = None,
    **kw: Any,
) -> Declaration:
    people = people or (chinese(),)
    relations = relations or [str(Relation.SELF)] + [str(Relation.CHILD)] * (len(people) - 1)
    data = DeclarationInput(
        room_id=room.pk,
        members=[MemberInput(person=p, relation=r) for p, r in zip(people, relations, strict=True)],
        move_in=move_in or timezone.localdate(),
        purpose=kw.pop("purpose", Purpose.WORK),
        employer=kw.pop("employer", "义乌小商品城"),
        source=source,
        **kw,
    )
    return do_declare(data, acting_user=acting_user)


def rooms(personas: dict[str, Any]) -> list[Room]:
    return list(personas["property"].rooms.order_by("number"))


DECLARATION_NUMBER = re.compile(r"\d{6}-[2-9A-Z]{6}")


def comparable_residence_events(person_ref: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    """The residence events, with ids and declaration numbers (which differ between two paths that should
    agree) replaced by `person_ref` for persons and `#` for numbers, sorted."""
    from civitas.core.models import DomainEvent

    return sorted(
        (
            e.kind,
            e.subject_type,
            person_ref(e.subject_id) if e.subject_type == "person" else e.subject_id,
            tuple(
                sorted(
                    (k, DECLARATION_NUMBER.sub("#", str(v)))
                    for k, v in e.payload.items()
                    if k not in ("declaration_id", "number", "person_id")
                )
            ),
        )
        for e in DomainEvent.objects.filter(kind__startswith="residence.")
    )
