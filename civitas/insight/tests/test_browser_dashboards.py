"""Journeys: a visitor reads the public dashboard; an analyst drills from the ranking to the records."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from civitas.insight import actions
from civitas.insight.tests.conftest import small_framework_records
from civitas.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("artifacts/screenshots")
SEPT = datetime.date(2026, 9, 1)


@pytest.fixture
def published(city: dict[str, Any]) -> Any:
    framework = actions.do_create_framework(
        "small", {"en": "Small", "zh-hans": "小型指数"}, small_framework_records(), acting_user=city["analyst"]
    )
    return actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
        mc_runs=100,
        seed=1,
        publish=True,
    )


def test_a_visitor_reads_the_public_dashboard_without_logging_in(page: Any, live_server: Any, published: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/insight/public/")
    ranking = page.locator("#public-ranking tbody tr")
    assert ranking.count() == 3 and "佛堂镇" in ranking.first.inner_text()
    assert page.locator("svg.chart").count() >= 1
    assert "✱" in page.locator("#public-counts").inner_text()
    page.screenshot(path=str(SHOTS / "insight-public-dashboard.png"), full_page=True)


def test_the_public_dashboard_reads_on_a_phone(phone_page: Any, live_server: Any, published: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.goto(f"{live_server.url}/insight/public/")
    assert phone_page.locator("#public-ranking tbody tr").count() == 3
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the page must not scroll sideways on a phone"
    phone_page.screenshot(path=str(SHOTS / "insight-public-dashboard-phone.png"), full_page=True)


def test_an_analyst_drills_from_the_ranking_to_the_records(page: Any, live_server: Any, published: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/insight/")
    assert page.locator("#ranking tbody tr").count() == 3
    assert page.locator("svg.chart").count() >= 3
    page.screenshot(path=str(SHOTS / "insight-internal-dashboard.png"), full_page=True)
    page.click("#ranking a:has-text('稠城街道')")
    page.wait_for_selector("#unit-tree")
    page.click("#unit-tree a:has-text('On time')")
    page.wait_for_selector("#records")
    assert page.locator("#records tbody tr").count() == 8  # the declarations filed on time
    assert "陈＊＊" in page.locator("#records").inner_text()
    page.screenshot(path=str(SHOTS / "insight-indicator-records.png"), full_page=True)
