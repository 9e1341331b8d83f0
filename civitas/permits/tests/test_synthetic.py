"""The permits demo data: schools in every township, permits in several states, school applications."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from civitas.permits.eligibility import Period

pytestmark = pytest.mark.django_db(transaction=True)


def test_populate_creates_schools_permits_in_several_states_and_school_places(monkeypatch: Any) -> None:
    from civitas.permits import synthetic
    from civitas.permits.models import Permit, PermitApplication, School, SchoolApplication
    from civitas.synthetic.city import generate

    ctx = generate(seed=11, residents=2500, populate_apps=False, log=lambda m: None, today=datetime.date(2026, 11, 1))
    start = {pid: datetime.date(2022, 1, 1) + datetime.timedelta(days=(pid * 37) % 1200) for pid in ctx.tenant_rooms}
    monkeypatch.setattr(
        "civitas.permits.sources.residence_periods",
        lambda pid: [Period(start[pid], None, purpose="work", employer="某公司")] if pid in start else [],
    )
    synthetic.populate(ctx)
    assert School.objects.values("township").distinct().count() == 14
    states = set(Permit.objects.values_list("status", flat=True))
    assert {"valid", "cancelled"} <= states and len(states) >= 3
    assert PermitApplication.objects.filter(status="submitted").exists()
    assert PermitApplication.objects.overdue(ctx.today).exists()
    assert SchoolApplication.objects.filter(status="placed").exists()
    assert any(a.username == "staff" for a in ctx.accounts)
