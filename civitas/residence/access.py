"""Who may see which declarations: scoped in the query; out of scope looks like not found (404)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.places.access import properties_visible_to
from civitas.places.models import RentalProperty
from civitas.residence.models import (
    Declaration,
    DeclarationQuerySet,
    LandlordCode,
    Residency,
    ResidencyQuerySet,
    WatchListEntry,
)

# Roles that see declarations and residents of their jurisdiction and decide flagged ones.
OFFICER_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.GRID_WORKER})
# Roles that see counts by township (no personal data).
COUNT_ROLES = OFFICER_ROLES | {Role.ANALYST}
WATCH_LIST_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE})


def role_of(user: Any) -> str | None:
    return user.role if getattr(user, "is_authenticated", False) else None


def is_officer(user: Any) -> bool:
    return role_of(user) in OFFICER_ROLES


def is_landlord(user: Any) -> bool:
    return role_of(user) == Role.LANDLORD and bool(user.person_id)


def declarations_visible_to(user: Any) -> DeclarationQuerySet:
    qs = cast(DeclarationQuerySet, Declaration.objects.all())
    if is_landlord(user):
        return qs.filter(property__landlord_id=user.person_id)
    if is_officer(user):
        return cast(DeclarationQuerySet, qs.in_scope(user.scope_code))
    return qs.none()


def access_declaration(user: Any, pk: int) -> Declaration:
    qs = declarations_visible_to(user).select_related("property__building", "room", "division")
    return get_object_or_404(qs, pk=pk)


def reviewable_by(user: Any) -> DeclarationQuerySet:
    """The review queue: flagged declarations in the officer's jurisdiction."""
    if not is_officer(user):
        return cast(DeclarationQuerySet, Declaration.objects.none())
    return declarations_visible_to(user).flagged()


def residencies_visible_to(user: Any) -> ResidencyQuerySet:
    qs = cast(ResidencyQuerySet, Residency.objects.all())
    if is_landlord(user):
        return qs.filter(property__landlord_id=user.person_id)
    if is_officer(user):
        return cast(ResidencyQuerySet, qs.in_scope(user.scope_code))
    return qs.none()


def landlord_properties(user: Any) -> QuerySet[RentalProperty]:
    """A landlord's own properties (the workbench); nobody else has a workbench."""
    if not is_landlord(user):
        return RentalProperty.objects.none()
    return properties_visible_to(user)


def access_landlord_property(user: Any, pk: int) -> RentalProperty:
    return get_object_or_404(landlord_properties(user).select_related("building", "division"), pk=pk)


def access_code(user: Any, pk: int) -> LandlordCode:
    return get_object_or_404(
        LandlordCode.objects.filter(property__in=landlord_properties(user)).select_related("property", "room"),
        pk=pk,
    )


def watch_list_visible_to(user: Any) -> QuerySet[WatchListEntry]:
    if role_of(user) not in WATCH_LIST_ROLES:
        return WatchListEntry.objects.none()
    return WatchListEntry.objects.in_scope(user.scope_code)


def require(condition: bool) -> None:
    """Pages a role has no business on look like pages that do not exist."""
    if not condition:
        raise Http404
