"""Pluggable SMS delivery. The development backend only logs; production sets CIVITAS_SMS_BACKEND."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("civitas.sms")
OUTBOX: list[tuple[str, str]] = []  # kept in memory by the logging backend, read by tests


class SmsBackend(Protocol):
    def send(self, phone_e164: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Development/test backend: records and logs the message, sends nothing."""

    def send(self, phone_e164: str, text: str) -> None:
        OUTBOX.append((phone_e164, text))
        # Never the text (it carries one-time codes) nor more of the number than the screen shows.
        log.info("SMS to %s (%d characters)", "****" + phone_e164[-4:], len(text))


def send_sms(phone_e164: str, text: str) -> None:
    backend: SmsBackend = import_string(str(settings.CIVITAS_SMS_BACKEND))()
    backend.send(phone_e164, text)
