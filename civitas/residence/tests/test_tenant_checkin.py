"""The tenant's journey without an account: scan, fill in, SMS code, receipt; move-out and change by code."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.core import sms
from civitas.documents.mrz import make_td3
from civitas.residence import actions, qr
from civitas.residence.choices import DeclarationStatus
from civitas.residence.models import Declaration, PhoneChallenge
from civitas.residence.tests.builders import rooms
from civitas.testing.factories import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(personas):
    return actions.do_issue_code(personas["property"], acting_user=personas["landlord"])


def form_data(room_id: int, **over):
    data = {
        "room": str(room_id),
        "doc_kind": "resident_id",
        "doc_number": resident_id(),
        "name": "陈静",
        "phone": "13912345678",
        "move_in": timezone.localdate().isoformat(),
        "purpose": "work",
        "employer": "义乌国际商贸城",
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "8",
    }
    for i in range(3):
        data.update({f"m-{i}-relation": "child", f"m-{i}-doc_kind": "resident_id"})
    data.update(over)
    return data


def last_code() -> str:
    found = re.search(r"\d{6}", sms.OUTBOX[-1][1])
    assert found is not None
    return found.group(0)


def submit(client, token, data):
    resp = client.post(reverse("residence:checkin", kwargs={"token": token}), data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    resp = client.post(reverse("residence:checkin-verify", kwargs={"token": token}), {"code": last_code()})
    assert resp.status_code == 302
    return client.get(resp["Location"])


def test_a_tenant_declares_with_an_sms_code_and_gets_a_receipt(personas, code):
    client = Client()
    token = qr.code_token(code)
    page = client.get(reverse("residence:checkin", kwargs={"token": token}))
    assert page.status_code == 200 and "陈静" not in page.content.decode()
    receipt = submit(client, token, form_data(rooms(personas)[0].pk))
    decl = Declaration.objects.get()
    assert decl.number in receipt.content.decode() and decl.phone_verified
    assert decl.status == DeclarationStatus.SUBMITTED and decl.source == "tenant_qr"
    assert PhoneChallenge.objects.get().code_hash != last_code()


def test_a_family_with_a_child_is_declared_by_the_guardian(personas, code):
    child_birth = timezone.localdate().replace(year=timezone.localdate().year - 6)
    data = form_data(
        rooms(personas)[0].pk,
        **{"m-0-doc_number": resident_id(child_birth), "m-0-name": "陈小宝", "m-0-relation": "child"},
    )
    submit(Client(), qr.code_token(code), data)
    assert Declaration.objects.get().members.count() == 2


def test_a_passport_can_be_given_by_its_machine_readable_zone(personas, code):
    zone = make_td3(
        document_number="X1234567",
        surname="NOVAK",
        given_names="JANA",
        nationality="CZE",
        birth_date=timezone.localdate().replace(year=1990),
        sex="F",
        expiry_date=timezone.localdate().replace(year=timezone.localdate().year + 5),
    )
    mrz_text = "\n".join(zone) if isinstance(zone, tuple | list) else zone
    data = form_data(rooms(personas)[0].pk, doc_kind="passport", doc_number="", name="", mrz=mrz_text)
    submit(Client(), qr.code_token(code), data)
    person = Declaration.objects.get().members.get().person
    assert person.nationality == "CZE" and person.name_latin == "NOVAK JANA" and person.doc_expiry


def test_a_wrong_code_is_refused_and_attempts_are_limited(personas, code):
    client = Client()
    token = qr.code_token(code)
    client.post(reverse("residence:checkin", kwargs={"token": token}), form_data(rooms(personas)[0].pk))
    wrong = "000000" if last_code() != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("residence:checkin-verify", kwargs={"token": token}), {"code": wrong})
    resp = client.post(reverse("residence:checkin-verify", kwargs={"token": token}), {"code": last_code()})
    assert resp.status_code == 200 and not Declaration.objects.exists()


def test_an_invalid_identity_number_is_shown_before_any_sms(personas, code):
    sms.OUTBOX.clear()
    bad = form_data(rooms(personas)[0].pk, doc_number="11010519491231002Y")
    resp = Client().post(reverse("residence:checkin", kwargs={"token": qr.code_token(code)}), bad)
    assert resp.status_code == 200 and not sms.OUTBOX


def test_a_revoked_code_no_longer_opens_the_form(personas, code):
    old = qr.code_token(code)
    code = actions.do_revoke_code(code, acting_user=personas["landlord"])
    assert Client().get(reverse("residence:checkin", kwargs={"token": old})).status_code == 404
    assert Client().get(reverse("residence:checkin", kwargs={"token": qr.code_token(code)})).status_code == 200
    assert Client().get(reverse("residence:checkin", kwargs={"token": old[:-2] + "xx"})).status_code == 404


def test_the_tenant_moves_out_and_changes_room_with_document_and_phone(personas, code):
    client = Client()
    token = qr.code_token(code)
    number = resident_id()
    r1, r2 = rooms(personas)[:2]
    submit(client, token, form_data(r1.pk, doc_number=number))
    decl = Declaration.objects.get()
    url = reverse("residence:tenant-change", kwargs={"token": token})
    wrong = client.post(
        url,
        {
            "action": "check_out",
            "doc_number": number,
            "phone": "13900000000",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert wrong.status_code == 200 and Declaration.objects.get().status == DeclarationStatus.SUBMITTED
    resp = client.post(
        url,
        {
            "action": "change",
            "doc_number": number,
            "phone": "13912345678",
            "date": timezone.localdate().isoformat(),
            "room": str(r2.pk),
        },
    )
    assert resp.status_code == 302
    client.post(reverse("residence:checkin-verify", kwargs={"token": token}), {"code": last_code()})
    decl.refresh_from_db()
    new = Declaration.objects.exclude(pk=decl.pk).get()
    assert decl.status == DeclarationStatus.SUPERSEDED and new.room_id == r2.pk
    client.post(
        url,
        {
            "action": "check_out",
            "doc_number": number,
            "phone": "13912345678",
            "date": timezone.localdate().isoformat(),
        },
    )
    client.post(reverse("residence:checkin-verify", kwargs={"token": token}), {"code": last_code()})
    new.refresh_from_db()
    assert new.status == DeclarationStatus.CHECKED_OUT


def test_the_poster_is_a_png_and_a_pdf(personas, code):
    client = Client()
    client.force_login(personas["landlord"])
    png = client.get(reverse("residence:poster-png", kwargs={"pk": code.pk}))
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(reverse("residence:poster-pdf", kwargs={"pk": code.pk}))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
