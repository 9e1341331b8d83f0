"""Demo data: a year of landlord ledger entries, merchant files with grades, a few pending appeals.

Everything goes through the app's actions (so balances, consequences, notifications and the audit log are
exactly what production would hold). Benchmark-size cities (`ctx.large`) get only the schemes: the
benchmark builds its own ledger in bulk.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction

from civitas.credit import actions
from civitas.credit.models import LedgerEntry
from civitas.credit.seed_data import LANDLORD_SCHEME, MERCHANT_SCHEME, ensure_installed
from civitas.synthetic.context import SeedContext

# Rule code -> relative frequency among recorded facts (deductions dominate; helping out is common).
LANDLORD_MIX = {
    "helping_out": 14,
    "self_inspection_clean": 8,
    "smart_access": 2,
    "fraud_stopped": 1,
    "tenant_undeclared": 10,
    "false_information": 2,
    "group_renting": 3,
    "household_file_incomplete": 4,
    "household_file_missing": 1,
    "ebike_window_charging": 5,
    "escape_window_blocked": 3,
    "ebike_indoor_charging": 5,
    "fire_hazard": 6,
    "foreigner_unregistered": 2,
    "rooms_unregistered_3plus": 1,
}
MERCHANT_MIX = {
    "honest_trading_award": 3,
    "quality_certified": 4,
    "dispute_settled_promptly": 4,
    "volunteer_service": 3,
    "safety_hazard": 4,
    "complaint_upheld": 5,
    "late_payment": 3,
    "false_advertising": 1,
    "price_fraud": 1,
    "counterfeit_goods": 1,
}
NOTES = {
    "helping_out": "协助社区开展反诈宣传",
    "self_inspection_clean": "自查表经网格员核实",
    "smart_access": "申请安装智能门禁",
    "fraud_stopped": "劝阻租客向陌生账户转账",
    "tenant_undeclared": "入户检查发现1名租客未申报",
    "false_information": "申报的工作单位与实际不符",
    "group_renting": "一个房间住了4人",
    "household_file_incomplete": "出租户档案缺少2名租客信息",
    "household_file_missing": "未建立出租户档案",
    "ebike_window_charging": "三楼窗口拉线给电动车充电",
    "escape_window_blocked": "二楼逃生窗被防盗网封死",
    "ebike_indoor_charging": "楼道内停放充电电动车",
    "fire_hazard": "楼道堆放杂物",
    "foreigner_unregistered": "境外租客入住超过24小时未登记",
    "rooms_unregistered_3plus": "一次检查发现3间出租房未登记",
}
LANDLORDS_SCORED = 250
MERCHANT_FILES = 80
MARKETS = ("国际商贸城一区", "国际商贸城二区", "国际商贸城三区", "国际商贸城五区", "篁园服装市场", "宾王市场")


def _officer(role: str = "city_admin") -> Any:
    from civitas.accounts.models import User

    return User.objects.filter(role=role, division__code="330782").order_by("pk").first()


def _property_division(landlord_id: int) -> str:
    from civitas.places.models import RentalProperty

    return RentalProperty.objects.filter(landlord_id=landlord_id).values_list("division_id", flat=True).first() or ""


def populate(ctx: SeedContext) -> None:
    ensure_installed()
    if ctx.large or not ctx.landlord_ids:
        return
    admin = _officer()
    if admin is None:
        return
    sms_log = logging.getLogger("civitas.sms")
    level = sms_log.level
    sms_log.setLevel(logging.WARNING)  # thousands of demo notifications would flood the console
    try:
        _landlord_year(ctx, admin)
        _merchants(ctx, admin)
        _appeals(ctx)
    finally:
        sms_log.setLevel(level)


def _day_in_last_year(ctx: SeedContext) -> datetime.date:
    return ctx.today - datetime.timedelta(days=ctx.rng.randrange(0, 365))


def _landlord_year(ctx: SeedContext, admin: Any) -> None:
    rng = ctx.rng
    chosen = [ctx.landlord_ids[0], *rng.sample(ctx.landlord_ids[1:], min(LANDLORDS_SCORED, len(ctx.landlord_ids) - 1))]
    codes, weights = list(LANDLORD_MIX), list(LANDLORD_MIX.values())
    for n, landlord_id in enumerate(chosen):
        division = _property_division(landlord_id)
        if not division:
            continue
        count = 4 if n == 0 else rng.choice((0, 1, 1, 2, 2, 3, 4, 6))
        facts = sorted((_day_in_last_year(ctx), rng.choices(codes, weights)[0]) for _ in range(count))
        if n == 0:  # the demo landlord: a recent deduction they can still appeal
            facts.append((ctx.today - datetime.timedelta(days=3), "ebike_window_charging"))
        with transaction.atomic():
            for day, code in facts:
                actions.do_record_violation(
                    scheme_code=LANDLORD_SCHEME,
                    rule_code=code,
                    subject_id=landlord_id,
                    occurred_on=day,
                    note=NOTES.get(code, ""),
                    division_code=division,
                    acting_user=admin,
                )


def _merchants(ctx: SeedContext, admin: Any) -> None:
    from civitas.people.models import Person

    rng = ctx.rng
    ids = rng.sample(ctx.foreigner_ids, min(MERCHANT_FILES, len(ctx.foreigner_ids)))
    codes, weights = list(MERCHANT_MIX), list(MERCHANT_MIX.values())
    for person in Person.objects.filter(pk__in=ids).order_by("pk"):
        with transaction.atomic():
            name = (person.name_latin or person.name).split(" ")[0].title()
            mf = actions.do_open_merchant_file(
                person,
                trade_name=f"{name} {rng.choice(('Trading', 'Import & Export', 'Toys', 'Textiles'))}",
                market=f"{rng.choice(MARKETS)} {rng.randint(1, 40)}街{rng.randint(1000, 9999)}",
                public_consent=rng.random() < 0.7,
                acting_user=admin,
            )
            for _ in range(rng.choice((0, 1, 2, 3, 5))):
                actions.do_record_violation(
                    scheme_code=MERCHANT_SCHEME,
                    rule_code=rng.choices(codes, weights)[0],
                    subject_id=mf.person_id,
                    occurred_on=_day_in_last_year(ctx),
                    note="市场管理方记录",
                    division_code=mf.division_code,
                    acting_user=admin,
                )


def _appeals(ctx: SeedContext) -> None:
    """A few landlords with accounts appeal their latest deduction (left pending for the demo police)."""
    from civitas.accounts.models import User

    for user in User.objects.filter(role="landlord", person__isnull=False)[:5]:
        assert user.person_id is not None
        entry = (
            LedgerEntry.objects.filter(
                subject_type="landlord", subject_id=user.person_id, points__lt=0, kind="rule", appeal__isnull=True
            )
            .select_related("scheme", "rule")
            .order_by("-recorded_at")
            .first()
        )
        if entry is not None:
            actions.do_file_appeal(entry, reason="检查当天已整改，请核实。", acting_user=user, today=ctx.today)
