"""Residents without accounts: identify by document number + a one-time SMS code, or a signed link.

The session then carries the person id for `SESSION_MINUTES`. Codes are random 6 digits, kept only as
a salted hash in the session, valid 10 minutes, at most 5 tries; a signed link (sent in reminders)
is valid 7 days. Nothing tells a stranger whether a document number is registered.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from civitas.core import sms
from civitas.people.actions import find_person_by_document
from civitas.people.identity import reveal_phone
from civitas.people.models import Person

SESSION_KEY = "permits_resident"
CODE_KEY = "permits_code"
SESSION_MINUTES = 30
CODE_SECONDS = 600
MAX_TRIES = 5
RESEND_SECONDS = 60
LINK_SALT = "civitas.permits.resident-link"
LINK_DAYS = 7


def _hash(code: str, salt: str) -> str:
    return hashlib.sha256((salt + ":" + code).encode()).hexdigest()


def start(request: HttpRequest, document_number: str) -> None:
    """Send a code to the phone on record (if any); the response never reveals whether one was sent.
    At most one code a minute per session, so the page cannot be used to flood a phone."""
    pending = request.session.get(CODE_KEY)
    if pending and pending.get("sent", 0) > time.time() - RESEND_SECONDS:
        return
    person = find_person_by_document(document_number)
    salt = secrets.token_hex(8)
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[CODE_KEY] = {
        "pid": person.pk if person and person.phone_enc else None,
        "hash": _hash(code, salt),
        "salt": salt,
        "exp": time.time() + CODE_SECONDS,
        "tries": 0,
        "sent": time.time(),
    }
    if person is not None and person.phone_enc:
        sms.send_sms(
            reveal_phone(person.phone_enc),
            gettext("Civitas: your code is {code}. It is valid for 10 minutes.").format(code=code),
        )


def confirm(request: HttpRequest, code: str) -> Person | None:
    pending: dict[str, Any] | None = request.session.get(CODE_KEY)
    if not pending or pending["exp"] < time.time() or pending["tries"] >= MAX_TRIES:
        request.session.pop(CODE_KEY, None)
        return None
    pending["tries"] += 1
    request.session[CODE_KEY] = pending
    if pending["pid"] is None or not secrets.compare_digest(_hash(code.strip(), pending["salt"]), pending["hash"]):
        return None
    request.session.pop(CODE_KEY, None)
    person = Person.objects.filter(pk=pending["pid"]).first()
    if person is not None:
        sign_in(request, person)
    return person


def sign_in(request: HttpRequest, person: Person) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"pid": person.pk, "exp": time.time() + SESSION_MINUTES * 60}


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def current(request: HttpRequest) -> Person | None:
    data = request.session.get(SESSION_KEY)
    if not data or data["exp"] < time.time():
        return None
    return Person.objects.filter(pk=data["pid"]).select_related("division").first()


def link_for(person: Person) -> str:
    token = signing.dumps({"pid": person.pk}, salt=LINK_SALT)
    return reverse("permits:resident_link", kwargs={"token": token})


def person_from_link(token: str) -> Person | None:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=data.get("pid")).first()
