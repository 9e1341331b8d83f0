"""Who may see which places. Scoping happens in the query; out of scope looks like not found (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.places.models import Building, Division, RentalProperty, Room

PROPERTY_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.POLICE, Role.GRID_WORKER, Role.SERVICE_STAFF, Role.MEDIATOR, Role.INSPECTOR}
)


def divisions_visible_to(user: Any) -> QuerySet[Division]:
    scope = getattr(user, "scope_code", None)
    if scope is None:
        return Division.objects.none()
    return Division.objects.filter(code__startswith=scope)


def access_division(user: Any, code: str) -> Division:
    return get_object_or_404(divisions_visible_to(user), code=code)


def properties_visible_to(user: Any) -> QuerySet[RentalProperty]:
    if not getattr(user, "is_authenticated", False):
        return RentalProperty.objects.none()
    if user.role == Role.LANDLORD:
        return RentalProperty.objects.owned_by(user.person_id)
    if user.role not in PROPERTY_ROLES:  # analysts and partners work on aggregates, not on addresses
        return RentalProperty.objects.none()
    return RentalProperty.objects.in_scope(user.scope_code)


def access_property(user: Any, pk: int) -> RentalProperty:
    return get_object_or_404(properties_visible_to(user).select_related("building", "division", "landlord"), pk=pk)


def buildings_visible_to(user: Any) -> QuerySet[Building]:
    return Building.objects.in_scope(getattr(user, "scope_code", None))


def rooms_visible_to(user: Any) -> QuerySet[Room]:
    return Room.objects.filter(property__in=properties_visible_to(user))
