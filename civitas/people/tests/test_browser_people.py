"""Journey: an officer logs in, switches language, searches a person and opens their page."""

import pytest

from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_in_switches_language_searches_and_opens_a_person(page, live_server, personas, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product default
    factories.person("张伟", division=personas["g1"], doc_number="11010519491231002X", phone="13812345678")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", "police_t1")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=People search")
    page.fill("input[name=q]", "zhangw")
    page.click("main button[type=submit]")
    row = page.locator("table tbody tr", has_text="张伟")
    assert "11**************2X" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("h1:has-text('张伟')")
    assert page.locator("#doc-number").inner_text() == "11**************2X"
    page.screenshot(path="artifacts/screenshots/person-page-en.png", full_page=True)

    with page.expect_navigation():
        page.select_option("#language-select", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path="artifacts/screenshots/person-page-ar.png", full_page=True)
