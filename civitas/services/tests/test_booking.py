"""The 1+N network: slots with capacity, no double booking, queue numbers, staff day view."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from civitas.services import actions
from civitas.services.models import Appointment, ServicePoint, Slot
from civitas.testing import factories
from civitas.testing.factories import PASSWORD


@pytest.fixture
def station(db):
    return ServicePoint.objects.get(code="choucheng")


@pytest.fixture
def slot(station):
    return Slot.objects.create(point=station, starts_at=timezone.now() + datetime.timedelta(days=1), capacity=2)


def test_the_network_is_seeded_with_a_centre_and_stations_speaking_arabic(db):
    centre = ServicePoint.objects.get(kind="centre")
    assert centre.services.count() == 11 and "ru" in centre.languages
    assert sum("ar" in p.languages for p in ServicePoint.objects.filter(kind="station")) >= 2


def test_a_slot_takes_bookings_up_to_its_capacity_then_says_it_is_full(slot, resident, other_resident, city):
    actions.do_book_appointment(slot.pk, resident, acting_user=None)
    actions.do_book_appointment(slot.pk, other_resident, acting_user=None)
    third = factories.foreigner("KARIM SAID", nationality="EGY", division=city["g1"])
    with pytest.raises(ValidationError) as exc:
        actions.do_book_appointment(slot.pk, third, acting_user=None)
    assert exc.value.error_dict["slot"][0].code == "slot_full"
    slot.refresh_from_db()
    assert slot.booked == 2


def test_the_same_person_cannot_book_the_same_slot_twice(slot, resident):
    actions.do_book_appointment(slot.pk, resident, acting_user=None)
    with pytest.raises(ValidationError) as exc:
        actions.do_book_appointment(slot.pk, resident, acting_user=None)
    assert exc.value.error_dict["slot"][0].code == "double_booking"


def test_cancelling_frees_the_place_and_allows_booking_again(slot, resident):
    appt = actions.do_book_appointment(slot.pk, resident, acting_user=None)
    actions.do_cancel_appointment(appt, acting_user=None)
    slot.refresh_from_db()
    assert slot.booked == 0
    again = actions.do_book_appointment(slot.pk, resident, acting_user=None)
    assert again.pk != appt.pk


def test_a_past_slot_cannot_be_booked(station, resident):
    past = Slot.objects.create(point=station, starts_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError):
        actions.do_book_appointment(past.pk, resident, acting_user=None)


def test_arrivals_get_consecutive_queue_numbers_per_point_and_day(slot, resident, other_resident):
    a = actions.do_book_appointment(slot.pk, resident, acting_user=None)
    b = actions.do_book_appointment(slot.pk, other_resident, acting_user=None)
    assert actions.do_check_in(b, acting_user=None).queue_number == 1
    assert actions.do_check_in(a, acting_user=None).queue_number == 2
    assert actions.do_check_in(a, acting_user=None).queue_number == 2  # idempotent


def test_opening_slots_is_idempotent(station):
    day = timezone.localdate() + datetime.timedelta(days=3)
    assert actions.do_open_slots(station, day, acting_user=None) == 14
    assert actions.do_open_slots(station, day, acting_user=None) == 0


def test_a_resident_books_through_the_pages_and_a_full_slot_is_answered_in_arabic(slot, resident, other_resident):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    url = f"/services/points/{slot.point_id}/book/{slot.pk}/"
    resp = client.post(url, {"passport": "P1234567", "birth_date": "1985-03-02", "service": "visa-extension"})
    assert resp.status_code == 302
    appt = Appointment.objects.get(person=resident)
    assert appt.service.code == "visa-extension"
    assert appt.reference in client.get(resp["Location"]).content.decode()
    twice = client.post(url, {"service": ""}).content.decode()
    assert "لقد حجزت هذا الموعد بالفعل" in twice
    actions.do_book_appointment(slot.pk, other_resident, acting_user=None)
    factories.foreigner("KARIM SAID", nationality="EGY", number="E5555555")
    full = Client(HTTP_ACCEPT_LANGUAGE="ar").post(url, {"passport": "E5555555", "birth_date": "1985-03-02"})
    assert full.status_code == 200 and "هذا الموعد محجوز بالكامل" in full.content.decode()


def test_staff_check_in_arrivals_at_their_own_stations_only(personas, slot, resident):
    appt = actions.do_book_appointment(slot.pk, resident, acting_user=None)
    staff = Client()
    staff.force_login(personas["staff"])
    day = timezone.localtime(slot.starts_at).date().isoformat()
    page = staff.get(f"/services/staff/points/{slot.point_id}/?day={day}").content.decode()
    assert appt.reference in page
    staff.post(f"/services/staff/appointments/{appt.pk}/check-in/")
    appt.refresh_from_db()
    assert appt.queue_number == 1
    fotang = ServicePoint.objects.get(code="fotang")
    assert staff.get(f"/services/staff/points/{fotang.pk}/").status_code == 404
    other = Client()
    other.login(username=personas["police"].username, password=PASSWORD)
    assert other.get(f"/services/staff/points/{slot.point_id}/").status_code == 403
