"""Journey: a resident sees they are eligible and applies on a phone; an officer accepts and issues;
the resident shows the QR code and a verifier's page validates it."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest

from civitas.core import sms
from civitas.permits.eligibility import Period
from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("artifacts/screenshots")


def test_a_resident_applies_an_officer_issues_and_a_verifier_validates_the_qr(
    page: Any, phone_page: Any, live_server: Any, personas: Any, residence: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    number = factories.resident_id(datetime.date(1992, 4, 3))
    holder = factories.person("陈明", division=personas["g1"], doc_number=number, phone="13700137000")
    residence[holder.pk] = [
        Period(
            datetime.date(2025, 1, 10),
            None,
            purpose="work",
            employer="义乌小商品城",
            division_code=personas["g1"].code,
            declaration_id=77,
        )
    ]

    # The resident identifies with document number and an SMS code.
    sms.OUTBOX.clear()
    phone_page.goto(f"{live_server.url}/permits/me/start/")
    phone_page.fill("#id_document", number)
    phone_page.click("main button[type=submit]")
    phone_page.wait_for_url(re.compile(r".*/permits/me/code/$"))
    code = re.search(r"\b(\d{6})\b", sms.OUTBOX[-1][1]).group(1)  # type: ignore[union-attr]
    phone_page.fill("#id_code", code)
    phone_page.click("main button[type=submit]")
    phone_page.wait_for_url(re.compile(r".*/permits/me/$"))
    assert phone_page.locator("#eligibility-verdict .badge.ok").count() == 1
    assert "D77" in phone_page.locator("tr[data-condition=residence]").inner_text()
    phone_page.screenshot(path=str(SHOTS / "permits-eligible.png"), full_page=True)
    phone_page.click("#apply")
    phone_page.wait_for_selector("#application-status")

    # An officer of the township accepts (the clock starts) and issues.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "police_t1")
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/permits/officer/")
    page.locator("#submitted a").first.click()
    page.click("#accept")
    page.click("#issue")
    permit_number = page.locator("#permit-number").inner_text()
    assert permit_number.startswith("330782")
    page.screenshot(path=str(SHOTS / "permits-issued.png"), full_page=True)

    # The resident shows the QR code; a verifier opens what it encodes.
    phone_page.goto(f"{live_server.url}/permits/me/")
    phone_page.click("#show-card")
    assert phone_page.locator("#qr svg").count() == 1
    phone_page.screenshot(path=str(SHOTS / "permits-card.png"), full_page=True)
    verify_url = phone_page.locator("#verify-link").get_attribute("href")
    assert verify_url and verify_url.startswith(live_server.url)
    verifier = page.context.browser.new_page()
    verifier.goto(verify_url)
    assert verifier.locator("#verification").get_attribute("data-status") == "valid"
    assert verifier.locator("#verified-name").inner_text() == "陈明"
    verifier.screenshot(path=str(SHOTS / "permits-verified.png"), full_page=True)
    verifier.goto(verify_url[:-4] + "AAAA")
    assert verifier.locator("#verification").get_attribute("data-status") == "invalid"
    verifier.close()
