"""Who may see which credit subjects, entries and appeals. Scoping happens in the query; out of scope is 404.

Landlords are in an officer's jurisdiction when any of their rental properties is; merchants when their
merchant file's division (or, failing that, where they live) is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import Role
from civitas.credit.choices import SubjectType
from civitas.credit.models import Appeal, LedgerEntry, MerchantFile
from civitas.people.models import Person
from civitas.places.models import RentalProperty

# Officers who see the landlords and merchants of their jurisdiction and record violations.
OFFICER_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.GRID_WORKER})
# Officers who decide appeals (never on an entry they recorded themselves).
APPEAL_DECIDER_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE})
# Who may draft rule sets and run simulations.
SIMULATION_ROLES = frozenset({Role.CITY_ADMIN, Role.ANALYST})


def is_officer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in OFFICER_ROLES and user.scope_code)


def landlord_ids_in_scope(scope_code: str | None) -> QuerySet[RentalProperty, Any]:
    """Subquery of the person ids of landlords with a property in the subtree."""
    return RentalProperty.objects.in_scope(scope_code).values("landlord_id")


def merchant_ids_in_scope(scope_code: str | None) -> QuerySet[MerchantFile, Any]:
    if scope_code is None:
        return MerchantFile.objects.none().values("person_id")
    return MerchantFile.objects.filter(
        Q(division__code__startswith=scope_code)
        | Q(division__isnull=True, person__division__code__startswith=scope_code)
    ).values("person_id")


def landlords_visible_to(user: Any) -> QuerySet[Person]:
    if not is_officer(user):
        return Person.objects.none()
    return Person.objects.filter(pk__in=landlord_ids_in_scope(user.scope_code))


def access_landlord(user: Any, pk: int) -> Person:
    return get_object_or_404(landlords_visible_to(user), pk=pk)


def merchants_visible_to(user: Any) -> QuerySet[MerchantFile]:
    if not is_officer(user):
        return MerchantFile.objects.none()
    return MerchantFile.objects.filter(person_id__in=merchant_ids_in_scope(user.scope_code))


def access_merchant(user: Any, pk: int) -> MerchantFile:
    return get_object_or_404(merchants_visible_to(user).select_related("person"), pk=pk)


def subject_in_scope(user: Any, subject_type: str, subject_id: int) -> bool:
    if subject_type == SubjectType.LANDLORD:
        return landlords_visible_to(user).filter(pk=subject_id).exists()
    return merchants_visible_to(user).filter(person_id=subject_id).exists()


def entries_visible_to(user: Any) -> QuerySet[LedgerEntry]:
    if not getattr(user, "is_authenticated", False):
        return LedgerEntry.objects.none()
    if is_officer(user):
        scope = user.scope_code
        return LedgerEntry.objects.filter(
            Q(subject_type=SubjectType.LANDLORD, subject_id__in=landlord_ids_in_scope(scope))
            | Q(subject_type=SubjectType.MERCHANT, subject_id__in=merchant_ids_in_scope(scope))
        )
    if user.person_id:
        return LedgerEntry.objects.filter(subject_id=user.person_id)
    return LedgerEntry.objects.none()


def own_entries(user: Any) -> QuerySet[LedgerEntry]:
    """The signed-in person's own entries (whatever their role)."""
    if not getattr(user, "is_authenticated", False) or not user.person_id:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(subject_id=user.person_id)


def access_entry(user: Any, pk: int) -> LedgerEntry:
    qs = entries_visible_to(user) | own_entries(user)
    return get_object_or_404(qs.select_related("scheme", "rule", "recorded_by"), pk=pk)


def appeals_to_decide(user: Any) -> QuerySet[Appeal]:
    if not (is_officer(user) and user.role in APPEAL_DECIDER_ROLES):
        return Appeal.objects.none()
    return Appeal.objects.filter(entry__in=entries_visible_to(user))


def access_appeal_to_decide(user: Any, pk: int) -> Appeal:
    return get_object_or_404(appeals_to_decide(user).select_related("entry", "entry__rule", "entry__scheme"), pk=pk)


def may_simulate(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in SIMULATION_ROLES)
