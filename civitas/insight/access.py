"""Who sees which runs, scores and records: checked in the query; out of scope looks like not found (404).

A viewer (analyst, city administrator, police, grid worker) sees the runs whose area overlaps their
jurisdiction, and within a run only the units inside their jurisdiction (`division_id` prefix).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from civitas.insight.choices import ANALYST_ROLES, VIEW_ROLES
from civitas.insight.models import Framework, IndexRun, IndexScore


def may_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in VIEW_ROLES and user.scope_code)


def may_edit(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in ANALYST_ROLES and user.scope_code)


def require_view(user: Any) -> str:
    if not may_view(user):
        raise PermissionDenied
    return str(user.scope_code)


def require_edit(user: Any) -> str:
    if not may_edit(user):
        raise PermissionDenied
    return str(user.scope_code)


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (6, 9, 12, 15) if n <= len(code)]


def runs_visible_to(user: Any) -> QuerySet[IndexRun]:
    if not may_view(user):
        return IndexRun.objects.none()
    scope = user.scope_code
    return IndexRun.objects.filter(Q(scope_code__startswith=scope) | Q(scope_code__in=_prefixes(scope)))


def access_run(user: Any, pk: int) -> IndexRun:
    return get_object_or_404(runs_visible_to(user).select_related("framework", "created_by"), pk=pk)


def scores_visible_to(user: Any, run: IndexRun) -> QuerySet[IndexScore]:
    if not may_view(user):
        return IndexScore.objects.none()
    return IndexScore.objects.filter(run=run).in_scope(user.scope_code)


def access_unit(user: Any, run: IndexRun, code: str) -> str:
    """The unit code if the viewer may see it in this run, else 404."""
    if not scores_visible_to(user, run).filter(division_id=code).exists():
        raise Http404
    return code


def frameworks_visible_to(user: Any) -> QuerySet[Framework]:
    return Framework.objects.all() if may_view(user) else Framework.objects.none()


def access_framework(user: Any, pk: int) -> Framework:
    return get_object_or_404(frameworks_visible_to(user), pk=pk)
