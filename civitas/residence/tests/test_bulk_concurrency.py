"""Concurrent bulk imports into the same rooms on PostgreSQL: room locks in id order keep capacity honest."""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from civitas.places.models import Room
from civitas.residence.actions import DeclarationInput, MemberInput
from civitas.residence.bulk import do_import_batch
from civitas.residence.choices import DeclarationSource, DeclarationStatus, RuleCode
from civitas.residence.models import Declaration
from civitas.residence.tests.builders import chinese

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CIVITAS_DB=postgres)"),
]


def test_two_concurrent_batches_into_the_same_rooms_never_exceed_capacity(transactional_db, personas):
    a = Room.objects.create(property=personas["property"], number="801", area_m2=Decimal("14"), beds=2)
    b = Room.objects.create(property=personas["property"], number="802", area_m2=Decimal("14"), beds=2)

    def rows(tag: str, order: list[Room]) -> list[DeclarationInput]:
        return [
            DeclarationInput(
                room_id=order[i % 2].pk,
                members=[MemberInput(person=chinese(f"{tag}{i}", phone=""))],
                move_in=timezone.localdate(),
                purpose="work",
                source=DeclarationSource.LANDLORD,
            )
            for i in range(6)
        ]

    batches = {"one": rows("甲", [a, b]), "two": rows("乙", [b, a])}  # opposite room order: no deadlock
    barrier = threading.Barrier(len(batches))
    outcomes: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            barrier.wait()
            outcomes[name] = do_import_batch(name, batches[name], acting_user=personas["landlord"])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(o["accepted"] for o in outcomes.values())
    for room in (a, b):
        decls = Declaration.objects.filter(room=room)
        assert decls.count() == 6
        assert decls.filter(status=DeclarationStatus.VERIFIED).count() == 2
        flagged = decls.filter(status=DeclarationStatus.FLAGGED)
        assert flagged.count() == 4
        assert all(not d.results.get(current=True, rule=RuleCode.WITHIN_CAPACITY).passed for d in flagged)


def test_two_concurrent_batches_registering_the_same_new_person_register_it_once(transactional_db, personas):
    from civitas.people.models import Person

    a = Room.objects.create(property=personas["property"], number="811", area_m2=Decimal("30"), beds=4)
    b = Room.objects.create(property=personas["property"], number="812", area_m2=Decimal("30"), beds=4)
    shared = chinese("共同", phone="")
    before = Person.objects.count()

    def rows(room: Room, tag: str) -> list[DeclarationInput]:
        people = [shared, *[chinese(f"{tag}{i}", phone="") for i in range(3)]]
        return [
            DeclarationInput(
                room_id=room.pk,
                members=[MemberInput(person=p)],
                move_in=timezone.localdate(),
                purpose="work",
                source=DeclarationSource.LANDLORD,
            )
            for p in people
        ]

    batches = {"x": rows(a, "丙"), "y": rows(b, "丁")}
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            barrier.wait()
            outcomes[name] = do_import_batch(name, batches[name], acting_user=personas["landlord"])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(o["accepted"] for o in outcomes.values())
    assert Person.objects.count() == before + 7  # the shared guest once, three others per batch
    flags = [
        not d.results.get(current=True, rule=RuleCode.NOT_RESIDENT_ELSEWHERE).passed
        for d in Declaration.objects.filter(room__in=[a, b], members__person__name="共同")
    ]
    assert sorted(flags) == [False, True]  # the later batch sees the earlier one's residence
