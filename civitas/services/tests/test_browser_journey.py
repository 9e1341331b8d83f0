"""Browser journey in real Chromium: an Arabic speaker (right-to-left) finds a service, books an
appointment and opens their merchant card; a market seller verifies the card."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from civitas.accounts.choices import Role
from civitas.services import actions
from civitas.services.models import CardVerification, ServicePoint, Slot
from civitas.services.seeds import seed_catalogue
from civitas.testing import factories
from civitas.testing.factories import PASSWORD

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"


@pytest.mark.browser
def test_an_arabic_speaker_books_and_a_seller_verifies_their_card(browser, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed_catalogue()  # live-server tests start from flushed tables
    city = factories.small_city()
    ahmed = factories.foreigner(
        "AHMED ALI", nationality="YEM", division=city["g1"], number="P1234567", birth_date=datetime.date(1985, 3, 2)
    )
    point = ServicePoint.objects.get(code="choucheng")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    actions.do_open_slots(point, tomorrow, acting_user=None, capacity=2)
    actions.do_issue_card(actions.do_apply_card(ahmed, acting_user=None), acting_user=None)
    seller = factories.user("stall_5_1203", Role.PARTNER)
    actions.do_register_partner("Stall 5-1203", "market_seller", ["market"], acting_user=None, accounts=[seller])

    ctx = browser.new_context(locale="ar", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/services/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("#id_q", "تأشيرة")
    page.click("form[role=search] button")
    page.click("text=تمديد الإقامة بالتأشيرة")
    assert page.locator("h1").inner_text() == "تمديد الإقامة بالتأشيرة"
    page.click("text=محطة خدمة الأجانب في تشوتشنغ")
    page.locator("a.slot").first.click()
    page.fill("#id_passport", "P1234567")
    page.fill("#id_birth_date", "1985-03-02")
    page.select_option("#id_service", "visa-extension")
    page.click("form.card button[type=submit]")
    reference = page.locator("#booking-ref").inner_text()
    assert reference.startswith("BK") and "حجزك" in page.content()
    page.screenshot(path=str(SHOTS / "services-arabic-booking.png"), full_page=True)
    assert Slot.objects.filter(point=point, booked=1).count() == 1

    page.goto(f"{live_server.url}/services/me/")
    page.click("text=افتح بطاقتي")
    credential = page.locator("#credential").text_content().strip()
    assert page.locator("#card-qr").is_visible()

    staff_ctx = browser.new_context(locale="en")
    scanner = staff_ctx.new_page()
    scanner.set_default_timeout(15000)
    scanner.goto(f"{live_server.url}/accounts/login/")
    scanner.fill("#id_username", "stall_5_1203")
    scanner.fill("#id_password", PASSWORD)
    scanner.click("button[type=submit]")
    scanner.goto(f"{live_server.url}/services/verify/")
    scanner.fill("#id_code", f"{live_server.url}/services/v/{credential}")
    scanner.click("form.card button[type=submit]")
    assert scanner.locator("[data-result]").get_attribute("data-result") == "valid"
    assert scanner.locator("#credit").inner_text() == "no credit file"
    assert "P12" not in scanner.content()  # a seller never sees the passport number
    scanner.screenshot(path=str(SHOTS / "services-partner-verify.png"), full_page=True)

    page.reload()
    assert "Stall 5-1203" in page.locator("table").inner_text()
    page.screenshot(path=str(SHOTS / "services-arabic-card-log.png"), full_page=True)
    assert CardVerification.objects.filter(result="valid").count() == 1
    staff_ctx.close()
    ctx.close()
