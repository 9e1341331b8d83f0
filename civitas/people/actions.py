"""State changes on persons. Every function validates, writes, and audits in one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from civitas.core import audit
from civitas.documents.errors import DocumentError
from civitas.documents.idnumbers import parse_resident_id
from civitas.documents.phones import mask_phone, normalise_phone
from civitas.people.access import may_see_full_identity
from civitas.people.choices import DocumentKind, Sex
from civitas.people.identity import (
    document_index,
    mask_document,
    mask_identity_number,
    protect_document,
    protect_phone,
    reveal_document,
    reveal_phone,
)
from civitas.people.models import Person
from civitas.people.names import pinyin_key
from civitas.places.models import Division


@dataclass
class PersonInput:
    name: str
    doc_kind: str
    doc_number: str
    sex: str = ""
    birth_date: datetime.date | None = None
    nationality: str = "CHN"
    doc_country: str = "CHN"
    doc_expiry: datetime.date | None = None
    phone: str = ""
    name_latin: str = ""
    name_native: str = ""
    occupation: str = ""
    employer: str = ""
    division_code: str | None = None


def _field_error(field: str, message: Any) -> ValidationError:
    return ValidationError({field: [message]})


def validated_person_fields(data: PersonInput) -> dict[str, Any]:
    """Check every field and return the protected model fields; raise one ValidationError naming each bad field."""
    fields, number, masked, phone = _checked_person(data)
    doc = protect_document(number, masked)
    fields.update(doc_kind=data.doc_kind, doc_number_enc=doc.enc, doc_index=doc.index, doc_masked=doc.masked)
    if phone:
        p = protect_phone(phone, mask_phone(phone))
        fields.update(phone_enc=p.enc, phone_index=p.index, phone_masked=p.masked)
    name = data.name.strip()
    fields.update(
        name=name,
        name_pinyin=pinyin_key(name if not data.name_latin else data.name_latin),
        name_latin=data.name_latin.strip(),
        name_native=data.name_native.strip(),
        occupation=data.occupation.strip(),
        employer=data.employer.strip(),
        division_id=data.division_code,
    )
    return fields


def checked_person_key(data: PersonInput) -> tuple[str, str, datetime.date | None]:
    """The checks of `validated_person_fields`, without encrypting or romanising anything: the document's
    blind index, its country and the date of birth (from the document where it says). For a caller that only
    has to know the input is acceptable and who it names (an asynchronous intake accepting a submission)."""
    fields, number, _masked, _phone = _checked_person(data)
    return document_index(number.strip().upper()), fields["doc_country"], fields.get("birth_date")


def _checked_person(data: PersonInput) -> tuple[dict[str, Any], str, str, str | None]:
    """Every check of a person's input: the plain fields read from the document, the normalised document
    number, its masked form and the E.164 phone (or None); one ValidationError naming each bad field."""
    errors: dict[str, list[Any]] = {}
    fields: dict[str, Any] = {}
    number = data.doc_number.strip().upper().replace(" ", "")
    if not data.name.strip():
        errors.setdefault("name", []).append(_("Enter the name as written on the identity document."))
    if data.doc_kind in (DocumentKind.RESIDENT_ID, DocumentKind.HMT_PERMIT):
        try:
            rid = parse_resident_id(number)
        except DocumentError as exc:
            errors.setdefault("doc_number", []).append(exc.message)
        else:
            expected_hmt = rid.kind != "resident"
            if expected_hmt != (data.doc_kind == DocumentKind.HMT_PERMIT):
                errors.setdefault("doc_kind", []).append(
                    _(
                        "Numbers starting 81, 82 or 83 are Hong Kong, Macao and Taiwan residence permits; "
                        "choose the matching document type."
                    )
                )
            if data.sex and data.sex != rid.sex:
                errors.setdefault("sex", []).append(_("Sex does not match the identity number (digit 17)."))
            if data.birth_date and data.birth_date != rid.birth_date:
                errors.setdefault("birth_date", []).append(
                    _("Date of birth does not match the identity number (digits 7-14).")
                )
            fields.update(
                sex=rid.sex,
                birth_date=rid.birth_date,
                hometown_province=rid.province_code,
                nationality="CHN",
                doc_country="CHN",
            )
            masked = mask_identity_number(rid.number)
            number = rid.number
    elif data.doc_kind in (DocumentKind.PASSPORT, DocumentKind.TRAVEL_DOCUMENT):
        if not (5 <= len(number) <= 20 and number.replace("<", "").isalnum()):
            errors.setdefault("doc_number", []).append(_("A passport number has 5 to 20 letters and digits."))
        if not data.birth_date:
            errors.setdefault("birth_date", []).append(_("Enter the date of birth."))
        elif data.birth_date > datetime.date.today():
            errors.setdefault("birth_date", []).append(_("The date of birth cannot be in the future."))
        elif data.doc_expiry and data.doc_expiry <= data.birth_date:
            errors.setdefault("doc_expiry", []).append(_("A document cannot expire before its holder was born."))
        if data.sex not in Sex.values:
            errors.setdefault("sex", []).append(_("Choose the sex shown in the passport."))
        if len(data.nationality) != 3 or not data.nationality.isalpha():
            errors.setdefault("nationality", []).append(_("Use the 3-letter country code from the passport."))
        fields.update(
            sex=data.sex,
            birth_date=data.birth_date,
            nationality=data.nationality.upper(),
            doc_country=(data.doc_country or data.nationality).upper(),
            doc_expiry=data.doc_expiry,
        )
        masked = mask_document(number)
    else:
        errors.setdefault("doc_kind", []).append(_("Choose a document type."))
        masked = ""
    phone = None
    if data.phone.strip():
        try:
            phone = normalise_phone(data.phone)
        except DocumentError as exc:
            errors.setdefault("phone", []).append(exc.message)
    if errors:
        raise ValidationError(errors)
    return fields, number, masked, phone


def find_person_by_document(number: str, country: str = "CHN") -> Person | None:
    index = document_index(number.strip().upper().replace(" ", ""))
    return Person.objects.filter(doc_index=index, doc_country=country.upper()).first()


def _check_same_holder(existing: Person, fields: dict[str, Any]) -> None:
    """A known document presented with another birth date belongs to someone else: refuse, don't merge."""
    if fields.get("birth_date") and existing.birth_date != fields["birth_date"]:
        raise _field_error(
            "doc_number",
            _("This document is already registered to a person with another date of birth; check the number."),
        )


