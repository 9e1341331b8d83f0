"""Who sees what. Staff: their division subtree, in the query; partners: their own organisation;
residents: their own records. Out of scope and not found look the same (404)."""

from __future__ import annotations

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


def partner_of(user: Any) -> Partner:
    """The partner organisation this account scans for; 403 for anyone else."""
    if getattr(user, "is_authenticated", False) and user.role == Role.PARTNER:
        partner = Partner.objects.filter(accounts=user, active=True).first()
        if partner is not None:
            return partner
    raise PermissionDenied(_("Only registered scenario partners may verify cards."))
