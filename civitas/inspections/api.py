"""The inspections JSON API: the same scoped querysets and filters as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from civitas.inspections import accountability
from civitas.inspections.access import (
    AuthenticatedRequest,
    access_hazard,
    hazards_visible_to,
    may_see_accountability,
    require,
    tasks_visible_to,
)
from civitas.inspections.choices import TaskStatus
from civitas.inspections.filters import filter_hazards

router = Router(tags=["inspections"])


class TaskOut(Schema):
    id: int
    kind: str
    status: str
    premises_id: int
    division_id: str
    assigned_to_id: int | None
    due_on: datetime.date | None
    hazard_id: int | None
    campaign_id: int | None


class HazardOut(Schema):
    id: int
    status: str
    severity: str
    item_code: str
    premises_id: int
    property_id: int | None
    division_id: str
    found_at: datetime.datetime
    deadline: datetime.date | None
    escalation_level: int
    responsible_id: int | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_item_code(obj: Any) -> str:
        return obj.item.code

    @staticmethod
    def resolve_property_id(obj: Any) -> int | None:
        return obj.premises.rental_property_id


class AccountRow(Schema):
    key: Any
    label: str
    inspections: int
    found: int
    fixed_on_time: int
    overdue: int
    closed: int
    reinspections: int
    pass_rate: float | None


class AccountabilityOut(Schema):
    townships: list[AccountRow]
    departments: list[AccountRow]
    officials: list[AccountRow]


@router.get("/tasks", response=list[TaskOut], summary="Open inspection tasks in your jurisdiction")
def tasks(request: AuthenticatedRequest, mine: bool = False, limit: int = 100, offset: int = 0) -> Any:
    qs = tasks_visible_to(request.user).filter(status=TaskStatus.OPEN).order_by("due_on", "id")
    if mine:
        qs = qs.filter(assigned_to=request.user)
    return list(qs[offset : offset + min(limit, 500)])


@router.get("/hazards", response=list[HazardOut], summary="Hazards you may see (an owner: their own)")
def hazards(
    request: AuthenticatedRequest,
    status: str = "",
    overdue: bool = False,
    division: str = "",
    limit: int = 100,
    offset: int = 0,
) -> Any:
    qs = filter_hazards(
        hazards_visible_to(request.user),
        status=status,
        overdue=overdue,
        division=division,
        today=timezone.localdate(),
    )
    return list(qs[offset : offset + min(limit, 500)])


@router.get("/hazards/{int:pk}", response=HazardOut)
def hazard(request: AuthenticatedRequest, pk: int) -> Any:
    return access_hazard(request.user, pk)


@router.get("/accountability", response=AccountabilityOut, summary="Accountability figures for your jurisdiction")
def accountability_figures(request: AuthenticatedRequest) -> Any:
    from django.core.exceptions import PermissionDenied

    try:
        require(may_see_accountability(request.user))
    except PermissionDenied:
        raise PermissionDenied("accountability figures are for oversight roles")
    scope, today = request.user.scope_code or "", timezone.localdate()
    return accountability.summary(scope, today)
