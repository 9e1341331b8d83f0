"""Booking capacity under concurrent requests, on PostgreSQL (row lock on the slot + unique constraint).

Run: CIVITAS_DB=postgres CIVITAS_PG_TEST_NAME=t_services .venv/bin/pytest -m postgres civitas/services --create-db
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from civitas.services import actions
from civitas.services.models import Appointment, ServicePoint, Slot
from civitas.services.seeds import seed_catalogue
from civitas.testing import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("postgresql" not in str(settings.DATABASES["default"]["ENGINE"]), reason="needs PostgreSQL"),
]


def race(n: int, book) -> list[str]:
    """Run `book(i)` in n threads released together; return 'ok' or the error code of each."""
    barrier = threading.Barrier(n)
    results: list[str] = [""] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            book(i)
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = str(exc.error_dict["slot"][0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def slot(transactional_db):
    seed_catalogue()  # a transactional test starts from flushed tables
    point = ServicePoint.objects.get(code="centre")
    return Slot.objects.create(point=point, starts_at=timezone.now() + datetime.timedelta(days=1), capacity=3)


def test_twelve_people_racing_for_three_places_get_exactly_three(slot):
    people = [factories.foreigner(f"TRADER {i}", number=f"C{i:07d}") for i in range(12)]
    results = race(12, lambda i: actions.do_book_appointment(slot.pk, people[i], acting_user=None))
    assert results.count("ok") == 3 and results.count("slot_full") == 9
    slot.refresh_from_db()
    assert slot.booked == 3 == Appointment.objects.filter(slot=slot).count()


def test_one_person_double_clicking_books_once(slot):
    person = factories.foreigner("AHMED ALI", number="D1234567")
    results = race(6, lambda i: actions.do_book_appointment(slot.pk, person, acting_user=None))
    assert results.count("ok") == 1 and results.count("double_booking") == 5
    slot.refresh_from_db()
    assert slot.booked == 1
