"""Campaigns generate one task per matching premises, assigned by jurisdiction, with progress per township."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civitas.accounts.choices import Role
from civitas.inspections import actions
from civitas.inspections.models import Premises, Task
from civitas.inspections.progress import campaign_progress
from civitas.inspections.tests.builders import inspect
from civitas.testing.factories import rental_property, user

START, END = datetime.date(2026, 3, 1), datetime.date(2026, 6, 8)


def _campaign(
    personas: Any, code: str = "330782", kind: str = "grid_worker", types: tuple[str, ...] = ("rental_house",)
):
    return actions.do_create_campaign(
        name="百日出租房消防安全整治",
        division_code=code,
        premises_types=types,
        starts_on=START,
        ends_on=END,
        assignee_kind=kind,
        acting_user=personas["admin"],
    )


def test_a_campaign_creates_one_task_per_rental_property_in_its_area(personas: Any) -> None:
    rental_property(personas["g2"], personas["landlord_person"])
    campaign = _campaign(personas, code="330782001")
    tasks = Task.objects.filter(campaign=campaign)
    assert tasks.count() == 2 and campaign.tasks_generated == 2
    assert set(tasks.values_list("township_code", flat=True)) == {"330782001"}
    assert Premises.objects.filter(rental_property__isnull=False).count() == 2


def test_generating_again_adds_no_duplicate_tasks(personas: Any) -> None:
    campaign = _campaign(personas)
    assert actions.generate_tasks(campaign) == 0
    assert Task.objects.filter(campaign=campaign).count() == 2


def test_tasks_go_to_the_grid_worker_of_the_grid_and_unassigned_where_there_is_none(personas: Any) -> None:
    campaign = _campaign(personas)
    by_grid = dict(Task.objects.filter(campaign=campaign).values_list("division_id", "assigned_to_id"))
    assert by_grid[personas["g1"].code] == personas["grid"].pk
    assert by_grid[personas["g3"].code] == personas["grid_other"].pk


def test_inspector_campaigns_assign_the_most_local_inspector(personas: Any) -> None:
    campaign = _campaign(personas, kind="inspector")
    by_grid = dict(Task.objects.filter(campaign=campaign).values_list("division_id", "assigned_to_id"))
    assert by_grid[personas["g1"].code] == personas["inspector"].pk
    assert by_grid[personas["g3"].code] is None


def test_warden_campaigns_assign_foreign_volunteer_wardens(personas: Any) -> None:
    warden = user("warden_g1", Role.GRID_WORKER, personas["v1"])
    actions.do_set_department(warden, "warden", acting_user=None)
    campaign = _campaign(personas, code="330782001", kind="warden")
    assert set(Task.objects.filter(campaign=campaign).values_list("assigned_to_id", flat=True)) == {warden.pk}


def test_shop_campaigns_cover_registered_shops_only(personas: Any) -> None:
    actions.do_register_premises(
        kind="small_shop",
        address="工人路2号",
        division_code=personas["g1"].code,
        acting_user=personas["admin"],
    )
    campaign = _campaign(personas, types=("small_shop", "street_shop"))
    assert Task.objects.filter(campaign=campaign).count() == 1


def test_progress_per_township_counts_done_tasks(personas: Any) -> None:
    campaign = _campaign(personas)
    task = Task.objects.get(campaign=campaign, division_id=personas["g1"].code)
    inspect(task.premises, personas["grid"], task=task)
    rows = {r["township_code"]: r for r in campaign_progress(campaign)}
    assert rows["330782001"]["total"] == 1 and rows["330782001"]["done"] == 1 and rows["330782001"]["percent"] == 100
    assert rows["330782100"]["done"] == 0


def test_a_campaign_outside_the_creators_jurisdiction_is_refused(personas: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_create_campaign(
            name="x",
            division_code="330782100",
            premises_types=["rental_house"],
            starts_on=START,
            ends_on=END,
            acting_user=personas["inspector"],
        )
    assert "division_code" in exc.value.message_dict


def test_a_grid_worker_cannot_create_a_campaign(personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_create_campaign(
            name="x",
            division_code=personas["g1"].code,
            premises_types=["rental_house"],
            starts_on=START,
            ends_on=END,
            acting_user=personas["grid"],
        )


def test_tasks_are_dealt_out_evenly_among_officials_of_the_same_level(personas: Any) -> None:
    second = user("inspector_t1b", Role.INSPECTOR, personas["t1"])
    for n in range(3):
        rental_property(personas["g2"], personas["landlord_person"], rooms=1, address=f"香溪路{n}号")
    campaign = _campaign(personas, code="330782001", kind="inspector")
    counts = sorted(Task.objects.filter(campaign=campaign).values_list("assigned_to_id", flat=True))
    assert set(counts) == {personas["inspector"].pk, second.pk}
    assert abs(counts.count(second.pk) - counts.count(personas["inspector"].pk)) <= 2
