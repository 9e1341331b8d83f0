"""Journey: an officer records a violation → the landlord sees the deduction and appeals on the phone →
another officer upholds the appeal → the balance is restored."""

from __future__ import annotations

import os
from typing import Any

import pytest

from civitas.credit.seed_data import ensure_installed
from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "artifacts/screenshots"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_deduction_appealed_and_upheld_restores_the_balance(
    browser: Any, page: Any, phone_page: Any, live_server: Any, personas: dict[str, Any]
) -> None:
    ensure_installed()
    os.makedirs(SHOTS, exist_ok=True)
    base = live_server.url
    landlord = personas["landlord_person"]

    # 1. The grid worker of g1 records a blocked escape window with a note.
    _login(page, base, "grid_g1")
    page.goto(f"{base}/credit/landlords/{landlord.pk}/")
    page.select_option("#id_rule", "escape_window_blocked")
    page.fill("#id_evidence_note", "Bars welded over the second-floor escape window.")
    page.click("[data-testid=record-form] button[type=submit]")
    page.wait_for_selector("[data-testid=balance]:has-text('9')")
    page.screenshot(path=f"{SHOTS}/credit-officer-recorded.png", full_page=True)

    # 2. The landlord sees the deduction in plain words on the phone and appeals.
    _login(phone_page, base, "landlord")
    phone_page.goto(f"{base}/credit/")
    assert phone_page.locator("[data-testid=balance]").inner_text() == "9"
    row = phone_page.locator("table tbody tr", has_text="逃生窗被封堵")
    assert "-3" in row.inner_text()
    row.locator("a").click()
    phone_page.fill("#id_reason", "The bars were removed before the check; photo attached at the station.")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_selector("[data-testid=appeal-status]")
    phone_page.screenshot(path=f"{SHOTS}/credit-landlord-appealed.png", full_page=True)

    # 3. The police officer of the township (not the recorder) upholds it.
    officer = browser.new_context(locale="zh-CN").new_page()
    _login(officer, base, "police_t1")
    officer.goto(f"{base}/credit/appeals/")
    officer.locator("table tbody tr a.button").first.click()
    officer.check("input[name=decision][value=uphold]")
    officer.fill("#id_note", "Window checked again: clear.")
    officer.click("main form button[type=submit]")
    officer.wait_for_url(f"{base}/credit/appeals/")
    officer.context.close()

    # 4. The landlord's balance is back to 12; the ledger shows the deduction and its reversal.
    phone_page.goto(f"{base}/credit/")
    assert phone_page.locator("[data-testid=balance]").inner_text() == "12"
    assert phone_page.locator("table tbody tr").count() == 2
    phone_page.screenshot(path=f"{SHOTS}/credit-landlord-restored.png", full_page=True)
