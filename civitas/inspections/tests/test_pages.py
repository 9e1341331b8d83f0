"""The pages: the phone inspection form, hazard actions, the notice PDF, accountability and its xlsx export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from civitas.inspections import actions
from civitas.inspections.models import Checklist, Hazard, Inspection, Task
from civitas.inspections.tests.builders import T0, hazard, photo, rental_premises


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def task(personas: Any) -> Task:
    premises = rental_premises(personas)
    return Task.objects.create(
        premises=premises, division=premises.division, township_code="330782001", assigned_to=personas["inspector"]
    )


def _form(checklist: Any, key: str, failing: str = "", with_photo: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": key,
        "checklist_id": checklist.pk,
        "acknowledgement": "signed",
        "acknowledged_by": "王房东",
    }
    for item in checklist.items.all():
        data[f"item_{item.code}"] = "fail" if item.code == failing else "pass"
    if failing and with_photo:
        data[f"photo_{failing}"] = photo()
    return data


def test_the_inspection_page_renders_every_item_with_a_photo_input_for_the_camera(personas: Any, task: Task) -> None:
    resp = _client(personas["inspector"]).get(reverse("inspections:inspect", kwargs={"pk": task.pk}))
    html = resp.content.decode()
    assert resp.status_code == 200 and html.count('type="radio"') >= 22
    assert (
        'capture="environment"' in html and "inspections/offline-form.js" in html and 'name="idempotency_key"' in html
    )


def test_a_missing_required_photo_is_shown_next_to_the_item(personas: Any, task: Task) -> None:
    checklist = Checklist.current("rental_house")
    url = reverse("inspections:inspect", kwargs={"pk": task.pk})
    resp = _client(personas["inspector"]).post(url, _form(checklist, "k-1", "escape_window_blocked", with_photo=False))
    assert resp.status_code == 422
    assert "A photo is required when" in resp.content.decode()
    assert not Inspection.objects.exists()


def test_a_retried_submit_with_the_same_key_returns_the_same_result(personas: Any, task: Task) -> None:
    checklist = Checklist.current("rental_house")
    url = reverse("inspections:inspect", kwargs={"pk": task.pk})
    c = _client(personas["inspector"])
    first = c.post(url, _form(checklist, "k-2", "escape_window_blocked"))
    again = c.post(url, _form(checklist, "k-2", "escape_window_blocked"))
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Inspection.objects.count() == 1 and Hazard.objects.count() == 1


def test_the_hazard_page_offers_only_the_transitions_the_state_allows(personas: Any) -> None:
    h = hazard(personas)
    c = _client(personas["inspector"])
    html = c.get(reverse("inspections:hazard", kwargs={"pk": h.pk})).content.decode()
    assert "fix-on-spot" in html and "/notice/" in html and "/reinspect/" not in html
    resp = c.post(reverse("inspections:hazard-action", kwargs={"pk": h.pk, "action": "reinspect"}), {"result": "pass"})
    assert resp.status_code == 422 and "re-inspection needs a fix first" in resp.content.decode()


def test_the_landlord_reports_the_fix_from_the_hazard_page(personas: Any) -> None:
    h = hazard(personas)
    actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    resp = _client(personas["landlord"]).post(
        reverse("inspections:hazard-action", kwargs={"pk": h.pk, "action": "report-fix"}), {"note": "拆除了防盗窗"}
    )
    assert resp.status_code == 302
    assert Hazard.objects.get(pk=h.pk).status == "fix_reported"


def test_the_notice_pdf_is_a_pdf_in_chinese_and_the_owners_language(personas: Any) -> None:
    from civitas.inspections.notices import notice_html, notice_languages

    personas["landlord"].language = "ar"
    personas["landlord"].save(update_fields=["language"])
    notice = actions.do_issue_notice(hazard(personas), acting_user=personas["inspector"], now=T0)
    assert notice_languages(notice) == ["zh-hans", "ar"]
    html = notice_html(notice)
    assert "逃生窗未被防盗窗、广告牌或杂物封堵" in html and 'dir="rtl"' in html
    resp = _client(personas["landlord"]).get(reverse("inspections:notice-pdf", kwargs={"pk": notice.pk}))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")


def test_accountability_counts_found_overdue_and_reinspection_pass_rate(personas: Any) -> None:
    import datetime

    from civitas.inspections import accountability

    on_time = hazard(personas)
    actions.do_fix_on_spot(on_time, after_photo=photo(), acting_user=personas["inspector"], now=T0)
    actions.do_reinspect(on_time, passed=True, acting_user=personas["inspector"], now=T0)
    late = hazard(personas, "ebike_window_charging")
    actions.do_issue_notice(late, acting_user=personas["inspector"], now=T0)
    today = T0.date() + datetime.timedelta(days=10)
    row = {r["key"]: r for r in accountability.by_township("330782", today)}["330782001"]
    assert (row["inspections"], row["found"], row["fixed_on_time"], row["overdue"], row["closed"]) == (2, 2, 1, 1, 1)
    assert row["pass_rate"] == 100.0 and row["label"] == "稠城街道"
    official = accountability.by_official("330782001", today)[0]
    assert official["key"] == personas["inspector"].pk and official["overdue"] == 1
    assert accountability.by_township("330782100", today) == []


def test_the_accountability_export_is_an_xlsx_with_a_sheet_per_view(personas: Any) -> None:
    hazard(personas)
    resp = _client(personas["analyst"]).get(reverse("inspections:accountability-xlsx"))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    assert len(wb.sheetnames) == 4
    township = wb.worksheets[0]
    assert township.cell(2, 1).value == "稠城街道" and township.cell(2, 3).value == 1


def test_the_landlord_home_shows_the_open_hazard_panel(personas: Any) -> None:
    h = hazard(personas)
    notice = actions.do_issue_notice(h, acting_user=personas["inspector"], now=T0)
    html = _client(personas["landlord"]).get("/").content.decode()
    assert notice.number in html and reverse("inspections:hazard", kwargs={"pk": h.pk}) in html
    assert notice.number not in _client(personas["landlord_other"]).get("/").content.decode()


def test_the_property_page_records_a_closed_hazard_with_its_passed_reinspection(personas: Any) -> None:
    h = hazard(personas)
    actions.do_fix_on_spot(h, after_photo=photo(), acting_user=personas["inspector"], now=T0)
    actions.do_reinspect(h, passed=True, acting_user=personas["inspector"], now=T0)
    html = _client(personas["grid"]).get(reverse("places:property", kwargs={"pk": personas["property"].pk}))
    text = html.content.decode()
    assert "Safety inspection history" in text or "re-inspection passed" in text
    assert "re-inspection passed" in text


def test_an_inspector_creates_a_campaign_from_the_form_and_sees_progress(personas: Any) -> None:
    c = _client(personas["inspector"])
    resp = c.post(
        reverse("inspections:campaign-new"),
        {
            "name": "百日出租房消防安全整治",
            "division_code": "330782001",
            "premises_types": ["rental_house"],
            "assignee_kind": "grid_worker",
            "starts_on": "2026-03-01",
            "ends_on": "2026-06-08",
        },
    )
    assert resp.status_code == 302
    page = c.get(resp["Location"]).content.decode()
    assert "稠城街道" in page and "0 / 1" in page


def test_an_officer_turns_a_public_report_into_a_task(personas: Any) -> None:
    from civitas.inspections.models import Lead, ReportService

    premises = rental_premises(personas)
    lead = actions.do_submit_report(
        service=ReportService.objects.get(code="escape_blocked"), address_string=personas["property"].building.address
    )
    assert lead.division_id == personas["g1"].code
    c = _client(personas["inspector"])
    assert str(premises) in c.get(reverse("inspections:lead", kwargs={"pk": lead.pk})).content.decode()
    resp = c.post(
        reverse("inspections:lead-action", kwargs={"pk": lead.pk, "action": "task"}), {"premises_id": premises.pk}
    )
    assert resp.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == "tasked"
    assert Task.objects.get(lead=lead).premises_id == premises.pk
