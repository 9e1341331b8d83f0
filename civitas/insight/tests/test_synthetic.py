"""The demo data: the template framework, a published township run and a community run, an analyst."""

from __future__ import annotations

import datetime
import random
from typing import Any

from civitas.accounts.models import User
from civitas.insight import synthetic
from civitas.insight.choices import RunStatus, UnitLevel
from civitas.insight.frameworks import TEMPLATE_CODE
from civitas.insight.models import IndexRun
from civitas.synthetic.context import SeedContext


def test_populate_installs_the_template_and_computes_runs_on_the_demo_city(city: dict[str, Any]) -> None:
    ctx = SeedContext(seed=1, residents=100, today=datetime.date(2026, 10, 20), rng=random.Random(1))
    synthetic.populate(ctx)
    township = IndexRun.objects.get(level=UnitLevel.TOWNSHIP)
    assert township.framework.code == TEMPLATE_CODE and township.published
    assert township.status == RunStatus.DONE, township.error
    assert (township.sensitivity or {}).get("runs") == 1000
    assert IndexRun.objects.filter(level=UnitLevel.COMMUNITY).exists()
    assert User.objects.get(username="analyst_town").role == "analyst"
    assert [a.username for a in ctx.accounts] == ["analyst_town"]
