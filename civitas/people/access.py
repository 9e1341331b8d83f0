"""Who may see which persons: the subtree of the user's jurisdiction, checked in the query."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from civitas.accounts.choices import FULL_IDENTITY_ROLES, PEOPLE_SEARCH_ROLES
from civitas.people.models import Person


def people_visible_to(user: Any) -> QuerySet[Person]:
    if not getattr(user, "is_authenticated", False) or user.role not in PEOPLE_SEARCH_ROLES:
        return Person.objects.none()
    return Person.objects.in_scope(user.scope_code)


def access_person(user: Any, pk: int) -> Person:
    return get_object_or_404(people_visible_to(user).select_related("division"), pk=pk)


def may_see_full_identity(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in FULL_IDENTITY_ROLES
