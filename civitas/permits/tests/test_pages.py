"""Pages and API for officers and residents: the queue with clocks and overdue files, the person panel,
the resident's code sign-in, and the refusal that names the failing condition."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from civitas.core import sms
from civitas.permits import actions
from civitas.permits.eligibility import Period
from civitas.permits.models import PermitApplication
from civitas.testing.factories import person, resident_id

D = datetime.date


def _officer(personas: Any, who: str = "police") -> Client:
    client = Client()
    client.force_login(personas[who])
    return client


def test_the_queue_lists_overdue_files_and_the_api_filters_them(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    today(D(2026, 6, 20))
    page = _officer(personas).get("/permits/officer/")
    assert page.status_code == 200
    assert re.search(r'id="count-overdue">\s*1<', page.content.decode())
    assert app.reference in page.content.decode()
    body = _officer(personas).get("/api/permits/applications", {"overdue": "true"}).json()
    assert [a["reference"] for a in body] == [app.reference] and body[0]["overdue"] is True
    assert _officer(personas, "police_other").get("/api/permits/applications", {"overdue": "true"}).json() == []


def test_the_person_page_carries_the_permit_panel(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    page = _officer(personas).get(f"/people/{resident.pk}/")
    assert page.status_code == 200
    assert f"/permits/person/{resident.pk}/" in page.content.decode()


def test_an_officer_records_an_employment_contract_as_evidence(personas: Any, residence: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    p = person("周工", division=personas["g1"])
    residence[p.pk] = [Period(D(2025, 1, 1), None, purpose="family")]
    client = _officer(personas)
    client.post(
        f"/permits/person/{p.pk}/",
        {"kind": "employment", "start": "2025-03-01", "reference": "HT-2025-0042", "label": "义乌某厂"},
    )
    result = actions.check_eligibility(p, D(2026, 6, 1))
    assert result.condition("job").met and result.condition("job").evidence[0].reference == "HT-2025-0042"


def test_a_resident_signs_in_with_an_sms_code_and_a_wrong_code_is_refused(
    personas: Any, residence: Any, today: Any
) -> None:
    today(D(2026, 6, 1))
    number = resident_id(D(1991, 1, 1))
    p = person("吴居民", division=personas["g1"], doc_number=number, phone="13600136000")
    residence[p.pk] = [Period(D(2026, 3, 1), None, purpose="work", employer="X")]
    client = Client()
    sms.OUTBOX.clear()
    assert client.post("/permits/me/start/", {"document": number}).status_code == 302
    code = re.search(r"\b(\d{6})\b", sms.OUTBOX[-1][1]).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/permits/me/code/", {"code": wrong}).status_code == 200
    assert client.post("/permits/me/code/", {"code": code}).status_code == 302
    home = client.get("/permits/me/")
    assert home.status_code == 200 and 'data-condition="residence"' in home.content.decode()
    refused = client.post("/permits/me/apply/", follow=True).content.decode()
    assert "2026-09-01" in refused  # the date the residence condition will be met
    assert not PermitApplication.objects.filter(person=p).exists()


def test_an_unknown_document_gets_the_same_answer_and_no_sms(personas: Any) -> None:
    sms.OUTBOX.clear()
    client = Client()
    assert client.post("/permits/me/start/", {"document": "110105194912310021"}).status_code == 302
    assert sms.OUTBOX == []
    assert client.post("/permits/me/code/", {"code": "123456"}).status_code == 200


def test_five_wrong_codes_burn_the_code(personas: Any) -> None:
    number = resident_id(D(1993, 2, 2))
    person("郑居民", division=personas["g1"], doc_number=number, phone="13500135000")
    client = Client()
    sms.OUTBOX.clear()
    client.post("/permits/me/start/", {"document": number})
    code = re.search(r"\b(\d{6})\b", sms.OUTBOX[-1][1]).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/permits/me/code/", {"code": wrong})
    assert client.post("/permits/me/code/", {"code": code}).status_code == 200
    assert client.get("/permits/me/").status_code == 302


def test_an_officer_extends_and_rejects_through_the_page_and_sees_refusals(
    resident: Any, personas: Any, today: Any
) -> None:
    today(D(2026, 6, 1))
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    client = _officer(personas)
    too_long = client.post(f"/permits/applications/{app.pk}/extend/", {"days": 15, "reason": "x"}, follow=True)
    app.refresh_from_db()
    assert app.due_on == D(2026, 7, 1)
    again = client.post(f"/permits/applications/{app.pk}/extend/", {"days": 1, "reason": "x"}, follow=True)
    assert "2026-07-01" in again.content.decode() and too_long.status_code == 200
    client.post(f"/permits/applications/{app.pk}/reject/", {"reason": "证件不符"})
    app.refresh_from_db()
    assert app.status == "rejected" and app.rejection_reason == "证件不符"


def test_the_home_page_shows_overdue_files_to_officers(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 1))
    actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    today(D(2026, 7, 1))
    assert 'id="home-overdue"' in _officer(personas).get("/").content.decode()
    assert 'id="home-overdue"' not in _officer(personas, "police_other").get("/").content.decode()


def test_eligible_residents_are_told_once_that_they_can_apply(resident: Any, personas: Any, today: Any) -> None:
    from django.test import TestCase

    from civitas.permits.batch import day_number

    rows = [(resident.pk, day_number(D(2025, 9, 1)), None, True, "work", True)]
    sms.OUTBOX.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert actions.notify_eligible(D(2026, 6, 1), rows) == 1
        assert actions.notify_eligible(D(2026, 6, 2), rows) == 0
    assert len(sms.OUTBOX) == 1 and "/permits/me/link/" in sms.OUTBOX[0][1]
    link = sms.OUTBOX[0][1].split("http://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get("/" + link).status_code == 302
    assert client.get("/permits/me/").status_code == 200


def test_a_second_code_within_a_minute_is_not_sent(personas: Any) -> None:
    number = resident_id(D(1994, 4, 4))
    person("冯居民", division=personas["g1"], doc_number=number, phone="13400134000")
    client = Client()
    sms.OUTBOX.clear()
    client.post("/permits/me/start/", {"document": number})
    client.post("/permits/me/start/", {"document": number})
    assert len(sms.OUTBOX) == 1


def test_the_evidence_names_the_declaration_and_the_place_in_words_from_the_real_registry(
    personas: Any, today: Any
) -> None:
    """No stand-in here: the residence app's own declaration, confirmed by the landlord."""
    from civitas.residence.actions import do_confirm_declaration, do_decide
    from civitas.residence.tests.builders import chinese, declare, rooms

    now = timezone.localdate()
    decl = declare(rooms(personas)[0], chinese("吴工"), move_in=now - datetime.timedelta(days=200))
    decl = do_confirm_declaration(decl, acting_user=personas["landlord"])
    if decl.can_officer_decide():  # a late declaration is flagged for an officer first
        do_decide(decl, "approve", acting_user=personas["police"])
    holder = decl.residencies.get().person
    today(now)
    result = actions.check_eligibility(holder, now)
    evidence = result.condition("residence").evidence[0]
    assert result.eligible and evidence.reference == f"D{decl.pk}"
    assert personas["g1"].name in str(evidence.detail) and personas["g1"].code not in str(evidence.detail)
    page = _officer(personas).get(f"/permits/person/{holder.pk}/").content.decode()
    assert f"D{decl.pk}" in page and f"P{personas['property'].pk}<" not in page
