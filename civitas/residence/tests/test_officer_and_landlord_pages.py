"""What landlords and officers see: workbench occupancy, residents on a past date, panels, counts, decisions."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import AuditEvent
from civitas.residence import actions
from civitas.residence.choices import DeclarationStatus
from civitas.residence.tests.builders import chinese, declare, rooms

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_workbench_shows_occupancy_against_capacity_and_pending_declarations(personas):
    r = rooms(personas)[0]
    declare(r, chinese("住户一"), source="landlord", acting_user=personas["landlord"])
    pending = declare(r, chinese("住户二"))
    page = client_for(personas["landlord"]).get(reverse("residence:landlord-property", args=[personas["property"].pk]))
    html = page.content.decode()
    assert "2 / 2" in html and pending.number in html and "住户一" in html
    wb = client_for(personas["landlord"]).get(reverse("residence:workbench")).content.decode()
    assert pending.number in wb
    other = client_for(personas["landlord_other"]).get(reverse("residence:workbench")).content.decode()
    assert pending.number not in other


def test_the_landlord_declares_on_behalf_through_the_form(personas):
    from civitas.testing.factories import resident_id

    data = {
        "room": str(rooms(personas)[0].pk),
        "doc_kind": "resident_id",
        "doc_number": resident_id(),
        "name": "代报",
        "phone": "",
        "move_in": timezone.localdate().isoformat(),
        "purpose": "family",
        "m-TOTAL_FORMS": "0",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "8",
    }
    resp = client_for(personas["landlord"]).post(
        reverse("residence:landlord-declare", args=[personas["property"].pk]), data
    )
    assert resp.status_code == 302
    from civitas.residence.models import Declaration

    assert Declaration.objects.get().status == DeclarationStatus.VERIFIED


def test_officers_see_residents_now_and_on_a_past_date(personas):
    ten_days = timezone.localdate() - datetime.timedelta(days=10)
    old = declare(
        rooms(personas)[0],
        chinese("旧住户"),
        source="landlord",
        acting_user=personas["landlord"],
        move_in=ten_days,
        declared_at=timezone.now() - datetime.timedelta(days=10),
    )
    actions.do_check_out(old, timezone.localdate() - datetime.timedelta(days=2), acting_user=personas["landlord"])
    declare(rooms(personas)[1], chinese("新住户"), source="landlord", acting_user=personas["landlord"])
    police = client_for(personas["police"])
    now = police.get(reverse("residence:residents")).content.decode()
    assert "新住户" in now and "旧住户" not in now
    past = police.get(reverse("residence:residents"), {"on": (ten_days + datetime.timedelta(days=1)).isoformat()})
    assert "旧住户" in past.content.decode() and "新住户" not in past.content.decode()
    other = client_for(personas["police_other"]).get(reverse("residence:residents")).content.decode()
    assert "新住户" not in other
    assert (
        client_for(personas["police_other"]).get(reverse("residence:residents"), {"division": "330782001"}).status_code
        == 404
    )


def test_the_property_and_person_pages_show_residence_panels(personas):
    decl = declare(rooms(personas)[0], chinese("面板"), source="landlord", acting_user=personas["landlord"])
    grid = client_for(personas["grid"])
    prop = grid.get(reverse("places:property", args=[personas["property"].pk])).content.decode()
    assert "面板" in prop and decl.number in prop
    person = grid.get(reverse("people:detail", args=[decl.members.get().person_id])).content.decode()
    assert decl.number in person


def test_counts_by_township_for_the_day_and_the_week(personas):
    declare(rooms(personas)[0], chinese("计数"), source="landlord", acting_user=personas["landlord"])
    declare(
        personas["property_other"].rooms.first(),
        chinese("他镇"),
        source="landlord",
        acting_user=personas["landlord_other"],
    )
    day = client_for(personas["analyst"]).get(reverse("residence:counts")).content.decode()
    assert "330782001" in day and "330782100" in day
    police = client_for(personas["police"]).get(reverse("residence:counts"), {"period": "week"}).content.decode()
    assert "330782001" in police and "330782100" not in police


def test_an_officer_corrects_a_late_declaration_and_the_decision_is_audited(personas):
    decl = declare(
        rooms(personas)[0],
        chinese("更正"),
        source="landlord",
        acting_user=personas["landlord"],
        move_in=timezone.localdate() - datetime.timedelta(days=9),
    )
    resp = client_for(personas["grid"]).post(
        reverse("residence:decide", args=[decl.pk]),
        {
            "decision": "correct",
            "note": "租约显示昨天入住",
            "move_in": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert resp.status_code == 302
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.CORRECTED and decl.days_late == 0
    ev = AuditEvent.objects.get(action="residence.officer_correct")
    assert ev.note == "租约显示昨天入住" and ev.old["move_in"] != ev.new["move_in"]
    outsider = client_for(personas["grid_other"])
    resp = outsider.post(reverse("residence:decide", args=[decl.pk]), {"decision": "reject", "note": "x"})
    assert resp.status_code == 404