@transaction.atomic
def do_register_person(data: PersonInput, *, acting_user: Any) -> Person:
    """Register a person, or return the existing one with the same document (idempotent)."""
    fields = validated_person_fields(data)
    if fields["division_id"] and not Division.objects.filter(code=fields["division_id"]).exists():
        raise _field_error(
            "division_code",
            _("There is no division with code {code}; use a grid unit's 15-digit code.").format(
                code=fields["division_id"]
            ),
        )
    key = {"doc_index": fields["doc_index"], "doc_country": fields["doc_country"]}
    existing = Person.objects.filter(**key).first()
    if existing is not None:
        _check_same_holder(existing, fields)
        return existing
    try:
        with transaction.atomic():
            person = Person.objects.create(**fields)
    except IntegrityError:  # a concurrent registration of the same document won
        existing = Person.objects.get(**key)
        _check_same_holder(existing, fields)
        return existing
    audit.record(
        "person.register",
        actor=acting_user,
        obj=person,
        new={"name": person.name, "doc_kind": person.doc_kind, "doc": person.doc_masked},
    )
    return person


@transaction.atomic
def do_reveal_identity(person: Person, *, acting_user: Any, purpose: str) -> dict[str, str]:
    """Decrypt a person's document and phone for an authorised officer; every call is audited."""
    if not may_see_full_identity(acting_user):
        raise PermissionDenied(_("Your role may not see full identity numbers."))
    if not purpose.strip():
        raise _field_error("purpose", _("State why you need the full number; it is recorded."))
    audit.record("person.reveal_identity", actor=acting_user, obj=person, note=purpose.strip())
    return {
        "doc_number": reveal_document(person.doc_number_enc),
        "phone": reveal_phone(person.phone_enc) if person.phone_enc else "",
    }
