"""Reminders: due dates, the resident's language, idempotent generation."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import Client

from civitas.core import events
from civitas.services import actions
from civitas.services.models import Reminder, ResidentProfile

D = datetime.date.fromisoformat
TODAY = D("2026-03-02")


def run(today=TODAY) -> str:
    out = StringIO()
    call_command("civitas_reminders", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def test_a_visa_reminder_comes_a_week_before_the_last_day_to_apply_in_arabic(resident):
    actions.do_update_profile(resident, acting_user=None, language="ar", visa_expiry=D("2026-03-15"))
    # apply by 8 March (7 days before the stay ends); the reminder comes a week earlier, on 1 March
    assert run(D("2026-02-28")) == "0 reminders created\n"
    assert run(D("2026-03-01")) == "1 reminders created\n"
    assert Reminder.objects.get().act_by == D("2026-03-08")


def test_each_reminder_is_created_once_however_often_the_command_runs(resident):
    actions.do_update_profile(resident, acting_user=None, language="ar", visa_expiry=D("2026-03-12"))
    assert run() == "1 reminders created\n"
    assert run() == "0 reminders created\n"
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.act_by, reminder.language) == ("visa", D("2026-03-05"), "ar")
    assert "2026-03-05" in reminder.message and "تمديد" in reminder.message


def test_a_residence_permit_reminder_asks_to_apply_30_days_before_expiry_in_russian(other_resident):
    actions.do_update_profile(other_resident, acting_user=None, language="ru", residence_permit_expiry=D("2026-04-10"))
    run(D("2026-02-20"))  # act by 11 Mar; reminders start 14 days earlier (25 Feb)
    assert not Reminder.objects.exists()
    run(D("2026-02-25"))
    reminder = Reminder.objects.get()
    assert reminder.act_by == D("2026-03-11") and "вид на жительство" in reminder.message.lower()


def test_a_move_without_registration_is_reminded_until_the_police_confirm_it(resident):
    moved = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    actions.do_update_profile(resident, acting_user=None, language="en", moved_at=moved)
    run()
    reminder = Reminder.objects.get(kind="accommodation")
    assert reminder.act_by == D("2026-03-02") and "within 24 hours" in reminder.message
    # the residence app confirms the foreigner's declaration: no new reminder for a later move check
    event = events.emit(
        "residence.declaration_verified",
        subject=("person", resident.pk),
        payload={"person_id": resident.pk, "foreign": True, "declaration_id": 1},
    )
    actions.on_declaration_verified(event)
    profile = ResidentProfile.objects.get(person=resident)
    assert profile.accommodation_registered_at >= moved
    Reminder.objects.all().delete()
    run()
    assert not Reminder.objects.filter(kind="accommodation").exists()


def test_a_card_renewal_reminder_comes_30_days_before_the_card_expires(card):
    actions.do_update_profile(card.person, acting_user=None, language="zh-hans")
    today = card.expires_on - datetime.timedelta(days=30)
    run(today - datetime.timedelta(days=1))
    assert not Reminder.objects.exists()
    run(today)
    reminder = Reminder.objects.get(kind="card_renewal")
    assert card.number in reminder.message and "续期" in reminder.message


def test_the_resident_sees_their_reminders_on_their_page(resident):
    actions.do_update_profile(resident, acting_user=None, language="en", visa_expiry=D("2026-03-12"))
    run()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/services/me/", {"passport": "P1234567", "birth_date": "1985-03-02"})
    assert "Apply for an extension by 2026-03-05" in client.get("/services/me/").content.decode()
