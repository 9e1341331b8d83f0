"""Pages and API: party access by code + phone + SMS code, officer filing over the API, the dispatcher
console, statistics, and the agreement PDF in Arabic and Chinese."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from civitas.core import sms
from civitas.mediation import actions
from civitas.mediation.models import Case
from civitas.mediation.tests.builders import file_case, mediator

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]


def test_the_status_page_answers_alike_for_unknown_cases_and_opens_with_the_right_phone_and_code(
    personas, django_capture_on_commit_callbacks
):
    case = file_case(personas["g1"], now=NOW)
    c = Client()
    resp = c.post("/mediation/status/", {"step": "find", "case_code": "JFNOTREAL9", "phone": "13800000001"})
    assert resp.status_code == 302
    assert "status-code" in c.get("/mediation/status/").content.decode()
    sms.OUTBOX.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/mediation/status/", {"step": "find", "case_code": case.code, "phone": "138 0000 0001"})
    assert len(sms.OUTBOX) == 1
    assert c.get(f"/mediation/status/{case.code}/").status_code == 404
    c.post("/mediation/status/", {"step": "code", "code": _code(sms.OUTBOX[0][1])})
    page = c.get(f"/mediation/status/{case.code}/")
    assert page.status_code == 200 and case.code in page.content.decode()


def test_an_officer_files_over_the_api_and_only_one_mediator_can_accept(personas):
    a = mediator(personas["t1"], rating="5.00")
    c = Client()
    c.force_login(personas["police"])
    body = {
        "category": "trade",
        "description": "样品不符",
        "division_code": personas["g1"].code,
        "amount": "3000",
        "parties": [
            {"role": "claimant", "name": "Ahmed", "foreign": True, "nationality": "YEM", "languages": ["ar", "zh"]},
            {"role": "respondent", "name": "陈老板", "kind": "merchant", "company": "华丰"},
        ],
    }
    resp = c.post("/api/mediation/cases", json.dumps(body), content_type="application/json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["channel"] == "hotline" and data["status"] == "offered" and len(data["parties"]) == 2
    m = Client()
    m.force_login(a.user)
    offers = m.get("/api/mediation/offers").json()
    assert [o["case_code"] for o in offers] == [data["code"]]
    assert m.post(f"/api/mediation/offers/{offers[0]['id']}/accept").json()["status"] == "active"
    again = m.post(f"/api/mediation/offers/{offers[0]['id']}/accept")
    assert again.status_code == 422 and again.json()["code"] == "validation_error"


def test_bad_filing_input_names_each_field(personas):
    c = Client()
    c.force_login(personas["staff"])
    body = {"category": "gossip", "description": "", "division_code": "999", "parties": []}
    resp = c.post("/api/mediation/cases", json.dumps(body), content_type="application/json")
    assert resp.status_code == 422
    fields = {e["field"] for e in resp.json()["errors"]}
    assert {"category", "description", "division", "parties"} <= fields


def test_the_console_shows_the_queue_with_its_reason_within_a_query_budget(personas, django_assert_max_num_queries):
    for _ in range(5):
        file_case(personas["g1"], now=NOW, claimant_langs="sw")
    c = Client()
    c.force_login(personas["mediator"])
    with django_assert_max_num_queries(25):
        page = c.get("/mediation/console/").content.decode()
    assert page.count("article") >= 5
    assert "no_shared_language" not in page  # the reason is shown in words, not as a code


def test_statistics_count_by_township_and_category_and_per_mediator(personas):
    m = mediator(personas["t1"])
    case = file_case(personas["g1"], now=NOW)
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    file_case(personas["g3"], now=NOW, category="rental")
    c = Client()
    c.force_login(personas["analyst"])
    data = c.get("/api/mediation/statistics").json()
    rows = {(r["township"], r["category"]): r["total"] for r in data["by_township_and_category"]}
    assert rows == {(personas["t1"].code, "trade"): 1, (personas["t2"].code, "rental"): 1}
    mine = next(r for r in data["mediators"] if r["mediator_id"] == m.pk)
    assert mine["cases"] == 1 and mine["open"] == 1
    c.force_login(personas["police_other"])
    rows = c.get("/api/mediation/statistics").json()["by_township_and_category"]
    assert [r["township"] for r in rows] == [personas["t2"].code]


def test_the_agreement_pdf_carries_arabic_and_chinese_text_with_the_right_fonts(personas):
    m = mediator(personas["t1"], kind="foreign", languages="zh,ar,en")
    case = file_case(personas["g1"], now=NOW, claimant_langs="ar", foreign=True, nationality="EGY")
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    case = Case.objects.get(pk=case.pk)
    agreement = actions.do_draft_agreement(
        case,
        texts={"ar": "يعيد البائع المبلغ", "zh": "卖方退款"},
        amount=Decimal(100),
        perform_by=datetime.date(2026, 12, 1),
        acting_user=m.user,
    )
    c = Client()
    c.force_login(m.user)
    resp = c.get(f"/mediation/cases/{case.pk}/agreement.pdf")
    assert resp.status_code == 200 and resp.content[:4] == b"%PDF"
    from civitas.mediation.agreement_pdf import sections

    parts = sections(agreement)
    assert [(s["lang"], s["dir"]) for s in parts] == [("ar", "rtl"), ("zh", "ltr")]
    assert "اتفاق الوساطة" in parts[0]["html"] and "人民调解协议书" in parts[1]["html"]
