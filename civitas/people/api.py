from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from civitas.accounts.choices import PEOPLE_SEARCH_ROLES
from civitas.people import actions
from civitas.people.access import access_person, people_visible_to
from civitas.people.choices import SearchField
from civitas.people.models import Person
from civitas.people.search import search_people

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    name_latin: str
    name_native: str
    sex: str
    birth_date: datetime.date
    nationality: str
    doc_kind: str
    doc_masked: str
    phone_masked: str
    division_id: str | None
    occupation: str
    employer: str


class RevealIn(Schema):
    purpose: str


class RevealOut(Schema):
    doc_number: str
    phone: str


class SearchIn(Schema):
    q: str
    field: SearchField = SearchField.AUTO


@router.post("/search", response=list[PersonOut], summary="Search people in your jurisdiction")
def search(request: HttpRequest, payload: SearchIn) -> Any:
    """POST so that identity and phone numbers never appear in URLs or access logs."""
    if getattr(request.user, "role", None) not in PEOPLE_SEARCH_ROLES:
        raise PermissionDenied
    return search_people(people_visible_to(request.user), payload.q, payload.field)


@router.get("/{int:person_id}", response=PersonOut, summary="One person (masked)")
def detail(request: HttpRequest, person_id: int) -> Person:
    return access_person(request.user, person_id)


@router.post("/{int:person_id}/reveal", response=RevealOut, summary="Full identity and phone numbers (audited)")
def reveal(request: HttpRequest, person_id: int, payload: RevealIn) -> dict[str, str]:
    person = access_person(request.user, person_id)
    return actions.do_reveal_identity(person, acting_user=request.user, purpose=payload.purpose)
