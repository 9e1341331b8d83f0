"""Automatic verification: each rule reads its parameters from `VerificationRule` rows (data, not code).

`evaluate(declaration)` returns one `Finding` per enabled rule, with a reason a reviewer can act on.
The caller holds the room's row lock, so capacity counts are consistent under concurrent check-ins.
"""

from __future__ import annotations

import datetime
import functools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import Role
from civitas.documents.errors import LOCAL_TZ
from civitas.people.choices import DocumentKind
from civitas.people.models import Person
from civitas.residence.choices import RULE_DEFAULTS, RuleCode
from civitas.residence.models import Declaration, DeclarationMember, Residency, VerificationRule, WatchListEntry


@dataclass(frozen=True)
class Finding:
    rule: str
    passed: bool
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_TZ).date()


def arrival_moment(decl: Declaration) -> datetime.datetime:
    """Arrival as declared, else the end of the move-in day (the benefit of the doubt)."""
    if decl.arrived_at:
        return decl.arrived_at
    return datetime.datetime.combine(decl.move_in, datetime.time(23, 59), tzinfo=LOCAL_TZ)


# The rule rows are read once per process and kept for RULE_CACHE_SECONDS: saving or deleting a
# VerificationRule clears this process's copy at once (signals in apps.py); other server processes pick the
# change up within RULE_CACHE_SECONDS. (A bulk `.update()` bypasses the signals: call `forget_rules()`.)
RULE_CACHE_SECONDS = 30.0
_rule_cache: list[Any] = []  # [(expires at, {code: params})] or empty


def forget_rules(**_kwargs: Any) -> None:
    _rule_cache.clear()


def active_rules() -> dict[str, dict[str, Any]]:
    """Enabled rules and their parameters (defaults filled in for keys a row leaves out)."""
    now = time.monotonic()
    if _rule_cache and _rule_cache[0][0] > now:
        return {code: dict(params) for code, params in _rule_cache[0][1].items()}
    rows = {r.code: r for r in VerificationRule.objects.all()}
    out: dict[str, dict[str, Any]] = {}
    for code, defaults in RULE_DEFAULTS.items():
        row = rows.get(code)
        if row is not None and not row.enabled:
            continue
        out[code] = {**defaults, **(row.parameters if row else {})}
    _rule_cache[:] = [(now + RULE_CACHE_SECONDS, out)]
    return {code: dict(params) for code, params in out.items()}


def members_of(decl: Declaration) -> list[DeclarationMember]:
    """The declared people in order, each with its person loaded: the copy `do_declare` keeps on the
    declaration it has just written (`decl.checked_members`), else one query."""
    cached = getattr(decl, "checked_members", None)
    if cached is not None:
        return list(cached)
    return list(decl.members.select_related("person").order_by("id"))


def _people(decl: Declaration) -> list[tuple[Person, datetime.date | None]]:
    return [(m.person, m.visa_expiry) for m in members_of(decl)]


def check_document_valid(decl: Declaration, params: dict[str, Any]) -> Finding:
    return document_finding(decl, _people(decl))


def document_finding(
    decl: Declaration, people: list[tuple[Person, datetime.date | None]], today: datetime.date | None = None
) -> Finding:
    """The document rule on given (person, visa expiry) pairs (pure: shared by the bulk import, which gives
    `today` once per batch)."""
    today = today or timezone.localdate()
    problems: list[str] = []
    for person, visa_expiry in people:
        if person.doc_kind in (DocumentKind.PASSPORT, DocumentKind.TRAVEL_DOCUMENT):
            if person.doc_expiry is None:
                problems.append(
                    str(_("{name}: the passport's expiry date is missing.").format(name=person.display_name()))
                )
            elif person.doc_expiry < max(today, decl.move_in):
                problems.append(
                    str(
                        _("{name}: the passport expired on {date}.").format(
                            name=person.display_name(), date=person.doc_expiry.isoformat()
                        )
                    )
                )
            if visa_expiry is not None and visa_expiry < today:
                problems.append(
                    str(
                        _("{name}: the visa or residence permit expired on {date}.").format(
                            name=person.display_name(), date=visa_expiry.isoformat()
                        )
                    )
                )
        elif person.doc_expiry is not None and person.doc_expiry < today:
            problems.append(
                str(
                    _("{name}: the identity document expired on {date}.").format(
                        name=person.display_name(), date=person.doc_expiry.isoformat()
                    )
                )
            )
    if problems:
        return Finding(RuleCode.DOCUMENT_VALID, False, " ".join(problems))
    return Finding(RuleCode.DOCUMENT_VALID, True)


def lateness(decl: Declaration, params: dict[str, Any]) -> tuple[int, str]:
    """(days late beyond the limit, the limit in words); (0, limit) when on time."""
    arrived = arrival_moment(decl)
    if decl.foreign:
        hours_allowed = int(params.get("foreigner_hours", 24))
        hours = (decl.declared_at - arrived).total_seconds() / 3600
        limit = _limit_text(True, hours_allowed)
        return (max(0, math.ceil((hours - hours_allowed) / 24)) if hours > hours_allowed else 0), limit
    days_allowed = int(params.get("change_days", 10) if decl.supersedes_id else params.get("migrant_days", 3))
    days = (local_date(decl.declared_at) - local_date(arrived)).days
    limit = _limit_text(False, days_allowed)
    return max(0, days - days_allowed), limit


def _limit_text(hours: bool, n: int) -> str:
    """The limit in words ("3 days", "24 hours") in the active language: every declaration, late or not,
    names its limit, so each text is translated once per language and limit."""
    return _limit_in(translation.get_language(), hours, n)


@functools.lru_cache(maxsize=64)
def _limit_in(language: str | None, hours: bool, n: int) -> str:
    with translation.override(language):
        return str((_("{n} hours") if hours else _("{n} days")).format(n=n))


