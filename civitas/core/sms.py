"""Pluggable SMS delivery. The development backend only logs; production sets CIVITAS_SMS_BACKEND."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("civitas.sms")
OUTBOX: list[tuple[str, str]] = []  # kept in memory by the logging backend, read by tests and the dev outbox page
OUTBOX_LIMIT = 500  # a long-running demo server keeps only the newest messages


class SmsBackend(Protocol):
    def send(self, phone_e164: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Development/test backend: records and logs the message, sends nothing."""

    def send(self, phone_e164: str, text: str) -> None:
        OUTBOX.append((phone_e164, text))
        if len(OUTBOX) > OUTBOX_LIMIT:
            del OUTBOX[: len(OUTBOX) - OUTBOX_LIMIT]
        # Never the text (it carries one-time codes) nor more of the number than the screen shows.
        log.info("SMS to %s (%d characters)", "****" + phone_e164[-4:], len(text))


def send_sms(phone_e164: str, text: str) -> None:
    backend: SmsBackend = import_string(str(settings.CIVITAS_SMS_BACKEND))()
    backend.send(phone_e164, text)


def dev_outbox_enabled() -> bool:
    """The development outbox page shows messages the logging backend did not send (demo only)."""
    return bool(settings.CIVITAS_DEV_SMS_OUTBOX) and not settings.PRODUCTION and (
        str(settings.CIVITAS_SMS_BACKEND) == "civitas.core.sms.LoggingSmsBackend"
    )


def recent_messages(limit: int = 50) -> list[tuple[str, str]]:
    """Newest first, with the phone number masked as on screen."""
    from civitas.documents.phones import mask_phone

    return [(mask_phone(phone), text) for phone, text in reversed(OUTBOX[-limit:])]
