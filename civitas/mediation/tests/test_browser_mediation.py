"""Journey: a foreign buyer files a dispute in Arabic → a foreign mediator accepts on the phone workbench →
a meeting → an agreement in Arabic and Chinese is signed by both parties and the mediator, and sealed."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from civitas.core import sms
from civitas.mediation.models import Agreement, Case
from civitas.mediation.tests.builders import mediator
from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "artifacts/screenshots"
AR_TERMS = "يعيد البائع مبلغ ٥٠٠٠ يوان إلى المشتري خلال سبعة أيام"
ZH_TERMS = "卖方于七日内向买方退还货款5000元"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _last_code(phone_tail: str) -> str:
    for phone, text in reversed(sms.OUTBOX):
        if phone.endswith(phone_tail):
            return re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
    raise AssertionError(f"no SMS to …{phone_tail}")


def test_a_foreign_buyer_files_in_arabic_and_signs_an_arabic_and_chinese_agreement(
    browser: Any, phone_page: Any, live_server: Any
) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    base = live_server.url
    city = factories.small_city()
    mediator(city["t1"], languages="zh", rating="5.00", name="王调解")
    omar = mediator(city["t1"], kind="foreign", languages="zh,ar,en", name="Omar Haddad", name_latin="Omar Haddad")
    sms.OUTBOX.clear()

    # 1. The buyer files in Arabic, without an account; the phone is checked by SMS code.
    buyer = browser.new_context(locale="ar-EG").new_page()
    buyer.set_default_timeout(15000)
    buyer.goto(f"{base}/mediation/file/")
    assert buyer.locator("html").get_attribute("dir") == "rtl"
    assert buyer.locator("h1").inner_text() == "حلّ نزاع"  # "Resolve a dispute", from our catalogue
    buyer.fill("#id_phone", "+20 100 123 4567")
    buyer.click("#phone-step button[type=submit]")
    buyer.wait_for_selector("#dispute-step")
    buyer.fill("#id_code", _last_code("1234567"))
    buyer.fill("#id_name", "أحمد علي")
    buyer.check("input[name=languages][value=ar]")
    buyer.fill("#id_nationality", "EGY")
    buyer.select_option("#id_category", "trade")
    buyer.select_option("#id_division", city["t1"].code)
    buyer.fill("#id_other_name", "陈老板")
    buyer.fill("#id_other_company", "义乌华丰饰品行")
    buyer.fill("#id_other_phone", "13900000002")
    buyer.fill("#id_amount", "5000")
    buyer.fill("#id_description", "البضاعة وصلت تالفة والبائع يرفض إعادة المبلغ")
    buyer.screenshot(path=f"{SHOTS}/mediation-intake-arabic.png", full_page=True)
    buyer.click("#dispute-step button[type=submit]")
    buyer.wait_for_selector("#case-code")
    code = buyer.locator("#case-code").inner_text().strip()
    case = Case.objects.get(code=code)
    assert case.offers.get().mediator_id == omar.pk  # the Arabic-speaking foreign mediator

    # 2. The foreign mediator accepts on the phone workbench, plans and holds a meeting, drafts the agreement.
    _login(phone_page, base, omar.user.username)  # type: ignore[union-attr]
    phone_page.goto(f"{base}/mediation/workbench/")
    offer = phone_page.locator(f"article.offer[data-case='{code}']")
    phone_page.screenshot(path=f"{SHOTS}/mediation-workbench-offer.png", full_page=True)
    offer.locator("form").first.locator("button").click()  # Accept
    phone_page.wait_for_url(f"{base}/mediation/cases/{case.pk}/")
    phone_page.locator("#session-box summary").click()
    phone_page.fill("#session-start", "2030-03-03T10:00")
    phone_page.select_option("#session-box select[name=mode]", "place")
    phone_page.fill("#session-box input[name=place]", "涉外纠纷调解中心 2楼")
    phone_page.click("#session-box button[type=submit]")
    phone_page.wait_for_selector("textarea[name=summary]")
    phone_page.fill("textarea[name=summary]", "双方同意退款")
    phone_page.locator("textarea[name=summary]").locator("xpath=..").locator("button").click()
    phone_page.wait_for_selector("#draft-box")
    if phone_page.locator("#draft-box[open]").count() == 0:
        phone_page.locator("#draft-box summary").click()
    phone_page.fill("textarea[name=text_ar]", AR_TERMS)
    phone_page.fill("textarea[name=text_zh]", ZH_TERMS)
    phone_page.fill("#draft-box input[name=amount]", "5000")
    phone_page.click("#draft-box button[type=submit]")
    phone_page.wait_for_selector("#missing")

    # 3. The buyer signs in Arabic with a code sent to the phone.
    buyer.goto(f"{base}/mediation/status/{code}/")
    assert AR_TERMS in buyer.locator("#agreement-text").inner_text()
    buyer.click("#sign-send button")
    buyer.wait_for_selector("#sign-code")
    buyer.fill("#sign-code input[name=code]", _last_code("1234567"))
    buyer.click("#sign-code button")
    buyer.wait_for_selector("#party-signed")

    # 4. The Chinese seller finds the case by code and phone, and signs.
    seller = browser.new_context(locale="zh-CN").new_page()
    seller.set_default_timeout(15000)
    seller.goto(f"{base}/mediation/status/")
    seller.fill("#id_case_code", code)
    seller.fill("#id_phone", "13900000002")
    seller.click("#status-find button")
    seller.wait_for_selector("#status-code")
    seller.fill("#status-code input[name=code]", _last_code("00000002"))
    seller.click("#status-code button")
    seller.wait_for_selector("#agreement-text")
    assert ZH_TERMS in seller.locator("#agreement-text").inner_text()
    seller.click("#sign-send button")
    seller.wait_for_selector("#sign-code")
    seller.fill("#sign-code input[name=code]", _last_code("00000002"))
    seller.click("#sign-code button")
    seller.wait_for_selector("#party-signed")

    # 5. The mediator signs (signed in) and seals: the agreement is binding.
    phone_page.goto(f"{base}/mediation/cases/{case.pk}/")
    phone_page.click("#mediator-sign")
    phone_page.wait_for_selector("#missing")
    phone_page.click("#seal")
    phone_page.wait_for_selector("#sealed")
    phone_page.screenshot(path=f"{SHOTS}/mediation-sealed-workbench.png", full_page=True)
    agreement = Agreement.objects.get(case=case)
    assert agreement.effective and agreement.languages == ["ar", "zh"]
    assert agreement.signatures.count() == 3

    buyer.goto(f"{base}/mediation/status/{code}/")
    buyer.wait_for_selector("#agreement-sealed")
    buyer.screenshot(path=f"{SHOTS}/mediation-party-sealed-arabic.png", full_page=True)
    pdf = buyer.request.get(f"{base}/mediation/status/{code}/agreement.pdf")
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
