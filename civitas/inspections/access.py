"""Who may see and do what in inspections. Scoping happens in the query; out of scope looks like not found."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.accounts.models import User
from civitas.inspections.models import Campaign, Hazard, HazardQuerySet, Inspection, Lead, Notice, Premises, Task


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required` (or API auth): `user` is an account, not AnonymousUser."""

    user: User


# Staff who see inspection work in their jurisdiction.
VIEW_ROLES = frozenset({Role.CITY_ADMIN, Role.INSPECTOR, Role.GRID_WORKER, Role.POLICE})
# Staff who inspect, issue notices and re-inspect.
INSPECT_ROLES = frozenset({Role.CITY_ADMIN, Role.INSPECTOR, Role.GRID_WORKER})
# Staff who run campaigns, triage public reports and annul hazards on appeal.
MANAGE_ROLES = frozenset({Role.CITY_ADMIN, Role.INSPECTOR})
# Who sees the accountability figures (aggregates only).
ACCOUNTABILITY_ROLES = frozenset({Role.CITY_ADMIN, Role.INSPECTOR, Role.ANALYST, Role.POLICE})


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def may_inspect(user: Any) -> bool:
    return _role(user) in INSPECT_ROLES


def may_manage(user: Any) -> bool:
    return _role(user) in MANAGE_ROLES


def may_see_accountability(user: Any) -> bool:
    return _role(user) in ACCOUNTABILITY_ROLES


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _staff_scope(user: Any) -> str | None:
    return user.scope_code if _role(user) in VIEW_ROLES else None


def premises_visible_to(user: Any) -> QuerySet[Premises]:
    if _role(user) == Role.LANDLORD:
        return Premises.objects.filter(owner_id=user.person_id) if user.person_id else Premises.objects.none()
    return Premises.objects.in_scope(_staff_scope(user))


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    return Task.objects.in_scope(_staff_scope(user))


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.in_scope(_staff_scope(user))


def hazards_visible_to(user: Any) -> HazardQuerySet:
    """Staff: their jurisdiction. A landlord or merchant: hazards at premises they own."""
    if _role(user) == Role.LANDLORD:
        qs = Hazard.objects.filter(owner_id=user.person_id) if user.person_id else Hazard.objects.none()
        return qs  # type: ignore[return-value]
    return Hazard.objects.in_scope(_staff_scope(user))  # type: ignore[return-value]


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    """Campaigns covering or inside the user's jurisdiction."""
    scope = _staff_scope(user)
    if scope is None:
        return Campaign.objects.none()
    prefixes = [scope[:n] for n in (6, 9, 12, 15) if n <= len(scope)]
    return Campaign.objects.filter(division_id__in=prefixes) | Campaign.objects.in_scope(scope)


def leads_visible_to(user: Any) -> QuerySet[Lead]:
    """Public reports in scope; those the system could not place are seen by city-level staff only."""
    scope = user.scope_code if _role(user) in MANAGE_ROLES else None
    if scope is None:
        return Lead.objects.none()
    qs = Lead.objects.in_scope(scope)
    if len(scope) <= 6:
        qs = qs | Lead.objects.filter(division__isnull=True)
    return qs


def access_task(user: Any, pk: int) -> Task:
    return get_object_or_404(tasks_visible_to(user).select_related("premises", "division", "hazard"), pk=pk)


def access_inspection(user: Any, pk: int) -> Inspection:
    return get_object_or_404(inspections_visible_to(user).select_related("premises", "checklist", "inspector"), pk=pk)


def access_hazard(user: Any, pk: int) -> Hazard:
    return get_object_or_404(
        hazards_visible_to(user).select_related("premises", "item", "owner", "responsible", "division"), pk=pk
    )


def access_notice(user: Any, pk: int) -> Notice:
    return get_object_or_404(
        Notice.objects.filter(hazard__in=hazards_visible_to(user)).select_related(
            "hazard", "hazard__premises", "hazard__item", "hazard__owner", "issued_by"
        ),
        pk=pk,
    )


def access_campaign(user: Any, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("division"), pk=pk)


def access_lead(user: Any, pk: int) -> Lead:
    return get_object_or_404(leads_visible_to(user).select_related("service", "division"), pk=pk)
