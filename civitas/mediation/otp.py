"""One-time codes by SMS (intake phone verification, party access, party signatures)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import sms
from civitas.mediation.models import PhoneChallenge
from civitas.mediation.policy import policy
from civitas.people.identity import phone_index
from civitas.privacy.crypto import decrypt, encrypt

PHONE_CONTEXT = "mediation.phone"


def _digest(challenge_salt: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{challenge_salt}:{code}".encode(), hashlib.sha256).hexdigest()


def protect(e164: str) -> tuple[str, str]:
    return encrypt(e164, context=PHONE_CONTEXT), phone_index(e164)


def reveal(enc: str) -> str:
    return decrypt(enc, context=PHONE_CONTEXT)


@transaction.atomic
def send_code(
    e164: str, purpose: str, *, case: Any = None, party: Any = None, now: datetime.datetime | None = None
) -> PhoneChallenge:
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    enc, index = protect(e164)
    recent = PhoneChallenge.objects.filter(phone_index=index, created_at__gte=now - datetime.timedelta(hours=1))
    if recent.count() >= policy().otp_max_per_hour:
        raise ValidationError({"phone": _("Too many codes were sent to this phone; try again in an hour.")})
    ch = PhoneChallenge.objects.create(
        purpose=purpose,
        phone_index=index,
        phone_enc=enc,
        code_hash="",
        case=case,
        party=party,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=policy().otp_minutes),
    )
    ch.code_hash = _digest(str(ch.pk) + index, code)
    ch.save(update_fields=["code_hash"])
    text = str(_("Civitas mediation code: {code} (valid {minutes} minutes). Mediation is free.")).format(
        code=code, minutes=policy().otp_minutes
    )
    transaction.on_commit(lambda: sms.send_sms(e164, text))
    return ch


def verify_code(
    challenge_id: int | None, code: str, purpose: str, *, now: datetime.datetime | None = None
) -> PhoneChallenge:
    """Check a code; raise ValidationError({"code": ...}) when wrong, expired, used or tried too often."""
    now = now or timezone.now()
    with transaction.atomic():
        ch = PhoneChallenge.objects.select_for_update().filter(pk=challenge_id or 0, purpose=purpose).first()
        if ch is None or ch.used_at is not None or ch.expires_at <= now:
            raise ValidationError({"code": _("This code has expired; ask for a new one.")})
        if ch.attempts >= policy().otp_max_attempts:
            raise ValidationError({"code": _("Too many wrong codes; ask for a new one.")})
        good = hmac.compare_digest(ch.code_hash, _digest(str(ch.pk) + ch.phone_index, (code or "").strip()))
        if not good:
            ch.attempts += 1
            ch.save(update_fields=["attempts"])
    if not good:
        raise ValidationError({"code": _("The code is not right.")})
    PhoneChallenge.objects.filter(pk=ch.pk).update(used_at=now)
    return ch
