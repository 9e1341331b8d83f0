"""State changes of residence declarations. Each is atomic, audited, and publishes its events on commit.

Concurrency: every action that changes who occupies a room first locks the room row
(`select_for_update`), so capacity checks and duplicate detection see a consistent room.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import Role
from civitas.core import audit
from civitas.people.actions import PersonInput, checked_person_key, do_register_person
from civitas.people.identity import document_index, mask_document
from civitas.people.models import Person
from civitas.places.choices import PropertyStatus
from civitas.places.models import Room
from civitas.residence import events as residence_events
from civitas.residence import rules
from civitas.residence.choices import (
    OCCUPYING,
    Decision,
    DeclarationSource,
    DeclarationStatus,
    Purpose,
    Relation,
    RuleCode,
)
from civitas.residence.models import (
    Declaration,
    DeclarationMember,
    LandlordCode,
    Residency,
    VerificationResult,
    WatchListEntry,
)

GUARDIAN_AGE = 16
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OFFICER_ROLES = frozenset({Role.POLICE, Role.GRID_WORKER, Role.CITY_ADMIN})
CORRECTABLE = ("move_in", "arrived_at", "purpose", "employer")


@dataclass
class MemberInput:
    """A declared person: a new or known document (`person`) or an already registered `person_id`."""

    person: PersonInput | None = None
    person_id: int | None = None
    relation: str = Relation.SELF
    visa_expiry: datetime.date | None = None


@dataclass
class DeclarationInput:
    room_id: int
    members: list[MemberInput]
    move_in: datetime.date
    purpose: str
    employer: str = ""
    arrived_at: datetime.datetime | None = None
    source: str = DeclarationSource.TENANT_QR
    phone_verified: bool = False
    idempotency_key: str | None = None
    supersedes_id: int | None = None
    batch_id: str = ""
    declared_at: datetime.datetime | None = None  # trusted callers only (synthetic history); default now
    replayed: bool = field(default=False, init=False)


KEY_MAX = 80  # a longer client key is stored as its SHA-256 digest


def stored_key(key: str | None, acting_user: Any) -> str | None:
    """A client's idempotency key as its declaration stores it: in the client's own namespace (the account's
    id; `-` for a tenant without an account, whose keys the check-in page draws at random), so two hotel
    systems that both number their guests from 1 never replay each other's declarations. A key longer than
    KEY_MAX is stored as its digest, the same on every retry."""
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > KEY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    owner = acting_user.pk if getattr(acting_user, "is_authenticated", False) else "-"
    return f"{owner}/{key}"


def new_number(today: datetime.date) -> str:
    return f"{today:%y%m%d}-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))


def _err(field_name: str, message: Any) -> ValidationError:
    return ValidationError({field_name: [message]})


_PURPOSES = frozenset(Purpose.values)


def validate_input(
    data: DeclarationInput, *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> None:
    """The checks of a declaration's own fields; `today` and `now` (the city's date, the time) are read from
    the clock unless a caller checking many rows at once passes them."""
    errors: dict[str, list[Any]] = {}
    if data.purpose not in _PURPOSES:
        errors.setdefault("purpose", []).append(_("Choose a purpose of stay."))
    if not data.members:
        errors.setdefault("members", []).append(_("Declare at least one person."))
    elif data.members[0].relation != Relation.SELF or any(m.relation == Relation.SELF for m in data.members[1:]):
        errors.setdefault("members", []).append(_("The first person is the declarant; family members follow."))
    today = today or timezone.localdate()
    if data.move_in > today + datetime.timedelta(days=1):
        errors.setdefault("move_in", []).append(_("The move-in date cannot be in the future."))
    if data.move_in < today - datetime.timedelta(days=366) and data.declared_at is None:
        errors.setdefault("move_in", []).append(_("The move-in date is more than a year ago; ask the grid worker."))
    if data.arrived_at and data.arrived_at > (now or timezone.now()) + datetime.timedelta(minutes=5):
        errors.setdefault("arrived_at", []).append(_("The arrival time cannot be in the future."))
    if errors:
        raise ValidationError(errors)


def _people_of(data: DeclarationInput, acting_user: Any) -> list[Person]:
    people: list[Person] = []
    errors: dict[str, list[Any]] = {}
    for i, m in enumerate(data.members):
        try:
            if m.person is not None:
                people.append(do_register_person(m.person, acting_user=acting_user))
            elif m.person_id is not None:
                people.append(Person.objects.get(pk=m.person_id))
            else:
                raise _err("person", _("Give an identity document."))
        except ValidationError as exc:
            prefix = "" if i == 0 else f"members.{i}."
            for name, msgs in exc.message_dict.items():
                errors.setdefault(prefix + name, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    _check_people([p.pk for p in people], people[0].birth_date, data.move_in)
    return people


def _check_people(keys: list[Any], declarant_birth: datetime.date | None, move_in: datetime.date) -> None:
    if len(set(keys)) != len(keys):
        raise _err("members", _("The same person is declared twice."))
    if declarant_birth is not None and rules.age_on(declarant_birth, move_in) < GUARDIAN_AGE:
        raise _err("members", _("A child under 16 is declared by a parent or guardian, not alone."))


def precheck(data: DeclarationInput) -> str | None:
    """The checks of `do_declare` that read no database (input, each member's document and phone, the same
    person twice, a child declaring alone): an asynchronous intake runs them before accepting a submission,
    so only what depends on the register can still fail in the worker. Returns the declarant's document
    blind index (None for a declarant named by person id)."""
    validate_input(data)
    errors: dict[str, list[Any]] = {}
    keys: list[Any] = []
    birth: datetime.date | None = None
    for i, m in enumerate(data.members):
        prefix = "" if i == 0 else f"members.{i}."
        if m.person is None:
            if m.person_id is None:
                errors.setdefault(prefix + "person", []).append(_("Give an identity document."))
            keys.append(("id", m.person_id))
            continue
        try:
            index, country, born = checked_person_key(m.person)  # validated_person_fields' checks, no encryption
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                errors.setdefault(prefix + name, []).extend(msgs)
            continue
        keys.append((index, country))
        if i == 0:
            birth = born
    if errors:
        raise ValidationError(errors)
    _check_people(keys, birth, data.move_in)
    first = keys[0][0] if keys else None
    return first if isinstance(first, str) else None


def _existing(data: DeclarationInput, room: Room, declarant: Person) -> Declaration | None:
    return (
        Declaration.objects.filter(room=room, move_in=data.move_in, status__in=OCCUPYING, members__person=declarant)
        .order_by("id")
        .first()
    )


@transaction.atomic
@audit.deferred()  # the person registration and the declaration are chained together, just before commit
def do_declare(data: DeclarationInput, *, acting_user: Any) -> Declaration:
    """File a declaration (check-in or change of room); idempotent by key or by declarant+room+move-in."""
    key = stored_key(data.idempotency_key, acting_user)
    if key:
        found = Declaration.objects.filter(idempotency_key=key).first()
        if found is not None:
            data.replayed = True
            return found
    validate_input(data)
    room = Room.objects.select_for_update().select_related("property").filter(pk=data.room_id).first()
    if room is None:
        raise _err("room", _("Choose a room of this property."))
    if room.property.status != PropertyStatus.ACTIVE:
        raise _err("room", _("This property is not registered as let out; ask the landlord."))
    people = _people_of(data, acting_user)
    existing = _existing(data, room, people[0])
    if existing is not None:
        data.replayed = True
        return existing
    old = _superseded(data, people[0])
    now = timezone.now()
    declared_at = data.declared_at or now
    confirmed = data.source != DeclarationSource.TENANT_QR
    decl = Declaration(
        number=new_number(timezone.localdate(declared_at)),
        property=room.property,
        room=room,
        division_id=room.property.division_id,
        source=data.source,
        move_in=data.move_in,
        arrived_at=data.arrived_at,
        purpose=data.purpose,
        employer=data.employer.strip()[:120],
        phone_verified=data.phone_verified,
        declared_at=declared_at,
        landlord_confirmed_at=declared_at if confirmed else None,
        confirmed_by=acting_user if confirmed and getattr(acting_user, "is_authenticated", False) else None,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        supersedes=old,
        idempotency_key=key,
        batch_id=data.batch_id,
        foreign=any(p.is_foreign for p in people),
    )
    if key:
        try:
            with transaction.atomic():
                decl.save(force_insert=True)
        except IntegrityError:  # a concurrent retry with the same key won the race
            data.replayed = True
            return Declaration.objects.get(idempotency_key=key)
    else:
        decl.save(force_insert=True)
    active = rules.active_rules()
    child_age = int(active.get(RuleCode.WITHIN_CAPACITY, {}).get("child_age", 12))
    members = DeclarationMember.objects.bulk_create(
        [
            DeclarationMember(declaration=decl, person=p, relation=m.relation, visa_expiry=m.visa_expiry)
            for p, m in zip(people, data.members, strict=True)
        ]
    )
    decl.checked_members = members  # the rules and the events read the people from here, not the database
    Residency.objects.bulk_create(
        [
            Residency(
                person=p,
                declaration=decl,
                property_id=room.property_id,
                room=room,
                division_id=decl.division_id,
                start=data.move_in,
                counted=rules.age_on(p.birth_date, data.move_in) >= child_age,
            )
            for p in people
        ]
    )
    if old is not None:
        Residency.objects.filter(declaration=old, end__isnull=True).update(end=data.move_in)
        old.status, old.move_out = DeclarationStatus.SUPERSEDED, data.move_in
        old.save(update_fields=["status", "move_out"])
    audit.record(
        "residence.declare",
        actor=acting_user,
        obj=decl,
        new={
            "number": decl.number,
            "room": room.number,
            "property": room.property_id,
            "people": len(people),
            "source": decl.source,
            "move_in": decl.move_in,
            "replaces": old.number if old else None,
        },
    )
    run_verification(decl, active, fresh=True)
    # The caller's receipt (API, pages) reads members and results from here instead of reloading them.
    decl.__dict__["_prefetched_objects_cache"] = {
        "members": _cached(decl.members.all(), members),
        "results": _cached(decl.results.all(), decl.stored_results or []),
    }
    return decl


def _cached(qs: Any, rows: list[Any]) -> Any:
    """A related queryset whose `.all()` answers from `rows` (as `prefetch_related` leaves it)."""
    qs._result_cache, qs._prefetch_done = list(rows), True
    return qs


def _superseded(data: DeclarationInput, declarant: Person) -> Declaration | None:
    if not data.supersedes_id:
        return None
    old = Declaration.objects.select_for_update().filter(pk=data.supersedes_id).first()
    if old is None or old.status not in OCCUPYING or not old.members.filter(person=declarant).exists():
        raise _err("supersedes", _("Only a current declaration of the same declarant can be changed."))
    if old.room_id == data.room_id:
        raise _err("room", _("Choose a different room."))
    if data.move_in < old.move_in:
        raise _err("move_in", _("The change cannot be dated before the original move-in."))
    return old


def _store_results(decl: Declaration, findings: list[rules.Finding], *, fresh: bool = False) -> None:
    now = timezone.now()
    if not fresh:  # a new declaration has no earlier results to retire
        VerificationResult.objects.filter(declaration=decl, current=True).update(current=False)
    decl.stored_results = VerificationResult.objects.bulk_create(
        [
            VerificationResult(declaration=decl, rule=f.rule, passed=f.passed, reason=f.reason[:300], checked_at=now)
            for f in findings
        ]
    )


def _confirm_residence(decl: Declaration) -> None:
    Residency.objects.filter(declaration=decl, cancelled=False).update(confirmed=True)
    person_ids = [m.person_id for m in rules.members_of(decl)]
    Person.objects.filter(pk__in=person_ids).update(division_id=decl.division_id)
    residence_events.publish_verified(decl)


def _publish_findings(decl: Declaration, findings: list[rules.Finding]) -> None:
    """Late and over-capacity findings become events once per declaration (the landlord is accountable)."""
    reported = dict(decl.reported or {})
    for f in findings:
        if f.passed:
            continue
        if f.rule == RuleCode.ON_TIME and "late" not in reported:
            reported["late"] = residence_events.publish_late(decl, f.data["days_late"], f.data["limit"]).pk
        if f.rule == RuleCode.WITHIN_CAPACITY and "over_capacity" not in reported:
            ev = residence_events.publish_over_capacity(decl, f.data["capacity"], f.data["occupants"])
            reported["over_capacity"] = ev.pk
    decl.reported = reported


def run_verification(
    decl: Declaration, active: dict[str, dict[str, Any]] | None = None, *, fresh: bool = False
) -> list[rules.Finding]:
    """Evaluate every enabled rule, store the results and move the declaration to its next status."""
    findings = rules.evaluate(decl, active)
    _store_results(decl, findings, fresh=fresh)
    on_time = next((f for f in findings if f.rule == RuleCode.ON_TIME), None)
    decl.days_late = int(on_time.data.get("days_late", 0)) if on_time else 0
    failed = [f for f in findings if not f.passed]
    confirmed = decl.landlord_confirmed_at is not None
    if failed:
        decl.status = DeclarationStatus.FLAGGED
    elif confirmed:
        decl.status = DeclarationStatus.VERIFIED
        _confirm_residence(decl)
    else:
        decl.status = DeclarationStatus.SUBMITTED
    if confirmed:
        _publish_findings(decl, findings)
    decl.save(update_fields=["status", "days_late", "reported"])
    return findings


def _lock(decl: Declaration) -> Declaration:
    Room.objects.select_for_update().filter(pk=decl.room_id).first()
    return Declaration.objects.select_for_update().select_related("property", "room").get(pk=decl.pk)


def _is_owner(user: Any, decl: Declaration) -> bool:
    return getattr(user, "role", None) == Role.LANDLORD and user.person_id == decl.property.landlord_id


@transaction.atomic
@audit.deferred()
def do_confirm_declaration(decl: Declaration, *, acting_user: Any) -> Declaration:
    """The landlord confirms a tenant lives there; the rules run again and decide verified or flagged."""
    decl = _lock(decl)
    if not decl.can_landlord_decide():
        raise _err("status", _("This declaration is no longer waiting for the landlord."))
    decl.landlord_confirmed_at, decl.confirmed_by = timezone.now(), acting_user
    if decl.status == DeclarationStatus.SUBMITTED:
        decl.status = DeclarationStatus.LANDLORD_CONFIRMED
    decl.save(update_fields=["landlord_confirmed_at", "confirmed_by", "status"])
    run_verification(decl)
    audit.record("residence.landlord_confirm", actor=acting_user, obj=decl, new={"status": decl.status})
    return decl


def _cancel(decl: Declaration) -> None:
    Residency.objects.filter(declaration=decl).update(cancelled=True, confirmed=False)
    if decl.supersedes_id:  # a rejected change restores the previous tenancy
        prev = Declaration.objects.select_for_update().get(pk=decl.supersedes_id)
        if prev.status == DeclarationStatus.SUPERSEDED:
            Residency.objects.filter(declaration=prev, end=decl.move_in).update(end=None)
            prev.status, prev.move_out = _status_before_supersede(prev), None
            prev.save(update_fields=["status", "move_out"])
    for kind, event_id in (decl.reported or {}).items():
        if kind in ("late", "over_capacity"):
            residence_events.publish_withdrawn(decl, event_id, "declaration rejected")
    decl.reported = {k: v for k, v in (decl.reported or {}).items() if k not in ("late", "over_capacity")}


def _status_before_supersede(prev: Declaration) -> str:
    if Residency.objects.filter(declaration=prev, confirmed=True).exists():
        return DeclarationStatus.VERIFIED
    return (
        DeclarationStatus.FLAGGED
        if prev.results.filter(current=True, passed=False).exists()
        else (DeclarationStatus.SUBMITTED)
    )


@transaction.atomic
@audit.deferred()
def do_landlord_reject(decl: Declaration, reason: str, *, acting_user: Any) -> Declaration:
    """The landlord says the tenant does not live there (or the data is wrong)."""
    if not reason.strip():
        raise _err("reason", _("Give a reason; the tenant sees it."))
    decl = _lock(decl)
    if not decl.can_landlord_decide():
        raise _err("status", _("This declaration is no longer waiting for the landlord."))
    old = decl.status
    decl.status, decl.decision_note = DeclarationStatus.REJECTED, reason.strip()[:300]
    decl.decided_at, decl.decided_by = timezone.now(), acting_user
    _cancel(decl)
    decl.save(update_fields=["status", "decision_note", "decided_at", "decided_by", "reported"])
    residence_events.publish_rejected(decl, false_information=False)
    audit.record(
        "residence.landlord_reject",
        actor=acting_user,
        obj=decl,
        old={"status": old},
        new={"status": decl.status},
        note=decl.decision_note,
    )
    return decl


@transaction.atomic
@audit.deferred()
def do_decide(
    decl: Declaration,
    decision: str,
    *,
    acting_user: Any,
    note: str = "",
    corrections: dict[str, Any] | None = None,
) -> Declaration:
    """An officer approves, corrects or rejects a flagged declaration; the decision is audited."""
    if getattr(acting_user, "role", None) not in OFFICER_ROLES:
        raise PermissionDenied(_("Only grid workers and police decide flagged declarations."))
    if decision not in Decision.values:
        raise _err("decision", _("Choose approve, correct or reject."))
    if decision != Decision.APPROVE and not note.strip():
        raise _err("note", _("Give the reason for the decision; it is recorded."))
    decl = _lock(decl)
    if not decl.can_officer_decide():
        raise _err("status", _("Only a flagged declaration can be decided."))
    old = {"status": decl.status, **{k: getattr(decl, k) for k in CORRECTABLE}}
    decl.decided_at, decl.decided_by, decl.decision_note = timezone.now(), acting_user, note.strip()[:300]
    if decision == Decision.REJECT:
        decl.status = DeclarationStatus.REJECTED
        _cancel(decl)
        residence_events.publish_rejected(decl, false_information=decl.landlord_confirmed_at is not None)
    else:
        findings = rules.evaluate(decl)
        if decision == Decision.CORRECT:
            findings = _apply_corrections(decl, corrections or {})
        else:
            _publish_findings(decl, findings)
        decl.status = DeclarationStatus.APPROVED if decision == Decision.APPROVE else DeclarationStatus.CORRECTED
        _confirm_residence(decl)
    decl.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decision_note",
            "reported",
            "days_late",
            *CORRECTABLE,
        ]
    )
    audit.record(
        f"residence.officer_{decision}",
        actor=acting_user,
        obj=decl,
        old=old,
        new={"status": decl.status, **{k: getattr(decl, k) for k in CORRECTABLE}},
        note=decl.decision_note,
    )
    return decl


def _apply_corrections(decl: Declaration, corrections: dict[str, Any]) -> list[rules.Finding]:
    unknown = set(corrections) - set(CORRECTABLE)
    if unknown:
        raise _err("corrections", _("Only move-in date, arrival time, purpose and employer can be corrected."))
    for key, value in corrections.items():
        if value not in (None, ""):
            setattr(decl, key, value)
    if decl.purpose not in Purpose.values:
        raise _err("purpose", _("Choose a purpose of stay."))
    Residency.objects.filter(declaration=decl).update(start=decl.move_in)
    findings = rules.evaluate(decl)
    _store_results(decl, findings)
    on_time = next((f for f in findings if f.rule == RuleCode.ON_TIME), None)
    decl.days_late = int(on_time.data.get("days_late", 0)) if on_time else 0
    reported = dict(decl.reported or {})
    if on_time is not None and on_time.passed and "late" in reported:
        residence_events.publish_withdrawn(decl, reported.pop("late"), "corrected: declared on time")
    decl.reported = reported
    _publish_findings(decl, findings)
    return findings


@transaction.atomic
@audit.deferred()
def do_check_out(decl: Declaration, move_out: datetime.date, *, acting_user: Any) -> Declaration:
    """Record that the declared people moved out (tenant via the code, or the landlord)."""
    decl = _lock(decl)
    if not decl.can_move_out():
        raise _err("status", _("This declaration is not a current residence."))
    if move_out < decl.move_in:
        raise _err("move_out", _("The move-out date cannot be before the move-in date."))
    if move_out > timezone.localdate() + datetime.timedelta(days=1):
        raise _err("move_out", _("The move-out date cannot be in the future."))
    old = decl.status
    Residency.objects.filter(declaration=decl, end__isnull=True).update(end=move_out)
    decl.status, decl.move_out = DeclarationStatus.CHECKED_OUT, move_out
    decl.save(update_fields=["status", "move_out"])
    for pid in decl.members.values_list("person_id", flat=True):
        residence_events.publish_checked_out(decl, pid)
    audit.record(
        "residence.check_out",
        actor=acting_user,
        obj=decl,
        old={"status": old},
        new={"status": decl.status, "move_out": move_out},
    )
    return decl


def do_change_room(
    decl: Declaration,
    room_id: int,
    moved_on: datetime.date,
    *,
    acting_user: Any,
    source: str,
    phone_verified: bool = False,
    idempotency_key: str | None = None,
) -> Declaration:
    """A change of room (to be declared within 10 days): a new declaration that supersedes the old one."""
    members = [
        MemberInput(person_id=m.person_id, relation=m.relation, visa_expiry=m.visa_expiry)
        for m in decl.members.order_by("id")
    ]
    data = DeclarationInput(
        room_id=room_id,
        members=members,
        move_in=moved_on,
        purpose=decl.purpose,
        employer=decl.employer,
        source=source,
        phone_verified=phone_verified,
        idempotency_key=idempotency_key,
        supersedes_id=decl.pk,
    )
    return do_declare(data, acting_user=acting_user)


@transaction.atomic
def do_add_to_watch_list(doc_number: str, reason: str, *, acting_user: Any) -> WatchListEntry:
    """Police keep a watch list as blind indexes: the clear number is not stored."""
    if getattr(acting_user, "role", None) not in (Role.POLICE, Role.CITY_ADMIN):
        raise PermissionDenied(_("Only the police maintain the watch list."))
    number = doc_number.strip().upper().replace(" ", "")
    if len(number) < 5 or not reason.strip():
        raise _err("doc_number", _("Give a document number and a reason."))
    entry = WatchListEntry.objects.create(
        doc_index=document_index(number),
        doc_masked=mask_document(number),
        reason=reason.strip()[:200],
        added_by=acting_user,
        division_id=acting_user.division_id,
    )
    audit.record(
        "residence.watch_list_add",
        actor=acting_user,
        obj=entry,
        new={"doc": entry.doc_masked},
        note=entry.reason,
    )
    return entry


@transaction.atomic
def do_remove_from_watch_list(entry: WatchListEntry, *, acting_user: Any) -> WatchListEntry:
    entry.active = False
    entry.save(update_fields=["active"])
    audit.record("residence.watch_list_remove", actor=acting_user, obj=entry, new={"active": False})
    return entry


@transaction.atomic
def do_issue_code(prop: Any, room: Room | None = None, *, acting_user: Any) -> LandlordCode:
    """The QR plate of a property or a room (created once; the same code is returned afterwards)."""
    if room is not None and room.property_id != prop.pk:
        raise _err("room", _("Choose a room of this property."))
    code, created = LandlordCode.objects.get_or_create(property=prop, room=room, defaults={"issued_at": timezone.now()})
    if created:
        audit.record(
            "residence.code_issue",
            actor=acting_user,
            obj=prop,
            new={"code": code.pk, "room": room.number if room else None},
        )
    return code


@transaction.atomic
def do_revoke_code(code: LandlordCode, *, acting_user: Any) -> LandlordCode:
    """Revoke every printed copy and re-issue: the version goes up, old URLs no longer resolve."""
    code = LandlordCode.objects.select_for_update().get(pk=code.pk)
    code.version += 1
    code.revoked_count += 1
    code.issued_at = timezone.now()
    code.save(update_fields=["version", "revoked_count", "issued_at"])
    audit.record(
        "residence.code_revoke",
        actor=acting_user,
        obj=code.property,
        new={"code": code.pk, "version": code.version},
    )
    return code
