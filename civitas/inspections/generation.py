"""Set-based task generation for campaigns (500k properties in one statement each).

The rows are selected with the ORM (the same scoping and filters as everywhere else) and inserted with
`INSERT INTO … SELECT`, so nothing is fetched into Python. Assignment picks, per premises, the most local
official of the campaign's kind (grid, then village, township, city), and spreads the premises evenly when
several officials share that level.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    Field,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Mod, Substr, Trim
from django.db.models.lookups import Exact
from django.utils import timezone

from civitas.accounts.choices import Role
from civitas.accounts.models import User
from civitas.inspections.choices import AssigneeKind, PremisesType, TaskKind, TaskStatus
from civitas.inspections.models import Campaign, Premises, Task
from civitas.places.models import RentalProperty


def insert_from_select(model: type[Model], columns: list[str], qs: QuerySet[Any]) -> int:
    """INSERT INTO model(columns) <qs>; `qs` selects exactly the annotations c0…cN in column order."""
    sql, params = qs.query.sql_with_params()
    quote = connection.ops.quote_name
    cols = ", ".join(quote(cast("Field[Any, Any]", model._meta.get_field(c)).column or c) for c in columns)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {quote(model._meta.db_table)} ({cols}) {sql}", params)
        return cur.rowcount


def _select(qs: QuerySet[Any], exprs: list[Any]) -> QuerySet[Any]:
    names = [f"c{n}" for n in range(len(exprs))]
    return qs.annotate(**dict(zip(names, exprs, strict=True))).values_list(*names).order_by()


def sync_rental_premises(scope_code: str, *, now: datetime.datetime | None = None) -> int:
    """Create a premises row for every rental property in the scope that has none."""
    now = now or timezone.now()
    qs = RentalProperty.objects.filter(division__code__startswith=scope_code, premises__isnull=True)
    address = Trim(Concat(F("building__address"), Value(" "), F("label"), output_field=CharField()))
    return insert_from_select(
        Premises,
        ["kind", "name", "address", "division", "rental_property", "owner", "latitude", "longitude", "created_at"],
        _select(
            qs,
            [
                Value(PremisesType.RENTAL_HOUSE),
                Value(""),
                address,
                F("division_id"),
                F("id"),
                F("landlord_id"),
                F("building__latitude"),
                F("building__longitude"),
                Value(now, output_field=DateTimeField()),
            ],
        ),
    )


def _officials(kind: str) -> QuerySet[User]:
    users = User.objects.filter(is_active=True)
    if kind == AssigneeKind.WARDEN:
        return users.filter(inspection_profile__department="warden")
    return users.filter(role=Role.INSPECTOR if kind == AssigneeKind.INSPECTOR else Role.GRID_WORKER)


def _most_local_official(kind: str) -> Coalesce:
    def at(length: int) -> Subquery:
        code = OuterRef("division_id") if length == 15 else Substr(OuterRef("division_id"), 1, length)
        return Subquery(_officials(kind).filter(division_id=code).order_by("id").values("id")[:1])

    return Coalesce(at(15), at(12), at(9), at(6), output_field=IntegerField())


def _spread(campaign: Campaign) -> None:
    """Where several officials share the chosen level, deal the premises out among them by premises id."""
    users = list(
        _officials(campaign.assignee_kind)
        .filter(division__code__startswith=campaign.division_id[:6])
        .values_list("division_id", "id")
        .order_by("division_id", "id")
    )
    groups: dict[str, list[int]] = {}
    for code, uid in users:
        groups.setdefault(code, []).append(uid)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        whens = [When(Exact(Mod(F("premises_id"), len(ids)), n), then=Value(uid)) for n, uid in enumerate(ids)]
        (
            Task.objects.filter(campaign=campaign, assigned_to_id=ids[0]).update(
                assigned_to_id=Case(*whens, default=Value(ids[0]))
            )
        )


def generate_tasks(campaign: Campaign) -> int:
    """A task for every premises of the campaign's types in its area (idempotent: existing tasks are kept)."""
    scope = campaign.division_id
    if PremisesType.RENTAL_HOUSE in campaign.premises_types:
        sync_rental_premises(scope)
    qs = Premises.objects.in_scope(scope).filter(kind__in=campaign.premises_types).exclude(tasks__campaign=campaign)
    made = insert_from_select(
        Task,
        ["campaign", "premises", "kind", "status", "division", "township_code", "assigned_to", "due_on", "created_at"],
        _select(
            qs,
            [
                Value(campaign.pk),
                F("id"),
                Value(TaskKind.ROUTINE),
                Value(TaskStatus.OPEN),
                F("division_id"),
                Substr("division_id", 1, 9),
                _most_local_official(campaign.assignee_kind),
                Value(campaign.ends_on),
                Value(timezone.now(), output_field=DateTimeField()),
            ],
        ),
    )
    _spread(campaign)
    total = Task.objects.filter(campaign=campaign).count()
    Campaign.objects.filter(pk=campaign.pk).update(tasks_generated=total)
    campaign.tasks_generated = total
    return made
