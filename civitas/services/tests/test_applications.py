"""Online applications: form data, uploads, the workflow, the legal clock, breach warnings, the report."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from civitas.core.models import AuditEvent
from civitas.services import actions
from civitas.services.access import applications_visible_to
from civitas.services.choices import ApplicationStatus
from civitas.services.models import Application, MerchantCard, Service
from civitas.services.reports import breach_list, processing_times
from civitas.services.residents import link_token
from civitas.services.tests.conftest import JPG, PDF, pdf, png, submit
from civitas.testing import factories

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH)


def test_an_application_gets_a_deadline_in_working_days_and_an_audit_entry(resident):
    app = submit("visa-extension", resident, now=at("2025-09-26"), answers={"reason": "business"})
    assert app.status == ApplicationStatus.SUBMITTED and app.division_code == resident.division_id
    # Friday 26 Sep; 28 Sep (Sun) and 30 Sep work, 1–8 Oct off: 7 working days end on 13 Oct.
    assert app.due_on == datetime.date(2025, 10, 13)
    assert AuditEvent.objects.filter(action="services.application_submit", object_id=str(app.pk)).exists()


def test_the_clock_stops_while_waiting_for_documents_and_the_deadline_moves(resident):
    app = submit("visa-extension", resident, now=at("2025-03-03"))
    assert app.due_on == datetime.date(2025, 3, 12)
    actions.do_accept_application(app, acting_user=None, now=at("2025-03-03", 15))
    app = actions.do_request_documents(app, "Invitation letter", acting_user=None, now=at("2025-03-04"))
    assert app.status == ApplicationStatus.MORE_DOCUMENTS and app.due_on is None
    assert actions.application_clock(app, today=datetime.date(2025, 3, 20)).stopped
    app = actions.do_provide_documents(app, [("invitation", pdf("letter.pdf"))], acting_user=None, now=at("2025-03-06"))
    assert app.status == ApplicationStatus.ACCEPTED
    assert app.due_on == datetime.date(2025, 3, 14)  # two working days (5th, 6th) did not count
    app = actions.do_decide_application(app, approve=True, note="", acting_user=None, now=at("2025-03-10"))
    assert app.status == ApplicationStatus.APPROVED and app.processing_days == 5 - 2


def test_a_refusal_needs_a_reason(resident):
    app = submit(
        "work-permit",
        resident,
        answers={"employer": "X", "position": "Y"},
        uploads=[("passport", pdf()), ("contract", pdf("c.pdf"))],
    )
    actions.do_accept_application(app, acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_decide_application(app, approve=False, note=" ", acting_user=None)
    app = actions.do_decide_application(app, approve=False, note="Contract unsigned", acting_user=None)
    assert app.status == ApplicationStatus.REFUSED


def test_steps_out_of_order_are_refused(resident):
    app = submit("visa-extension", resident)
    with pytest.raises(ValidationError):
        actions.do_decide_application(app, approve=True, note="", acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_provide_documents(app, [("passport", pdf())], acting_user=None)


def test_a_missing_required_document_is_refused_by_name(resident):
    with pytest.raises(ValidationError) as exc:
        submit("visa-extension", resident, uploads=[("passport", pdf())])
    assert "photo" in exc.value.message_dict


def test_an_upload_of_the_wrong_type_is_refused_whatever_its_name(resident):
    fake_pdf = SimpleUploadedFile("passport.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        submit("visa-extension", resident, uploads=[("passport", fake_pdf), ("photo", png())])
    assert exc.value.error_dict["passport"][0].code == "wrong_type"
    with pytest.raises(ValidationError):  # the photo must be an image, a PDF is not accepted
        submit("visa-extension", resident, uploads=[("passport", pdf()), ("photo", pdf("p.pdf"))])


def test_an_upload_too_large_is_refused_with_the_limit_in_the_message(resident):
    big = SimpleUploadedFile("photo.jpg", JPG + b"\x00" * (2 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        submit("visa-extension", resident, uploads=[("passport", pdf()), ("photo", big)])
    err = exc.value.error_dict["photo"][0]
    assert err.code == "too_large" and "2 MB" in err.message


def test_the_upload_error_is_shown_in_the_applicants_language(resident):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    big = SimpleUploadedFile("photo.jpg", JPG + b"\x00" * (3 * 1024 * 1024), content_type="image/jpeg")
    resp = client.post(
        "/services/s/visa-extension/apply/",
        {
            "passport": "P1234567",
            "birth_date": "1985-03-02",
            "f_visa_expiry": "2026-12-01",
            "f_reason": "business",
            "f_days": "30",
            "doc_passport": SimpleUploadedFile("p.pdf", PDF),
            "doc_photo": big,
        },
    )
    assert resp.status_code == 200
    assert "не более 2 МБ" in resp.content.decode()
    assert not Application.objects.exists()


def test_an_applicant_applies_online_and_follows_the_live_status_in_their_language(resident):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    resp = client.post(
        "/services/s/visa-extension/apply/",
        {
            "passport": "P1234567",
            "birth_date": "1985-03-02",
            "f_visa_expiry": "2026-12-01",
            "f_reason": "business",
            "f_days": "30",
            "doc_passport": SimpleUploadedFile("p.pdf", PDF),
            "doc_photo": SimpleUploadedFile("p.jpg", JPG),
        },
    )
    assert resp.status_code == 302
    app = Application.objects.get()
    assert app.language == "ar" and app.answers == {"visa_expiry": "2026-12-01", "reason": "business", "days": 30}
    page = client.get(resp["Location"]).content.decode()
    assert app.reference in page and 'dir="rtl"' in page and "مقدَّم" in page
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en").get(resp["Location"]).content.decode()
    assert app.reference not in stranger and "passport number" in stranger


def test_an_unknown_passport_cannot_apply(resident):
    resp = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/services/s/visa-extension/apply/",
        {
            "passport": "P1234567",
            "birth_date": "1999-01-01",
            "f_visa_expiry": "2026-12-01",
            "f_reason": "business",
            "f_days": "30",
            "doc_passport": SimpleUploadedFile("p.pdf", PDF),
            "doc_photo": SimpleUploadedFile("p.jpg", JPG),
        },
    )
    assert resp.status_code == 200 and "could not find" in resp.content.decode()


def test_the_applicant_uploads_requested_documents_from_the_status_page(resident):
    app = submit("visa-extension", resident)
    actions.do_request_documents(app, "Please add the invitation letter", acting_user=None)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/services/status/{link_token('app', app.pk)}/"
    client.post(url, {"action": "unlock", "passport": "P1234567"})
    page = client.get(url).content.decode()
    assert "Please add the invitation letter" in page
    resp = client.post(url, {"action": "upload", "doc_invitation": SimpleUploadedFile("l.pdf", PDF)})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACCEPTED and app.stops.get().ended_on is not None


def test_breach_warnings_list_applications_due_within_two_working_days_or_overdue(resident, other_resident):
    due_soon = submit("accommodation-registration", resident, now=at("2025-03-03"))  # due 4 Mar
    overdue = submit("company-registration", other_resident, now=at("2025-02-24"))  # due 27 Feb
    later = submit("residence-permit", resident, now=at("2025-03-03"))  # due 24 Mar
    stopped = submit("visa-extension", other_resident, now=at("2025-02-24"))
    actions.do_request_documents(stopped, "photo", acting_user=None, now=at("2025-02-25"))
    rows = breach_list(Application.objects.all(), today=datetime.date(2025, 3, 3))
    assert [(r.application.pk, r.left) for r in rows] == [(overdue.pk, -2), (due_soon.pk, 1)]
    assert later.pk not in [r.application.pk for r in rows]


def test_staff_see_breaches_only_in_their_own_township(personas, resident, other_resident):
    mine = submit("accommodation-registration", resident)
    submit("accommodation-registration", other_resident)
    visible = applications_visible_to(personas["staff"])
    assert list(visible) == [mine]
    assert applications_visible_to(personas["police"]).count() == 0
    assert applications_visible_to(personas["admin"]).count() == 2


def test_the_report_gives_average_working_days_against_the_baseline(resident, other_resident):
    for person, day, decide in ((resident, "2025-03-03", "2025-03-07"), (other_resident, "2025-03-03", "2025-03-05")):
        app = submit("visa-extension", person, now=at(day))
        actions.do_accept_application(app, acting_user=None, now=at(day, 11))
        actions.do_decide_application(app, approve=True, note="", acting_user=None, now=at(decide))
    row = next(r for r in processing_times(Application.objects.all()) if r.service.code == "visa-extension")
    assert (row.decided, row.average_days, row.baseline_days) == (2, 3.0, 15)
    assert row.cut_percent == 80.0


def test_approving_a_merchant_card_application_issues_the_card(resident):
    app = submit("merchant-card", resident)
    card = MerchantCard.objects.get(person=resident)
    assert card.status == "applied"
    actions.do_accept_application(app, acting_user=None)
    actions.do_decide_application(app, approve=True, note="", acting_user=None)
    card.refresh_from_db()
    assert card.status == "active" and card.serial == 1


def test_a_chinese_citizen_is_not_an_applicant_here(city):
    citizen = factories.person("张伟", division=city["g1"])
    with pytest.raises(ValidationError):
        actions.do_submit_application(Service.objects.get(code="visa-extension"), citizen, {}, [], acting_user=None)
