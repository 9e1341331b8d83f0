"""Journeys in headless Chromium: (a) a tenant declares on a phone, the landlord confirms, an officer sees the
resident; (b) a declaration that breaks a rule lands in the review queue and an officer decides it."""

import datetime
import re

import pytest
from django.utils import timezone

from civitas.core import sms
from civitas.residence import actions, qr
from civitas.residence.choices import DeclarationStatus
from civitas.residence.models import Declaration
from civitas.residence.tests.builders import chinese, declare, rooms
from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, username):
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_a_tenant_declares_on_a_phone_the_landlord_confirms_and_the_officer_sees_the_resident(
    phone_page, browser, live_server, personas
):
    code = actions.do_issue_code(personas["property"], acting_user=personas["landlord"])
    room = rooms(personas)[1]
    page = phone_page
    page.goto(live_server.url + qr.checkin_path(code))
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_doc_number", factories.resident_id())
    page.fill("#id_name", "黄晓明")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_move_in", timezone.localdate().isoformat())
    page.select_option("#id_purpose", "work")
    page.fill("#id_employer", "义乌国际商贸城")
    page.screenshot(path="artifacts/screenshots/residence-checkin-phone.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#id_code")
    sent = re.search(r"\d{6}", sms.OUTBOX[-1][1]).group(0)
    page.fill("#id_code", sent)
    page.click("main form button[type=submit]")
    number = page.locator("#declaration-number").inner_text().strip()
    page.screenshot(path="artifacts/screenshots/residence-receipt-phone.png", full_page=True)
    decl = Declaration.objects.get(number=number)
    assert decl.status == DeclarationStatus.SUBMITTED and decl.phone_verified

    landlord = login(browser, live_server, "landlord")
    landlord.goto(f"{live_server.url}/residence/landlord/")
    landlord.locator(f"tr[data-declaration='{number}'] button[name=confirm]").click()
    landlord.wait_for_selector(".msg-success")
    landlord.screenshot(path="artifacts/screenshots/residence-workbench.png", full_page=True)
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.VERIFIED

    grid = login(browser, live_server, "grid_g1")
    grid.goto(f"{live_server.url}/residence/residents/")
    assert "黄晓明" in grid.locator("#residents").inner_text()
    grid.screenshot(path="artifacts/screenshots/residence-residents.png", full_page=True)


def test_a_late_declaration_lands_in_the_review_queue_and_the_officer_approves_it(browser, live_server, personas):
    late = timezone.localdate() - datetime.timedelta(days=8)
    decl = declare(
        rooms(personas)[0], chinese("迟报人"), source="landlord", acting_user=personas["landlord"], move_in=late
    )
    assert decl.status == DeclarationStatus.FLAGGED
    police = login(browser, live_server, "police_t1")
    police.goto(f"{live_server.url}/residence/review/")
    row = police.locator("#review tbody tr", has_text=decl.number)
    assert "5 day(s) after the 3 days allowed" in row.inner_text()
    police.screenshot(path="artifacts/screenshots/residence-review-queue.png", full_page=True)
    row.locator("a").first.click()
    police.wait_for_selector("#decide")
    police.check("#decide input[name=decision][value=approve]")
    police.fill("#decide input[name=note]", "已核实，补登")
    police.click("#decide button[type=submit]")
    police.wait_for_selector(".msg-success")
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.APPROVED and decl.decided_by.username == "police_t1"
    assert decl.number not in police.locator("#review").inner_text()
