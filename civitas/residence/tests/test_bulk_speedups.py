"""The bulk import's shortcuts change nothing: the batch's one reading of the clock gives every row the errors
the input check gives it alone, and the pinyin key is cached without changing it."""

from __future__ import annotations

import datetime
import itertools

from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.people.names import pinyin_key
from civitas.residence import bulk_plan
from civitas.residence.actions import DeclarationInput, MemberInput, validate_input
from civitas.residence.choices import Purpose, Relation
from civitas.residence.tests.builders import chinese


def rows() -> list[DeclarationInput]:
    """Every combination of valid, invalid and borderline values of what `validate_input` checks."""
    today = timezone.localdate()
    now = timezone.now()
    members = [
        [],
        [MemberInput(person=chinese())],
        [MemberInput(person=chinese(), relation=Relation.CHILD)],
        [MemberInput(person=chinese()), MemberInput(person=chinese("孩子"), relation=Relation.CHILD)],
        [MemberInput(person=chinese()), MemberInput(person=chinese("又一个"))],
    ]
    move_ins = [today + datetime.timedelta(days=d) for d in (2, 1, 0, -30, -365, -366, -367, -400)]
    arrivals = [
        None,
        now - datetime.timedelta(hours=5),
        now + datetime.timedelta(minutes=4),
        now + datetime.timedelta(minutes=6),
    ]
    out = []
    for purpose, people, move_in, arrived_at, declared_at in itertools.product(
        [Purpose.WORK, "work", "study", "holiday", ""],
        members,
        move_ins,
        arrivals,
        [None, now - datetime.timedelta(days=500)],
    ):
        out.append(
            DeclarationInput(
                room_id=1,
                members=people,
                move_in=move_in,
                purpose=purpose,
                arrived_at=arrived_at,
                declared_at=declared_at,
            )
        )
    return out


def test_the_batch_check_gives_the_errors_of_the_input_check() -> None:
    checked = rows()
    for row, (errors, _fields) in zip(checked, bulk_plan._validated(checked), strict=True):
        try:
            validate_input(row)
            expected = {}
        except ValidationError as exc:
            expected = exc.message_dict
        assert errors == expected


def test_the_input_check_with_the_batchs_clock_gives_what_it_gives_with_its_own() -> None:
    today, now = timezone.localdate(), timezone.now()
    for row in rows():
        try:
            validate_input(row)
            alone = {}
        except ValidationError as exc:
            alone = exc.message_dict
        try:
            validate_input(row, today=today, now=now)
            batched = {}
        except ValidationError as exc:
            batched = exc.message_dict
        assert batched == alone


def test_the_pinyin_key_is_cached_per_name_and_unchanged() -> None:
    pinyin_key.cache_clear()
    assert pinyin_key("张伟") == "zhangwei"
    assert pinyin_key("张伟") == "zhangwei"
    assert pinyin_key("Ahmed  Ali-2") == "ahmedali2"
    info = pinyin_key.cache_info()
    assert (info.hits, info.misses) == (1, 2)
