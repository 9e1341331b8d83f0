"""The demo data: a campaign with tasks, inspections with hazards across the loop, officials with departments."""

from __future__ import annotations

import datetime
from typing import Any

from civitas.inspections import synthetic
from civitas.inspections.models import Campaign, Hazard, Lead, OfficialProfile, Task


def test_populate_builds_a_campaign_and_hazards_in_several_states(db: Any, settings: Any, tmp_path: Any) -> None:
    from civitas.synthetic.city import generate

    ctx = generate(7, 1500, today=datetime.date(2026, 11, 20), populate_apps=False, log=lambda m: None)
    synthetic.populate(ctx)
    campaign = Campaign.objects.get()
    assert campaign.tasks_generated == Task.objects.filter(campaign=campaign).count() > 0
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert {"logged", "notice_issued", "closed"} <= statuses
    assert Hazard.objects.filter(owner_id=ctx.landlord_ids[0], status="notice_issued").exists()
    assert OfficialProfile.objects.filter(department="warden").exists()
    assert Lead.objects.count() == 6
    assert {a.username for a in ctx.accounts} >= {"inspector", "enforcer", "warden"}
