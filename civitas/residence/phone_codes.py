"""One-time codes by SMS for tenants without an account: hashed, expiring, with an attempt limit."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.sms import send_sms
from civitas.people.identity import phone_index
from civitas.residence.models import PhoneChallenge

TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_SENDS_PER_HOUR = 5


def _hash(challenge_salt: str, code: str) -> str:
    key = (settings.SECRET_KEY + challenge_salt).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def do_send_code(phone_e164: str) -> PhoneChallenge:
    """Send a 6-digit code to the phone; at most a few per phone per hour."""
    index = phone_index(phone_e164)
    now = timezone.now()
    recent = PhoneChallenge.objects.filter(phone_index=index, created_at__gte=now - datetime.timedelta(hours=1))
    if recent.count() >= MAX_SENDS_PER_HOUR:
        raise ValidationError({"phone": [_("Too many codes were sent to this phone; try again in an hour.")]})
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = PhoneChallenge.objects.create(phone_index=index, code_hash="", created_at=now, expires_at=now + TTL)
    challenge.code_hash = _hash(str(challenge.pk), code)
    challenge.save(update_fields=["code_hash"])
    text = str(_("Civitas residence registration code: {code}. Valid for 10 minutes.").format(code=code))
    # Sent at once, not on commit: the tenant is waiting for it and the challenge row is already saved
    # (autocommit); a failed send leaves only an unusable challenge behind.
    send_sms(phone_e164, text)
    return challenge


def check_code(challenge_id: int, phone_e164: str, code: str) -> bool:
    """True once for the right code within its lifetime; every wrong guess counts against the limit."""
    with transaction.atomic():
        ch = (
            PhoneChallenge.objects.select_for_update()
            .filter(pk=challenge_id, phone_index=phone_index(phone_e164))
            .first()
        )
        if ch is None or ch.verified_at is not None or ch.expires_at < timezone.now() or ch.attempts >= MAX_ATTEMPTS:
            return False
        ch.attempts += 1
        ok = hmac.compare_digest(ch.code_hash, _hash(str(ch.pk), code.strip()))
        if ok:
            ch.verified_at = timezone.now()
        ch.save(update_fields=["attempts", "verified_at"])
        return ok