def check_on_time(decl: Declaration, params: dict[str, Any]) -> Finding:
    days_late, limit = lateness(decl, params)
    if days_late:
        reason = _("Declared {late} day(s) after the {limit} allowed after arrival.").format(
            late=days_late, limit=limit
        )
        return Finding(RuleCode.ON_TIME, False, str(reason), {"days_late": days_late, "limit": limit})
    return Finding(RuleCode.ON_TIME, True, data={"days_late": 0, "limit": limit})


def check_not_resident_elsewhere(decl: Declaration, params: dict[str, Any]) -> Finding:
    person_ids = [m.person_id for m in members_of(decl)]
    others = (
        Residency.objects.current()
        .filter(person_id__in=person_ids)
        .exclude(declaration=decl)
        .exclude(declaration_id=decl.supersedes_id)
        .exclude(property_id=decl.property_id, room_id=decl.room_id)
        .select_related("person", "property__building", "room")
    )
    return resident_elsewhere_finding(others[:5])


def resident_elsewhere_finding(others: Iterable[Residency]) -> Finding:
    """The resident-elsewhere rule on the clashing current residencies (pure: shared by the bulk import)."""
    clashes = [
        str(
            _("{name} is already resident at {address} room {room} since {date}.").format(
                name=r.person.display_name(), address=r.property, room=r.room.number, date=r.start.isoformat()
            )
        )
        for r in list(others)[:5]
    ]
    if clashes:
        return Finding(RuleCode.NOT_RESIDENT_ELSEWHERE, False, " ".join(clashes))
    return Finding(RuleCode.NOT_RESIDENT_ELSEWHERE, True)


def room_limit(decl: Declaration, params: dict[str, Any], *, one_family: bool) -> int:
    room = decl.room
    by_area = int(room.area_m2 // Decimal(str(params.get("min_m2_per_person", 6))))
    limit = min(room.beds, by_area)
    if not one_family:
        limit = min(limit, int(params.get("max_adults_per_room", 2)))
    return max(0, limit)


def check_within_capacity(decl: Declaration, params: dict[str, Any]) -> Finding:
    """Counted occupants of the room up to and including this declaration (earlier ones keep their place)."""
    occupants = list(
        Residency.objects.current()
        .filter(room_id=decl.room_id, counted=True, declaration_id__lte=decl.pk)
        .values_list("declaration_id", flat=True)
    )
    return capacity_finding(decl, occupants, params)


def capacity_finding(decl: Declaration, occupants: list[int], params: dict[str, Any]) -> Finding:
    """The capacity rule on the declaration ids of the room's counted occupants (pure: shared by bulk import)."""
    one_family = len(set(occupants)) <= 1
    limit = room_limit(decl, params, one_family=one_family)
    data = {"capacity": limit, "occupants": len(occupants)}
    if len(occupants) > limit:
        reason = _(
            "Room {room}: {n} people counted (children under {age} not counted), legal capacity {cap} "
            "({beds} beds, {area} m² at {m2} m² per person{adults})."
        ).format(
            room=decl.room.number,
            n=len(occupants),
            age=params.get("child_age", 12),
            cap=limit,
            beds=decl.room.beds,
            area=decl.room.area_m2,
            m2=params.get("min_m2_per_person", 6),
            adults=""
            if one_family
            else str(_(", at most {n} adults unless one family").format(n=params.get("max_adults_per_room", 2))),
        )
        return Finding(RuleCode.WITHIN_CAPACITY, False, str(reason), data)
    return Finding(RuleCode.WITHIN_CAPACITY, True, data=data)


def check_not_watch_listed(decl: Declaration, params: dict[str, Any]) -> Finding:
    indexes = [m.person.doc_index for m in members_of(decl)]
    hits = list(WatchListEntry.objects.filter(doc_index__in=indexes, active=True).values_list("pk", flat=True))
    return watch_list_finding(hits)


def watch_list_finding(hits: list[int]) -> Finding:
    """The watch-list rule on the matching entry ids (pure: shared by the bulk import)."""
    if hits:
        reason = _("A declared person matches watch-list entry {ids}; check with the police.").format(
            ids=", ".join(f"#{pk}" for pk in hits)
        )
        return Finding(RuleCode.NOT_WATCH_LISTED, False, str(reason))
    return Finding(RuleCode.NOT_WATCH_LISTED, True)


def check_landlord_owns_property(decl: Declaration, params: dict[str, Any]) -> Finding:
    for user in (decl.confirmed_by, decl.created_by):
        if user is not None and user.role == Role.LANDLORD and user.person_id != decl.property.landlord_id:
            reason = _("{user} confirmed for a property registered to another landlord.").format(user=user.username)
            return Finding(RuleCode.LANDLORD_OWNS_PROPERTY, False, str(reason))
    return Finding(RuleCode.LANDLORD_OWNS_PROPERTY, True)


CHECKS: dict[str, Callable[[Declaration, dict[str, Any]], Finding]] = {
    RuleCode.DOCUMENT_VALID: check_document_valid,
    RuleCode.ON_TIME: check_on_time,
    RuleCode.NOT_RESIDENT_ELSEWHERE: check_not_resident_elsewhere,
    RuleCode.WITHIN_CAPACITY: check_within_capacity,
    RuleCode.NOT_WATCH_LISTED: check_not_watch_listed,
    RuleCode.LANDLORD_OWNS_PROPERTY: check_landlord_owns_property,
}


def evaluate(decl: Declaration, rules: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    rules = active_rules() if rules is None else rules
    with translation.override(settings.LANGUAGE_CODE):  # reasons are stored: in the site's language
        return [CHECKS[code](decl, params) for code, params in rules.items() if code in CHECKS]
