"""The demo's text-message outbox: tenants read one-time codes there because the demo sends no SMS."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from civitas.core import sms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.OUTBOX.clear()
    yield
    sms.OUTBOX.clear()


def test_the_outbox_page_lists_messages_newest_first_with_the_phone_masked() -> None:
    sms.send_sms("+8613800138000", "Your code is 111111")
    sms.send_sms("+8613900139000", "Your code is 222222")
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=True):
        html = Client().get("/dev/sms/").content.decode()
    assert html.index("222222") < html.index("111111")
    assert "13800138000" not in html and "8000" in html


def test_the_outbox_page_does_not_exist_when_it_is_switched_off() -> None:
    sms.send_sms("+8613800138000", "Your code is 111111")
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=False):
        assert Client().get("/dev/sms/").status_code == 404


def test_the_outbox_page_never_exists_in_production_or_with_a_real_gateway() -> None:
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=True, PRODUCTION=True):
        assert Client().get("/dev/sms/").status_code == 404
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=True, CIVITAS_SMS_BACKEND="example.Gateway"):
        assert Client().get("/dev/sms/").status_code == 404


def test_the_footer_links_to_the_outbox_only_when_it_is_on() -> None:
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=True):
        assert "/dev/sms/" in Client().get("/").content.decode()
    with override_settings(CIVITAS_DEV_SMS_OUTBOX=False):
        assert "/dev/sms/" not in Client().get("/").content.decode()


def test_the_in_memory_outbox_keeps_only_the_newest_messages() -> None:
    for i in range(sms.OUTBOX_LIMIT + 20):
        sms.send_sms("+8613800138000", f"message {i}")
    assert len(sms.OUTBOX) == sms.OUTBOX_LIMIT
    assert sms.OUTBOX[-1][1] == f"message {sms.OUTBOX_LIMIT + 19}"
