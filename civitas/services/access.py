"""Who sees what. Staff: their division subtree, in the query; partners: their own organisation;
residents: their own records. Out of scope and not found look the same (404)."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import Role
from civitas.services.models import Application, Appointment, MerchantCard, Partner, ServicePoint, Volunteer

STAFF_ROLES = frozenset({Role.SERVICE_STAFF, Role.CITY_ADMIN})
DIRECTORY_ROLES = frozenset({Role.SERVICE_STAFF, Role.CITY_ADMIN, Role.MEDIATOR})


def is_staff(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in STAFF_ROLES


def require_staff(user: Any) -> None:
    if not is_staff(user):
        raise PermissionDenied(_("Only service-centre staff may open this page."))


def _scope(user: Any) -> str | None:
    return user.scope_code if is_staff(user) else None


def applications_visible_to(user: Any) -> QuerySet[Application]:
    return Application.objects.in_scope(_scope(user))


def access_application(user: Any, pk: int) -> Application:
    return get_object_or_404(applications_visible_to(user).select_related("service", "person"), pk=pk)


def points_visible_to(user: Any) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.in_scope(_scope(user))


def access_point(user: Any, pk: int) -> ServicePoint:
    return get_object_or_404(points_visible_to(user), pk=pk)


def appointments_visible_to(user: Any) -> QuerySet[Appointment]:
    return Appointment.objects.filter(slot__point__in=points_visible_to(user))


def access_appointment(user: Any, pk: int) -> Appointment:
    return get_object_or_404(appointments_visible_to(user).select_related("slot__point", "person"), pk=pk)


def cards_visible_to(user: Any) -> QuerySet[MerchantCard]:
    return MerchantCard.objects.in_scope(_scope(user))


def access_card(user: Any, pk: int) -> MerchantCard:
    return get_object_or_404(cards_visible_to(user).select_related("person"), pk=pk)


def volunteers_visible_to(user: Any) -> QuerySet[Volunteer]:
    if not getattr(user, "is_authenticated", False) or user.role not in DIRECTORY_ROLES:
        return Volunteer.objects.none()
    return Volunteer.objects.all()


# Per-process cache of account -> partner for scanning bursts. Saving or deleting a Partner, changing its
# accounts, or saving a User clears this process's cache at once (apps.py); other worker processes see a
# deactivated partner or a changed scenario list within PARTNER_CACHE_SECONDS. Callers only read the
# returned partner (name, scenarios, its scans), so one instance is shared by the requests of a process.
PARTNER_CACHE_SECONDS = 5.0
_PARTNER_CACHE_MAX = 1000
_partner_cache: dict[int, tuple[float, Partner | None]] = {}


def forget_partners(**kwargs: Any) -> None:
    _partner_cache.clear()


def _partner_for(user_id: int) -> Partner | None:
    hit = _partner_cache.get(user_id)
    clock = time.monotonic()
    if hit is not None and hit[0] > clock:
        return hit[1]
    partner = Partner.objects.filter(accounts=user_id, active=True).first()
    if len(_partner_cache) >= _PARTNER_CACHE_MAX:
        _partner_cache.clear()
    _partner_cache[user_id] = (clock + PARTNER_CACHE_SECONDS, partner)
    return partner


def partner_of(user: Any) -> Partner:
    """The partner organisation this account scans for; 403 for anyone else."""
    if getattr(user, "is_authenticated", False) and user.role == Role.PARTNER:
        partner = _partner_for(user.pk)
        if partner is not None:
            return partner
    raise PermissionDenied(_("Only registered scenario partners may verify cards."))
