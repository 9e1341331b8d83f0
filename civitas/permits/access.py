"""Who may see which permits, applications and school files: scoped in the query, 404 when out of scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.permits.models import ApplicationQuerySet, Permit, PermitApplication, School, SchoolApplication

# Police (户籍) and service-centre staff handle permits in their division; the city admin everywhere.
OFFICER_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.SERVICE_STAFF})
# The education side of the service centre runs school allocation.
SCHOOL_ROLES = frozenset({Role.CITY_ADMIN, Role.SERVICE_STAFF})
FORECAST_ROLES = frozenset({Role.CITY_ADMIN, Role.ANALYST, Role.SERVICE_STAFF})


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def is_officer(user: Any) -> bool:
    return _role(user) in OFFICER_ROLES


def require(user: Any, roles: frozenset[str]) -> None:
    if _role(user) not in roles:
        raise PermissionDenied


def applications_visible_to(user: Any) -> ApplicationQuerySet:
    if not is_officer(user):
        return PermitApplication.objects.none()  # type: ignore[return-value]
    return PermitApplication.objects.in_scope(user.scope_code)  # type: ignore[return-value]


def access_application(user: Any, pk: int) -> PermitApplication:
    return get_object_or_404(applications_visible_to(user).select_related("person", "division"), pk=pk)


def permits_visible_to(user: Any) -> QuerySet[Permit]:
    if not is_officer(user):
        return Permit.objects.none()
    return Permit.objects.in_scope(user.scope_code)


def access_permit(user: Any, pk: int) -> Permit:
    return get_object_or_404(permits_visible_to(user).select_related("person", "division"), pk=pk)


def school_applications_visible_to(user: Any) -> QuerySet[SchoolApplication]:
    if _role(user) not in SCHOOL_ROLES:
        return SchoolApplication.objects.none()
    return SchoolApplication.objects.in_scope(user.scope_code)


def schools_visible_to(user: Any) -> QuerySet[School]:
    if _role(user) not in SCHOOL_ROLES | FORECAST_ROLES:
        return School.objects.none()
    return School.objects.in_scope((user.scope_code or "")[:9] or None)
