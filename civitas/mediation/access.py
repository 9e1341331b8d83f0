"""Who sees which cases, offers, mediators and alerts; scoped in the database, out of scope = 404.

- A mediator with a mediator profile (people's, foreign, hometown helper, lawyer) sees the cases
  assigned to them and the cases they hold a pending offer for: the phone workbench.
- A dispatcher is a `mediator`-role account WITHOUT a mediator profile (the desk of a township's
  conflict-mediation centre) or a city administrator: the console and every case in their division.
- Police, service-centre staff and grid workers file cases and see the cases in their division;
  analysts see the statistics. Landlords, inspectors and partners see nothing here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.mediation.choices import OfferStatus
from civitas.mediation.models import Alert, Case, Mediator, Offer

CASE_READER_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.SERVICE_STAFF, Role.GRID_WORKER, Role.MEDIATOR})
FILING_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.SERVICE_STAFF, Role.GRID_WORKER, Role.MEDIATOR})
STATS_ROLES = frozenset({Role.CITY_ADMIN, Role.ANALYST, Role.POLICE, Role.MEDIATOR, Role.SERVICE_STAFF})


def mediator_of(user: Any) -> Mediator | None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.MEDIATOR:
        return None
    if not hasattr(user, "_mediator_profile"):
        user._mediator_profile = Mediator.objects.filter(user_id=user.pk).first()
    profile: Mediator | None = user._mediator_profile
    return profile


def is_dispatcher(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.CITY_ADMIN or (user.role == Role.MEDIATOR and mediator_of(user) is None)


def may_file(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in FILING_ROLES and mediator_of(user) is None


def may_see_statistics(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in STATS_ROLES and mediator_of(user) is None


def cases_visible_to(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    m = mediator_of(user)
    if m is not None:
        offered = Offer.objects.filter(mediator=m, status=OfferStatus.PENDING).values("case_id")
        return Case.objects.filter(Q(mediator=m) | Q(pk__in=offered))
    if user.role in CASE_READER_ROLES:
        return Case.objects.in_scope(user.scope_code)
    return Case.objects.none()


def access_case(user: Any, pk: int) -> Case:
    return get_object_or_404(cases_visible_to(user).select_related("division", "mediator"), pk=pk)


def offers_for(user: Any) -> QuerySet[Offer]:
    m = mediator_of(user)
    if m is None:
        return Offer.objects.none()
    return Offer.objects.filter(mediator=m)


def access_offer(user: Any, pk: int) -> Offer:
    return get_object_or_404(offers_for(user), pk=pk)


def mediators_visible_to(user: Any) -> QuerySet[Mediator]:
    if is_dispatcher(user) or may_see_statistics(user):
        return Mediator.objects.in_scope(user.scope_code)
    return Mediator.objects.none()


def alerts_visible_to(user: Any) -> QuerySet[Alert]:
    if is_dispatcher(user) or may_see_statistics(user):
        return Alert.objects.in_scope(user.scope_code)
    return Alert.objects.none()


def require_dispatcher(user: Any) -> None:
    if not is_dispatcher(user):
        raise Http404


def require_mediator(user: Any) -> Mediator:
    m = mediator_of(user)
    if m is None:
        raise Http404
    return m
