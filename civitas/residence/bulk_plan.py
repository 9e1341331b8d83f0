"""The set-based path of the bulk import: a batch validated and verified in memory, written with bulk inserts.

It replays, row by row and in order, what `actions.do_declare` does for each row of a batch inside one
transaction — idempotency key, `validate_input`, the room, `validated_person_fields` per member (a known
document returns the known person, a new one is registered once), a retry of the same declarant, room and
move-in date, then every enabled rule — but against in-memory state: what the database held when the batch
started (read with one query per kind) plus what the earlier rows of the batch added. The rule verdicts come
from the same functions in `rules.py` the single check-in calls. A rejected row leaves no trace for later
rows, as the per-row path's savepoint does. Nothing is written unless every row passes validation.

Concurrency: the batch's rooms are locked (`SELECT ... FOR UPDATE`, in id order, as every single check-in
locks its room) before occupancy is read, so capacity holds between concurrent batches and check-ins.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import inspect
import operator
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Func, Q, Value
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.core import events
from civitas.core.models import DomainEvent
from civitas.people.actions import validated_person_fields
from civitas.people.models import Person
from civitas.places.choices import PropertyStatus
from civitas.places.models import Building, RentalProperty, Room
from civitas.residence import events as residence_events
from civitas.residence import rules
from civitas.residence.actions import GUARDIAN_AGE, NUMBER_ALPHABET, DeclarationInput, stored_key, validate_input
from civitas.residence.bulk import errors_of, outcome_of, record_batch, row_key, store_outcome
from civitas.residence.choices import OCCUPYING, DeclarationSource, DeclarationStatus, RuleCode
from civitas.residence.models import (
    Declaration,
    DeclarationMember,
    Residency,
    VerificationResult,
    WatchListEntry,
)

PersonKey = tuple[str, str]  # (doc_index, doc_country): how a document is recognised
CHUNK = 2000
M = TypeVar("M", bound=models.Model)
if len(NUMBER_ALPHABET) != 32:  # `_Batch._number` draws five random bits per character
    raise RuntimeError("declaration numbers expect a 32-letter alphabet")


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class _AnyOf(Func):
    """`field = ANY(%s)`: the values as one array parameter."""

    output_field = models.BooleanField()
    template = "%(expressions)s)"
    arg_joiner = " = ANY("


def _among(field: str, values: list[Any]) -> Any:
    """A filter `field__in=values`. On PostgreSQL as `= ANY(array)`: a batch asks for thousands of values, and
    an IN list binds and plans each as its own parameter (twice as slow for 2,000 values)."""
    if connection.vendor == "postgresql" and values:
        return _AnyOf(F(field), Value(list(values)))
    return Q(**{f"{field}__in": values})


class _Maker:
    """Unsaved instances of one model from attname values, as `model(**values)` builds them but without
    `Model.__init__`'s per-field dispatch (a batch builds thousands): every concrete field gets the given
    value or its default (callable defaults called per instance). Models with init signal receivers, or
    values that are not attnames, go through the ordinary constructor."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.attnames = frozenset(f.attname for f in model._meta.concrete_fields)
        # Only plain fields and foreign keys: their descriptors store the value as given.
        self.plain = all(
            type(inspect.getattr_static(model, f.attname, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute)
            for f in model._meta.concrete_fields
        )
        self.fixed: dict[str, Any] = {}
        self.fresh: list[tuple[str, models.Field[Any, Any]]] = []  # defaults evaluated per instance
        for f in model._meta.concrete_fields:
            if (f.has_default() and callable(f.default)) or f.has_db_default():
                self.fresh.append((f.attname, f))
            else:
                self.fixed[f.attname] = f.get_default()

        self.check_signals()

    def check_signals(self) -> None:
        """Whether instances may skip `Model.__init__` (no init signal receivers; checked once per batch)."""
        model = self.model
        self.direct = self.plain and not (pre_init.has_listeners(model) or post_init.has_listeners(model))

    def __call__(self, values: dict[str, Any], loaded: bool = False) -> Any:
        model: Any = self.model
        if not self.direct or not values.keys() <= self.attnames:
            obj = model(**values)
        else:
            obj = model.__new__(model)
            obj._state = ModelState()
            state = obj.__dict__
            state.update(self.fixed)
            for attname, f in self.fresh:
                if attname not in values:
                    state[attname] = f.get_default()
            state.update(values)
        if loaded:  # as `Model.from_db` marks a row read from the database
            obj._state.adding, obj._state.db = False, connection.alias
        return obj


_makers: dict[type[Any], _Maker] = {}


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch runs (then restore it as it was).

    A batch allocates hundreds of thousands of short-lived objects, freed by reference counting; each
    allocation burst triggers collections that scan every live object of the process (the whole of
    Django included) and found nothing to free here, about a quarter of the batch's Python time. Memory
    freed by reference counting is unaffected; any cycles are collected after the batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _new(model: type[M], values: dict[str, Any], *, loaded: bool = False) -> M:
    """`model(**values)` for attname values, built cheaply (see `_Maker`); `loaded`: a row read from the
    database."""
    maker = _makers.get(model)
    if maker is None:
        maker = _makers[model] = _Maker(model)
    obj: M = maker(values, loaded)
    return obj


def _check_signals() -> None:
    for maker in _makers.values():
        maker.check_signals()


@dataclass
class _Planned:
    """One row that will become a new declaration."""

    row: int
    decl: Declaration
    people: list[Person]
    visas: list[datetime.date | None]
    relations: list[str]
    counted: list[bool]  # per person: counts towards the room's capacity
    findings: list[rules.Finding] = field(default_factory=list)
    confirmed: bool = False  # verified: the residencies are confirmed


@dataclass
class _Known:
    """What the database held when the batch started, read with one query per kind."""

    keyed: dict[str, Declaration]
    rooms: dict[int, Room]
    persons: dict[PersonKey, Person]
    current: dict[int, list[Residency]]  # person id -> current residencies
    occupants: dict[int, list[int]]  # room id -> declaration ids of counted current residents
    declared: dict[tuple[int, int, datetime.date], Declaration]  # (person, room, move-in) -> first occupying
    watch: dict[str, list[int]]  # doc_index -> active watch-list entry ids


Checked = list[tuple[dict[str, list[Any]], list[dict[str, Any] | None]]]  # per row: input errors, members' fields


def _validated(rows: list[DeclarationInput]) -> Checked:
    """Pure checks of every row, in the per-row path's order: input, then each member's document."""
    out: Checked = []
    today, now = timezone.localdate(), timezone.now()  # once for the batch, as the batch's own clock
    for row in rows:
        try:
            validate_input(row, today=today, now=now)
            input_errors: dict[str, list[Any]] = {}
        except ValidationError as exc:
            input_errors = exc.message_dict
        fields: list[dict[str, Any] | None] = []
        if not input_errors:
            for m in row.members:
                try:
                    fields.append(validated_person_fields(m.person) if m.person is not None else None)
                except ValidationError as exc:
                    fields.append({"__errors__": exc.message_dict})
        out.append((input_errors, fields))
    return out


def _read_known(rows: list[DeclarationInput], keys: list[str], fields: list[list[dict[str, Any] | None]]) -> _Known:
    keyed: dict[str, Declaration] = {}
    for part in _chunks(sorted(set(keys))):
        keyed.update({d.idempotency_key or "": d for d in Declaration.objects.filter(_among("idempotency_key", part))})
    # Lock the rooms in id order, as each single check-in locks its room, before reading their occupancy.
    room_ids = sorted({r.room_id for r in rows})
    rooms = _locked_rooms(room_ids)
    wanted = {(f["doc_index"], f["doc_country"]) for row in fields for f in row if f and "__errors__" not in f}
    by_index: dict[str, list[str]] = defaultdict(list)
    for index, country in wanted:
        by_index[index].append(country)
    persons: dict[PersonKey, Person] = {}
    for part in _chunks(sorted(by_index)):
        for p in Person.objects.filter(_among("doc_index", part)):
            if p.doc_country in by_index[p.doc_index]:
                persons[(p.doc_index, p.doc_country)] = p
    by_pk = {p.pk: p for p in persons.values()}
    person_ids = sorted(by_pk)
    current: dict[int, list[Residency]] = defaultdict(list)
    declared: dict[tuple[int, int, datetime.date], Declaration] = {}
    for part in _chunks(person_ids):
        for res in (
            Residency.objects.current()
            .filter(_among("person_id", part))
            .select_related("property__building", "room")
            .order_by("start", "id")
        ):
            res.person = by_pk[res.person_id]
            current[res.person_id].append(res)
        members = (
            DeclarationMember.objects.filter(
                _among("person_id", part),
                _among("declaration__room_id", room_ids),
                declaration__status__in=OCCUPYING,
            )
            .select_related("declaration")
            .order_by("declaration_id")
        )
        for m in members:
            d = m.declaration
            declared.setdefault((m.person_id, d.room_id, d.move_in), d)
    occupants: dict[int, list[int]] = defaultdict(list)
    for part in _chunks(room_ids):
        for room_id, decl_id in (
            Residency.objects.current()
            .filter(_among("room_id", part), counted=True)
            .order_by("declaration_id")
            .values_list("room_id", "declaration_id")
        ):
            occupants[room_id].append(decl_id)
    indexes = sorted({index for index, _country in wanted})
    watch: dict[str, list[int]] = defaultdict(list)
    for part in _chunks(indexes):
        for pk, index in (
            WatchListEntry.objects.filter(_among("doc_index", part), active=True)
            .order_by("pk")
            .values_list("pk", "doc_index")
        ):
            watch[index].append(pk)
    return _Known(keyed, rooms, persons, current, occupants, declared, watch)


def _locked_rooms(room_ids: list[int]) -> dict[int, Room]:
    """The rooms, locked in id order, each with its property and the property's building (its address names
    the property in reasons): `select_related`'s one query, its values built as `_new` instances."""
    kinds: list[tuple[type[models.Model], str]] = [
        (Room, ""),
        (RentalProperty, "property__"),
        (Building, "property__building__"),
    ]
    names = [[f.attname for f in model._meta.concrete_fields] for model, _prefix in kinds]
    columns = [prefix + name for (_model, prefix), attnames in zip(kinds, names, strict=True) for name in attnames]
    bounds = [0]
    for attnames in names:
        bounds.append(bounds[-1] + len(attnames))
    rooms: dict[int, Room] = {}
    query = (
        Room.objects.select_for_update(of=("self",)).filter(_among("pk", room_ids)).order_by("pk").values_list(*columns)
    )
    for values in query:
        room, prop, building = (
            _new(model, dict(zip(attnames, values[bounds[k] : bounds[k + 1]], strict=True)), loaded=True)
            for k, ((model, _prefix), attnames) in enumerate(zip(kinds, names, strict=True))
        )
        _room_property_cache(room, prop)
        _property_building_cache(prop, building)
        rooms[room.pk] = cast(Room, room)
    return rooms


class _Batch:
    """The in-memory state of the batch as its rows are replayed in order."""

    def __init__(self, rows: list[DeclarationInput], batch_id: str, acting_user: Any) -> None:
        self.rows, self.batch_id, self.user = rows, batch_id, acting_user
        self.keys = [
            stored_key(row_key(acting_user, batch_id, i, row), acting_user) or "" for i, row in enumerate(rows)
        ]
        _check_signals()
        self.rule_params = rules.active_rules()
        self.child_age = int(self.rule_params.get(RuleCode.WITHIN_CAPACITY, {}).get("child_age", 12))
        self.now = timezone.now()
        self.now_day = timezone.localdate(self.now)
        self.today = timezone.localdate()
        self.random, self.drawn = b"", 0  # random bytes for declaration numbers (from `secrets`), and used
        self.prefixes: dict[datetime.date, str] = {}  # declaration number prefix per day
        # The enabled rules in their order, each as (code, parameters, how this batch checks it).
        checks: dict[str, Callable[[_Planned, dict[str, Any]], rules.Finding]] = {
            RuleCode.DOCUMENT_VALID: self._document_valid,
            RuleCode.ON_TIME: self._on_time,
            RuleCode.NOT_RESIDENT_ELSEWHERE: self._not_resident_elsewhere,
            RuleCode.WITHIN_CAPACITY: self._within_capacity,
            RuleCode.NOT_WATCH_LISTED: self._not_watch_listed,
            RuleCode.LANDLORD_OWNS_PROPERTY: self._landlord_owns_property,
        }
        self.checks = [
            (code, params, checks[code]) for code, params in self.rule_params.items() if code in rules.CHECKS
        ]
        self.authenticated = getattr(acting_user, "is_authenticated", False)
        self.created: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.planned: list[_Planned] = []
        self.new_persons: dict[PersonKey, Person] = {}
        self.batch_keyed: dict[str, _Planned] = {}
        self.batch_current: dict[int, list[tuple[_Planned, Person]]] = defaultdict(list)  # id(person) -> where
        self.batch_occupants: dict[int, list[int]] = defaultdict(list)
        self.batch_declared: dict[tuple[int, int, datetime.date], _Planned] = {}
        self.numbers: set[str] = set()

    # --- the steps of do_declare, in its order -----------------------------------------------------

    def plan(self, known: _Known, checked: list[tuple[dict[str, list[Any]], list[dict[str, Any] | None]]]) -> None:
        self.known = known
        refused: list[tuple[int, ValidationError]] = []
        # The rules' reasons are stored: in the site's language, as `rules.evaluate` writes them. A rejected
        # row's messages are the caller's, as the per-row path reports them (rendered after this block).
        with _no_cycle_collection(), translation.override(settings.LANGUAGE_CODE):
            self._plan_rows(checked, refused)
        self.rejected.extend({"row": i, "errors": errors_of(exc)} for i, exc in refused)

    def _plan_rows(
        self,
        checked: list[tuple[dict[str, list[Any]], list[dict[str, Any] | None]]],
        refused: list[tuple[int, ValidationError]],
    ) -> None:
        known = self.known
        for i, (row, (input_errors, fields)) in enumerate(zip(self.rows, checked, strict=True)):
            key = self.keys[i]
            if key in self.batch_keyed:  # an earlier row of this batch used the key
                self._replay(i, self.batch_keyed[key])
                continue
            if key in known.keyed:
                self._replay(i, known.keyed[key])
                continue
            try:
                if input_errors:
                    raise ValidationError(input_errors)
                room = known.rooms.get(row.room_id)
                if room is None:
                    raise ValidationError({"room": [_("Choose a room of this property.")]})
                if room.property.status != PropertyStatus.ACTIVE:
                    raise ValidationError(
                        {"room": [_("This property is not registered as let out; ask the landlord.")]}
                    )
                people, fresh = self._people_of(row, fields)
            except ValidationError as exc:
                refused.append((i, exc))
                continue
            self.new_persons.update(fresh)
            existing = self._existing(row, people[0])
            if existing is not None:
                self._replay(i, existing)
                continue
            self._add(i, key, row, room, people)

    def _replay(self, i: int, found: Declaration | _Planned) -> None:
        if isinstance(found, _Planned):
            self.created.append({"row": i, "planned": found})
        else:
            self.created.append({"row": i, "id": found.pk, "number": found.number, "status": found.status})

    def _people_of(
        self, row: DeclarationInput, fields: list[dict[str, Any] | None]
    ) -> tuple[list[Person], dict[PersonKey, Person]]:
        """`actions._people_of` with `do_register_person`: known documents give the known person."""
        people: list[Person] = []
        fresh: dict[PersonKey, Person] = {}
        errors: dict[str, list[Any]] = {}
        for i, f in enumerate(fields):
            prefix = "" if i == 0 else f"members.{i}."
            if f is None:
                errors.setdefault(prefix + "person", []).append(_("Give an identity document."))
                continue
            if "__errors__" in f:
                for name, msgs in f["__errors__"].items():
                    errors.setdefault(prefix + name, []).extend(msgs)
                continue
            key = (f["doc_index"], f["doc_country"])
            person = fresh.get(key) or self.new_persons.get(key) or self.known.persons.get(key)
            if person is None:
                fresh[key] = person = _new(Person, f)
            elif f.get("birth_date") and person.birth_date != f["birth_date"]:
                errors.setdefault(prefix + "doc_number", []).append(
                    _("This document is already registered to a person with another date of birth; check the number.")
                )
                continue
            people.append(person)
        if errors:
            raise ValidationError(errors)
        if len({id(p) for p in people}) != len(people):
            raise ValidationError({"members": [_("The same person is declared twice.")]})
        if rules.age_on(people[0].birth_date, row.move_in) < GUARDIAN_AGE:
            raise ValidationError({"members": [_("A child under 16 is declared by a parent or guardian, not alone.")]})
        return people, fresh

    def _existing(self, row: DeclarationInput, declarant: Person) -> Declaration | _Planned | None:
        """A retry of the same declarant, room and move-in date (an earlier row of the batch or the database)."""
        if declarant.pk is not None:
            found = self.known.declared.get((declarant.pk, row.room_id, row.move_in))
            if found is not None:
                return found
        return self.batch_declared.get((id(declarant), row.room_id, row.move_in))

    def _number(self, day: datetime.date) -> str:
        """`actions._number`'s form and distribution: six characters of the 32-letter alphabet, each uniform
        and drawn from `secrets` (five random bits each, taken from bytes drawn once for the batch)."""
        prefix = self.prefixes.get(day)
        if prefix is None:
            prefix = self.prefixes[day] = f"{day:%y%m%d}-"
        while True:
            if self.drawn + 4 > len(self.random):
                self.random, self.drawn = secrets.token_bytes(4 * max(16, len(self.rows))), 0
            draw = int.from_bytes(self.random[self.drawn : self.drawn + 4], "big")
            self.drawn += 4
            number = prefix + "".join(NUMBER_ALPHABET[(draw >> shift) & 31] for shift in (0, 5, 10, 15, 20, 25))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _add(self, i: int, key: str, row: DeclarationInput, room: Room, people: list[Person]) -> None:
        declared_at = row.declared_at or self.now
        confirmed = row.source != DeclarationSource.TENANT_QR
        user = self.user if self.authenticated else None
        decl = _new(
            Declaration,
            {
                "number": self._number(self.now_day if declared_at is self.now else timezone.localdate(declared_at)),
                "property_id": room.property_id,
                "room_id": room.pk,
                "division_id": room.property.division_id,
                "source": row.source,
                "move_in": row.move_in,
                "arrived_at": row.arrived_at,
                "purpose": row.purpose,
                "employer": row.employer.strip()[:120],
                "phone_verified": row.phone_verified,
                "declared_at": declared_at,
                "landlord_confirmed_at": declared_at if confirmed else None,
                "confirmed_by_id": user.pk if user is not None and confirmed else None,
                "created_by_id": user.pk if user is not None else None,
                "idempotency_key": key,
                "batch_id": self.batch_id,
                "foreign": any(p.is_foreign for p in people),
            },
        )
        # The related objects the rules read, cached as the ORM would after a fetch.
        _room_cache(decl, room)
        _property_cache(decl, room.property)
        if decl.confirmed_by_id is not None:
            _confirmed_by_cache(decl, user)
        if decl.created_by_id is not None:
            _created_by_cache(decl, user)
        counted = [rules.age_on(p.birth_date, row.move_in) >= self.child_age for p in people]
        planned = _Planned(
            i, decl, people, [m.visa_expiry for m in row.members], [m.relation for m in row.members], counted
        )
        marker = -len(self.planned) - 1  # stands for this declaration's id in the occupancy lists
        self.batch_occupants[room.pk].extend(marker for c in counted if c)
        planned.findings = self._evaluate(planned, marker)
        for p in people:
            self.batch_current[id(p)].append((planned, p))
            self.batch_declared.setdefault((id(p), room.pk, row.move_in), planned)
        self.batch_keyed[key] = planned
        self.planned.append(planned)
        self.created.append({"row": i, "planned": planned})

    # --- verification: the rule functions of rules.py on in-memory state ----------------------------

    def _evaluate(self, planned: _Planned, marker: int) -> list[rules.Finding]:
        """Every enabled rule, in `rules.evaluate`'s order (the caller has activated the site's language)."""
        return [check(planned, params) for _code, params, check in self.checks]

    def _document_valid(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        people = list(zip(planned.people, planned.visas, strict=True))
        return rules.document_finding(planned.decl, people, today=self.today)

    def _on_time(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        return rules.check_on_time(planned.decl, params)

    def _not_resident_elsewhere(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        return rules.resident_elsewhere_finding(self._elsewhere(planned))

    def _within_capacity(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        return rules.capacity_finding(planned.decl, self._occupants(planned.decl.room_id), params)

    def _not_watch_listed(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        watch = self.known.watch
        return rules.watch_list_finding(sorted({pk for p in planned.people for pk in watch.get(p.doc_index, ())}))

    def _landlord_owns_property(self, planned: _Planned, params: dict[str, Any]) -> rules.Finding:
        return rules.check_landlord_owns_property(planned.decl, params)

    def _occupants(self, room_id: int) -> list[int]:
        return self.known.occupants.get(room_id, []) + self.batch_occupants.get(room_id, [])

    def _elsewhere(self, planned: _Planned) -> list[Residency]:
        """Current residencies of the declared people in other rooms: the database's, then the batch's."""
        decl = planned.decl
        found: list[Residency] = []
        for p in planned.people:
            if p.pk is not None:
                found += self.known.current.get(p.pk, [])
            for other, person in self.batch_current.get(id(p), []):
                d = other.decl
                res = _new(Residency, {"property_id": d.property_id, "room_id": d.room_id, "start": d.move_in})
                res.person = person
                _res_room_cache(res, _room_of(d))
                _res_property_cache(res, _property_of(d))
                found.append(res)
        found = [r for r in found if not (r.property_id == decl.property_id and r.room_id == decl.room_id)]
        return sorted(found, key=lambda r: (r.start, r.pk is None, r.pk or 0))  # as the database orders them

    # --- writing ------------------------------------------------------------------------------------

    def write(self) -> list[int]:
        """Insert everything the batch planned; returns the new persons' ids.

        On PostgreSQL the ids of new persons and declarations are drawn from their sequences first, so every
        table is written once with COPY, the declarations last, once `events.emit_many` has given the events
        they record (`Declaration.reported`) their ids; elsewhere with bulk inserts (and the events' ids are
        recorded on the declarations afterwards)."""
        with _no_cycle_collection():
            return self._write()

    def _write(self) -> list[int]:
        new_persons = list(self.new_persons.values())
        decls = [pl.decl for pl in self.planned]
        verified_division = self._decide()
        for p in new_persons:
            p.created_at = self.now
            if id(p) in verified_division:
                p.division_id = verified_division[id(p)]
        self._taken_numbers()
        copy = connection.vendor == "postgresql"
        if copy:
            _allocate_ids(Person, new_persons)
            _allocate_ids(Declaration, decls)
        else:
            Person.objects.bulk_create(new_persons, batch_size=CHUNK)
            Declaration.objects.bulk_create(decls, batch_size=CHUNK)
        published = self._events()
        if copy:
            _copy_objects(Person, new_persons)
        # Ids read once per row and person (`.pk` is a property that looks the field up by name).
        decl_ids = [pl.decl.id for pl in self.planned]
        person_ids = [[p.id for p in pl.people] for pl in self.planned]
        _insert_rows(
            DeclarationMember,
            ["declaration_id", "person_id", "relation", "visa_expiry"],
            [
                (decl_id, pid, rel, visa)
                for pl, decl_id, pids in zip(self.planned, decl_ids, person_ids, strict=True)
                for pid, rel, visa in zip(pids, pl.relations, pl.visas, strict=True)
            ],
        )
        _insert_rows(
            Residency,
            [
                "person_id",
                "declaration_id",
                "property_id",
                "room_id",
                "division_id",
                "start",
                "end",
                "confirmed",
                "cancelled",
                "counted",
            ],
            [
                (pid, decl_id, d.property_id, d.room_id, d.division_id, d.move_in, None, pl.confirmed, False, counted)
                for pl, decl_id, pids in zip(self.planned, decl_ids, person_ids, strict=True)
                for d in (pl.decl,)
                for pid, counted in zip(pids, pl.counted, strict=True)
            ],
        )
        rule_text = {code: str(code) for code in {f.rule for pl in self.planned for f in pl.findings}}
        _insert_rows(
            VerificationResult,
            ["declaration_id", "rule", "passed", "reason", "checked_at", "current"],
            [
                (decl_id, rule_text[f.rule], f.passed, f.reason[:300], self.now, True)
                for pl, decl_id in zip(self.planned, decl_ids, strict=True)
                for f in pl.findings
            ],
        )
        events.emit_many([e for e, _pl, _k in published])  # gives the events their ids
        reported = self._report(published)
        if copy:  # the declarations last: they record their events' ids (foreign keys are checked at commit)
            _copy_objects(Declaration, decls)
        elif reported:
            Declaration.objects.bulk_update(reported, ["reported"], batch_size=CHUNK)
        fresh = {id(p) for p in new_persons}
        moved = []
        for p in {id(p): p for pl in self.planned for p in pl.people}.values():
            if id(p) in verified_division and id(p) not in fresh:
                p.division_id = verified_division[id(p)]
                moved.append(p)
        if moved:
            Person.objects.bulk_update(moved, ["division"], batch_size=CHUNK)
        return [p.pk for p in new_persons]

    def _decide(self) -> dict[int, str]:
        """`run_verification`'s statuses; returns id(person) -> grid of their last verified declaration."""
        verified_division: dict[int, str] = {}
        for planned in self.planned:
            decl = planned.decl
            failed = [f for f in planned.findings if not f.passed]
            on_time = next((f for f in planned.findings if f.rule == RuleCode.ON_TIME), None)
            decl.days_late = int(on_time.data.get("days_late", 0)) if on_time else 0
            if failed:
                decl.status = DeclarationStatus.FLAGGED
            elif decl.landlord_confirmed_at is not None:
                decl.status = DeclarationStatus.VERIFIED
                planned.confirmed = True
                for p in planned.people:
                    verified_division[id(p)] = decl.division_id
            else:
                decl.status = DeclarationStatus.SUBMITTED
        return verified_division

    def _taken_numbers(self) -> None:
        """Declaration numbers are random; draw again the rare one the database already holds."""
        taken: set[str] = set()
        for part in _chunks(sorted(self.numbers)):
            taken.update(Declaration.objects.filter(_among("number", part)).values_list("number", flat=True))
        for planned in self.planned:
            if planned.decl.number in taken:
                planned.decl.number = self._number(timezone.localdate(planned.decl.declared_at))

    def _events(self) -> list[tuple[DomainEvent, _Planned | None, str]]:
        """The events `run_verification` publishes: verified per person, late and over-capacity once each."""
        out: list[tuple[DomainEvent, _Planned | None, str]] = []
        for pl in self.planned:
            decl = pl.decl
            if decl.landlord_confirmed_at is None:
                continue
            if decl.status == DeclarationStatus.VERIFIED:
                for p in pl.people:
                    payload = residence_events.verified_payload(decl, p.pk)
                    out.append((_event(residence_events.VERIFIED, ("person", p.pk), decl, payload), None, ""))
            if any(not f.passed for f in pl.findings):  # the events name the declarant: `do_declare`'s copy
                decl.checked_members = [
                    _new(DeclarationMember, {"declaration_id": decl.pk, "person_id": p.pk, "relation": rel})
                    for p, rel in zip(pl.people, pl.relations, strict=True)
                ]
            for f in pl.findings:
                if f.passed:
                    continue
                if f.rule == RuleCode.ON_TIME:
                    payload = residence_events.late_payload(decl, f.data["days_late"], f.data["limit"])
                    out.append((_event(residence_events.LATE, _landlord(decl), decl, payload), pl, "late"))
                if f.rule == RuleCode.WITHIN_CAPACITY:
                    payload = residence_events.over_capacity_payload(decl, f.data["capacity"], f.data["occupants"])
                    out.append(
                        (_event(residence_events.OVER_CAPACITY, _landlord(decl), decl, payload), pl, "over_capacity")
                    )
        return out

    @staticmethod
    def _report(published: list[tuple[DomainEvent, _Planned | None, str]]) -> list[Declaration]:
        """Record on each declaration the ids of its late / over-capacity events (`Declaration.reported`)."""
        reported: dict[int, Declaration] = {}
        for event, owner, kind in published:
            if owner is not None:
                owner.decl.reported = {**(owner.decl.reported or {}), kind: event.pk}
                reported[id(owner)] = owner.decl
        return list(reported.values())

    def outcome(self) -> list[dict[str, Any]]:
        out = []
        for c in self.created:
            planned = c.pop("planned", None)
            if planned is not None:
                d = planned.decl
                c.update(id=d.pk, number=d.number, status=d.status)
            out.append(c)
        return out


def _allocate_ids(model: type[models.Model], objs: list[Any]) -> None:
    """Draw ids from the table's sequence (PostgreSQL) so related rows can be written before the row itself."""
    if not objs:
        return
    with connection.cursor() as c:
        c.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, len(objs)],
        )
        for obj, (pk,) in zip(objs, c.fetchall(), strict=True):
            obj.pk = pk


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    connection.ensure_connection()
    # Django's error wrapper: a unique violation is an IntegrityError, as with the ORM.
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cur,
        cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp,
    ):
        for row in rows:
            cp.write_row(row)


def _copy_objects(model: type[models.Model], objs: list[Any]) -> None:
    """COPY model instances whose ids are already drawn (every concrete column, JSON as jsonb)."""
    from psycopg.types.json import Jsonb

    if not objs:
        return
    fields = model._meta.concrete_fields
    values = operator.attrgetter(*(f.attname for f in fields))
    json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    rows: Iterable[Sequence[Any]] = map(values, objs)
    if json:

        def adapted(row: Sequence[Any]) -> list[Any]:
            out = list(row)
            for i in json:
                out[i] = Jsonb(out[i])
            return out

        rows = map(adapted, rows)
    _copy(model, [str(f.column) for f in fields], rows)


def _insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows given as tuples of the named fields (attnames): COPY on PostgreSQL, else bulk insert."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = {f.attname: str(f.column) for f in model._meta.concrete_fields}
        _copy(model, [columns[f] for f in fields], rows)
    else:
        model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=CHUNK
        )


_room_cache = Declaration.room.field.set_cached_value
_property_cache = Declaration.property.field.set_cached_value
_confirmed_by_cache = Declaration.confirmed_by.field.set_cached_value
_created_by_cache = Declaration.created_by.field.set_cached_value
_room_of = Declaration.room.field.get_cached_value
_property_of = Declaration.property.field.get_cached_value
_res_room_cache = Residency.room.field.set_cached_value
_room_property_cache = Room.property.field.set_cached_value
_property_building_cache = RentalProperty.building.field.set_cached_value
_res_property_cache = Residency.property.field.set_cached_value


def _landlord(decl: Declaration) -> tuple[str, int]:
    return ("landlord", decl.property.landlord_id)


def _event(kind: str, subject: tuple[str, Any], decl: Declaration, payload: dict[str, Any]) -> DomainEvent:
    return _new(
        DomainEvent,
        {
            "kind": kind,
            "division_code": decl.division_id,
            "subject_type": subject[0],
            "subject_id": str(subject[1]),
            "payload": payload,
        },
    )


def import_set_based(batch_id: str, rows: list[DeclarationInput], *, acting_user: Any) -> dict[str, Any]:
    """Validate and verify the batch in memory, then write it with bulk inserts (or store its rejections)."""
    with _no_cycle_collection():
        return _import(batch_id, rows, acting_user=acting_user)


def _import(batch_id: str, rows: list[DeclarationInput], *, acting_user: Any) -> dict[str, Any]:
    batch = _Batch(rows, batch_id, acting_user)
    checked = _validated(rows)
    with transaction.atomic():
        known = _read_known(rows, batch.keys, [f for _e, f in checked])
        batch.plan(known, checked)
        if not batch.rejected:
            persons = batch.write()
            outcome = outcome_of(batch_id, len(rows), batch.outcome(), [])
            stored = store_outcome(batch_id, outcome, acting_user=acting_user)
            record_batch(
                stored, acting_user=acting_user, declarations=[p.decl.pk for p in batch.planned], persons=persons
            )
            return outcome
    outcome = outcome_of(batch_id, len(rows), [], sorted(batch.rejected, key=lambda r: r["row"]))
    store_outcome(batch_id, outcome, acting_user=acting_user)
    return outcome


def file_independent(rows: list[DeclarationInput], *, acting_user: Any, batch_id: str = "") -> dict[str, Any]:
    """File rows that do not depend on each other's acceptance (the asynchronous intake's submissions), set-based.

    As `import_set_based` plans and writes a batch, but a rejected row does not stop the others: each row is
    filed, replayed or rejected as `do_declare` in a savepoint of its own would, in order (a rejected row leaves
    no trace for the rows after it). Runs inside the caller's transaction (it locks the rows' rooms); the caller
    audits. Returns {"created": [{row, id, number, status}], "rejected": [{row, errors}], "declarations": [ids
    of the declarations written], "persons": [ids of the persons registered]}."""
    batch = _Batch(rows, batch_id, acting_user)
    checked = _validated(rows)
    known = _read_known(rows, batch.keys, [f for _e, f in checked])
    batch.plan(known, checked)
    persons = batch.write() if batch.planned else []
    return {
        "created": batch.outcome(),
        "rejected": sorted(batch.rejected, key=lambda r: r["row"]),
        "declarations": [pl.decl.pk for pl in batch.planned],
        "persons": persons,
    }
