"""Readable builders for mediation tests: mediators with accounts, and cases filed through the actions."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from civitas.accounts.choices import Role
from civitas.mediation import actions
from civitas.mediation.actions import CaseInput, PartyInput
from civitas.mediation.models import Case, Mediator
from civitas.places.models import Division
from civitas.testing import factories

_n = itertools.count(1)


def mediator(
    division: Division,
    *,
    kind: str = "peoples",
    languages: str = "zh",
    skills: str = "trade,wages,rental",
    on_duty: bool = True,
    account: bool = True,
    **kw: Any,
) -> Mediator:
    n = next(_n)
    user = factories.user(f"med{n}", Role.MEDIATOR, division) if account else None
    defaults: dict[str, Any] = {"name": kw.pop("name", f"调解员{n}"), "max_load": 5}
    if kind == "foreign":
        defaults.update(
            clean_record=True,
            company_licence_years=8,
            tax_record_years=6,
            probation_end=datetime.date(2024, 1, 1),
            nationality="JOR",
            company_name="Trading Co",
        )
    if kind == "hometown":
        defaults["home_province"] = "36"
    defaults.update(kw)
    m = Mediator(
        user=user,
        kind=kind,
        languages=languages.split(","),
        skills=skills.split(","),
        division=division,
        on_duty=on_duty,
        **defaults,
    )
    return actions.do_register_mediator(m, acting_user=None)


def case_input(
    division: Division,
    *,
    claimant_langs: str = "zh",
    respondent_langs: str = "zh",
    category: str = "trade",
    amount: str = "8000",
    **kw: Any,
) -> CaseInput:
    claimant = kw.pop("claimant", None) or PartyInput(
        role="claimant",
        name="买家",
        languages=claimant_langs.split(","),
        phone="13800000001",
        foreign=kw.pop("foreign", False),
        nationality=kw.pop("nationality", "CHN"),
        hometown_province=kw.pop("claimant_province", ""),
    )
    respondent = kw.pop("respondent", None) or PartyInput(
        role="respondent",
        name="卖家",
        kind="merchant",
        company=kw.pop("company", "义乌小商品商行"),
        languages=respondent_langs.split(","),
        phone="13900000002",
        hometown_province=kw.pop("respondent_province", ""),
        person_id=kw.pop("respondent_person_id", None),
        landlord=kw.pop("landlord", False),
    )
    return CaseInput(
        channel=kw.pop("channel", "web"),
        category=category,
        description="货物质量纠纷",
        division_code=division.code,
        parties=[claimant, respondent],
        amount=Decimal(amount),
        **kw,
    )


def file_case(
    division: Division,
    *,
    now: datetime.datetime | None = None,
    acting_user: Any = None,
    hold: bool = False,
    **kw: Any,
) -> Case:
    return actions.do_file_case(case_input(division, **kw), acting_user=acting_user, now=now, hold_for_batch=hold)
