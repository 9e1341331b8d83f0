"""How a foreign resident without an account is recognised: a passport check remembered in the session,
and signed links (status of an application, a booking, the digital card)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.http import HttpRequest

from civitas.people.identity import document_index
from civitas.people.models import Person
from civitas.services.models import ResidentProfile
from civitas.services.texts import current_lang

SESSION_KEY = "services_person"
_SALT = "civitas.services.link"


def _index(passport: str) -> str:
    return document_index((passport or "").strip().upper().replace(" ", ""))


def identify(passport: str, birth_date: datetime.date | None = None) -> Person | None:
    """The one registered foreign person with this passport number (and date of birth, when given).

    Passport numbers are unique only within their issuing country, so an ambiguous match finds nobody.
    """
    qs = Person.objects.filter(doc_index=_index(passport)).exclude(nationality="CHN")
    if birth_date is not None:
        qs = qs.filter(birth_date=birth_date)
    matches = list(qs[:2])
    return matches[0] if len(matches) == 1 else None


def holds_document(person: Person, passport: str) -> bool:
    """Is this the passport number of `person`? (the check behind every signed resident link)"""
    return bool(passport) and person.doc_index == _index(passport)


def remember(request: HttpRequest, person: Person) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = person.pk


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def current_person(request: HttpRequest) -> Person | None:
    pk = request.session.get(SESSION_KEY)
    return Person.objects.filter(pk=pk).first() if pk else None


def profile_for(person: Person, language: str | None = None) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.get_or_create(person=person, defaults={"language": language or current_lang()})
    return profile


def link_token(kind: str, pk: int) -> str:
    return signing.dumps({"k": kind, "id": pk}, salt=_SALT, compress=True)


def read_link_token(token: str, kind: str) -> int | None:
    try:
        data: Any = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != kind:
        return None
    return int(data["id"])
