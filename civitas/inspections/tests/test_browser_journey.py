"""On a phone: blocked escape window found → notice → the landlord sees it (and −3) → fix → re-inspection → closed."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from civitas.inspections.models import Checklist, Hazard, Inspection, Task
from civitas.inspections.tests.builders import rental_premises
from civitas.testing.factories import PASSWORD

SHOTS = Path("artifacts/screenshots")


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 120, 120)).save(buf, format="JPEG")
    return buf.getvalue()


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_blocked_escape_window_goes_round_the_loop_to_closed_on_a_phone(
    phone_page: Any, live_server: Any, personas: Any
) -> None:
    page, base = phone_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    premises = rental_premises(personas)
    task = Task.objects.create(
        premises=premises, division=premises.division, township_code="330782001", assigned_to=personas["inspector"]
    )
    checklist = Checklist.current("rental_house")
    assert checklist is not None

    # The inspector walks the checklist; the first submit is lost (no connection) and retried with the same key.
    _login(page, base, personas["inspector"].username)
    page.goto(f"{base}/inspections/tasks/{task.pk}/inspect/")
    for item in checklist.items.all():
        value = "fail" if item.code == "escape_window_blocked" else "pass"
        page.check(f'input[name="item_{item.code}"][value="{value}"]')
    page.click("#row-escape_window_blocked summary")
    page.set_input_files(
        'input[name="photo_escape_window_blocked"]',
        files=[{"name": "window.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}],
    )
    page.fill('input[name="note_escape_window_blocked"]', "防盗窗焊死")
    page.check('input[name="acknowledgement"][value="signed"]')
    page.fill('input[name="acknowledged_by"]', "王房东")
    stored = page.evaluate(f"localStorage.getItem('civitas.inspection.{task.pk}')")
    assert '"item_escape_window_blocked":"fail"' in stored
    page.screenshot(path=str(SHOTS / "inspections_phone_checklist.png"), full_page=True)

    dropped: list[str] = []

    def flaky(route: Any) -> None:
        if route.request.method == "POST" and not dropped:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r".*/inspect/$"), flaky)
    page.click("#submit-inspection")
    page.wait_for_url(re.compile(r".*/inspections/inspections/\d+/$"), timeout=20000)
    assert dropped, "the first submit should have been dropped"
    assert Inspection.objects.count() == 1 and page.inner_text("#hazards-found") == "1"
    hazard = Hazard.objects.get()

    # A rectification notice with the item's deadline.
    page.click(f'a[href="/inspections/hazards/{hazard.pk}/"]')
    page.click("#issue-notice")
    page.wait_for_selector("a.notice-link")
    hazard.refresh_from_db()
    assert hazard.status == "notice_issued"
    notice = hazard.notices.get()

    # The landlord sees the notice on the home page, and the −3 where credit is live.
    _login(page, base, personas["landlord"].username)
    page.goto(f"{base}/")
    assert notice.number in page.content()
    if importlib.util.find_spec("civitas.credit.queries") is not None:
        from civitas.credit.queries import balance

        assert balance("landlord-12", "landlord", personas["landlord_person"].pk) == 9
        assert page.locator(".stat", has_text=re.compile(r"^\s*9\s*$")).count() >= 1
    page.screenshot(path=str(SHOTS / "inspections_phone_landlord_notice.png"), full_page=True)
    pdf = page.request.get(f"{base}/inspections/notices/{notice.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.goto(f"{base}/inspections/hazards/{hazard.pk}/")
    page.fill('input[name="note"]', "防盗窗已改为可开启式")
    page.click("#report-fix")
    page.wait_for_load_state()
    hazard.refresh_from_db()
    assert hazard.status == "fix_reported" and hazard.reinspection_tasks.filter(status="open").count() == 1

    # The re-inspection passes and closes the hazard.
    _login(page, base, personas["inspector"].username)
    page.goto(f"{base}/inspections/hazards/{hazard.pk}/")
    page.check('input[name="result"][value="pass"]')
    page.click("#record-reinspection")
    page.wait_for_load_state()
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.reinspections.get().passed
    assert "badge ok" in page.inner_html("#hazard-status")
    page.screenshot(path=str(SHOTS / "inspections_phone_closed.png"), full_page=True)
