"""Demo data for the index: the ZJU-style framework and computed runs on the demo city.

Runs last (insight is the last installed app), so it reads what the other apps produced: their events
and records. Nothing here invents events; an indicator with no data yet is left out of the run with its
reason shown on the run page.
"""

from __future__ import annotations

import datetime

from civitas.synthetic.context import SeedContext

CITY_CODE = "330782"


def populate(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.insight import actions
    from civitas.insight.choices import UnitLevel
    from civitas.places.choices import DivisionLevel
    from civitas.places.models import Division

    framework = actions.do_install_template(acting_user=None)
    end = ctx.today.replace(day=1)
    start = (end - datetime.timedelta(days=330)).replace(day=1)
    actions.do_compute_run(
        framework,
        acting_user=None,
        level=UnitLevel.COMMUNITY,
        scope_code=CITY_CODE,
        period_start=start,
        period_end=end,
        mc_runs=0 if ctx.large else 200,
        seed=ctx.seed,
    )
    actions.do_compute_run(
        framework,
        acting_user=None,
        level=UnitLevel.TOWNSHIP,
        scope_code=CITY_CODE,
        period_start=start,
        period_end=end,
        options={"mc_normalisations": ["minmax", "zscore", "rank"]},  # method uncertainty besides the weights
        mc_runs=1000,
        seed=ctx.seed,
        publish=True,
    )
    township = Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("code").first()
    if township is None or User.objects.filter(username="analyst_town").exists():
        return
    user = User(username="analyst_town", role=Role.ANALYST, division=township, first_name="指数分析员")
    user.set_password(ctx.demo_password)
    user.save()
    ctx.add_account(user, "township analyst: index runs, weights, drill-down within one township")
