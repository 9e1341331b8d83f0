"""Demo data for permits: schools with places per township, permits in every state (through the actions,
back-dated along each tenant's real residence history), social insurance, school applications and a run."""

from __future__ import annotations

import datetime
from typing import Any

from civitas.synthetic.context import SeedContext

SCHOOL_NAMES = ("实验小学", "第二小学", "新城学校", "外国语学校", "第三小学")
MIDDLE_NAMES = ("初级中学", "实验中学", "第二初中")


def _schools(ctx: SeedContext) -> list[Any]:
    from civitas.permits.forecast import age_counts
    from civitas.permits.models import School
    from civitas.places.choices import DivisionLevel
    from civitas.places.models import Division

    counts = age_counts("330782", ctx.today.year)
    out = []
    for town in Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("code"):
        c = counts.get(town.code)
        six = int(c["female"][6] + c["male"][6]) if c else 0
        twelve = int(c["female"][12] + c["male"][12]) if c else 0
        primaries = 2 if six < 200 else 3
        for i in range(primaries):
            share = six * ctx.rng.uniform(0.85, 1.25) / primaries
            seven = twelve * ctx.rng.uniform(0.8, 1.2) / primaries if i < 2 else 0
            places1, places7 = max(10, int(share)), max(0, int(seven))
            out.append(
                School(
                    name=f"{town.name}{SCHOOL_NAMES[i]}",
                    township=town,
                    grade1_places=places1,
                    grade7_places=places7,
                    grade1_points_quota=max(2, places1 // 4),
                    grade7_points_quota=max(1, places7 // 4) if places7 else 0,
                )
            )
    School.objects.bulk_create(out)
    return out


def populate(ctx: SeedContext) -> None:
    from django.core.exceptions import ValidationError

    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.people.models import Person
    from civitas.permits import actions, schoolplaces
    from civitas.permits.choices import InsuranceType
    from civitas.permits.eligibility import add_months
    from civitas.permits.models import InsurancePeriod
    from civitas.permits.rules import current_policy

    schools = _schools(ctx)
    schoolplaces.active_scheme()
    if ctx.large or not ctx.tenant_rooms:
        return
    rng, today = ctx.rng, ctx.today
    officer = User.objects.filter(role=Role.POLICE).order_by("pk").first()
    policy = current_policy()
    candidates = sorted(ctx.tenant_rooms)
    rng.shuffle(candidates)
    holders: list[Any] = []
    made = {"submitted": 0, "accepted": 0, "overdue": 0}
    for pid in candidates[: min(len(candidates), 400)]:
        person = Person.objects.filter(pk=pid).first()
        if person is None or not person.division_id:
            continue
        result = actions.check_eligibility(person, today, policy)
        if not result.eligible or result.eligible_from is None:
            continue
        kind = rng.random()
        earliest = result.eligible_from
        if kind < 0.12 and made["submitted"] < 10:
            actions.do_apply(person, acting_user=None, today=today)
            made["submitted"] += 1
            continue
        accepted = today - datetime.timedelta(days=rng.randint(0, 20))  # some past the 15 days
        if kind < 0.25 and made["accepted"] < 10 and accepted >= earliest:
            app = actions.do_apply(person, acting_user=None, today=accepted)
            actions.do_accept(app, acting_user=officer, today=accepted)
            made["accepted"] += 1
            continue
        span = (today - earliest).days
        if span < 20:
            continue
        issued = earliest + datetime.timedelta(days=rng.randint(0, span - 1))
        try:
            app = actions.do_apply(person, acting_user=None, today=issued)
        except ValidationError:  # that day fell in a gap between two homes: not eligible then
            continue
        actions.do_accept(app, acting_user=officer, today=issued)
        issue_day = min(issued + datetime.timedelta(days=rng.randint(1, 14)), today)
        permit = actions.do_issue(app, acting_user=officer, today=issue_day)
        # endorse most anniversaries on time, let some lapse (suspended), restore some late
        while permit.valid_until < today:
            window = add_months(permit.valid_until, -1)
            if rng.random() < 0.85:
                actions.do_endorse(
                    permit, acting_user=officer, today=window + datetime.timedelta(days=rng.randint(0, 25))
                )
            else:
                actions.suspend_missed(permit.valid_until + datetime.timedelta(days=1))
                late = permit.valid_until + datetime.timedelta(days=rng.randint(10, 120))
                if late < today and rng.random() < 0.6:
                    actions.do_endorse(permit, acting_user=officer, today=late)
                else:
                    break
            permit.refresh_from_db()
        holders.append(permit)
        if len(holders) >= 60:
            break
    actions.suspend_missed(today)
    actions.send_reminders(today)
    for permit in holders[::25]:
        permit.refresh_from_db()
        if permit.status in ("valid", "suspended"):
            actions.do_cancel(permit, reason="moved_away", acting_user=officer, today=today)
    _insurance_and_school_places(ctx, holders, schools, InsurancePeriod, InsuranceType, schoolplaces)
    _accounts(ctx)


def _insurance_and_school_places(
    ctx: SeedContext,
    holders: list[Any],
    schools: list[Any],
    insurance_model: Any,
    insurance_type: Any,
    schoolplaces: Any,
) -> None:
    rng, today = ctx.rng, ctx.today
    year = today.year if today.month < 9 else today.year + 1
    rows = []
    for permit in holders:
        start = today - datetime.timedelta(days=rng.randint(60, 3000))
        for kind in rng.sample(list(insurance_type.values), rng.randint(0, 5)):
            rows.append(insurance_model(person_id=permit.person_id, type=kind, from_month=start.strftime("%Y-%m")))
    insurance_model.objects.bulk_create(rows)
    by_town: dict[str, list[int]] = {}
    for school in schools:
        by_town.setdefault(school.township_id, []).append(school.pk)
    applied = 0
    for permit in holders:
        permit.refresh_from_db()
        town = permit.division_id[:9]
        if permit.status != "valid" or town not in by_town or rng.random() < 0.4:
            continue
        grade = 1 if rng.random() < 0.7 else 7
        age = 6 if grade == 1 else 12
        birth = datetime.date(year - age - 1, 9, 1) + datetime.timedelta(days=rng.randint(0, 364))
        prefs = rng.sample(by_town[town], min(len(by_town[town]), 2))
        try:
            schoolplaces.do_apply_school(
                permit.person,
                child_name=permit.person.name[:1] + rng.choice(("小明", "小红", "子涵", "浩然", "欣怡")),
                child_birth_date=birth,
                grade=grade,
                year=year,
                preferences=prefs,
                declared={
                    "parent_education": rng.choice(("", "", "college", "bachelor_or_above")),
                    "municipal_honours": rng.choice((0, 0, 0, 1)),
                },
                acting_user=None,
                today=today,
            )
            applied += 1
        except Exception:
            continue
    if applied:
        schoolplaces.do_run_allocation(year=year, grade=1, acting_user=None)


def _accounts(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.permits.models import Permit

    first = Permit.objects.order_by("pk").first()
    if first is None or User.objects.filter(username="staff").exists():
        return
    user = User(username="staff", role=Role.SERVICE_STAFF, division_id=first.division_id[:9], first_name="服务中心")
    user.set_password(ctx.demo_password)
    user.save()
    ctx.add_account(user, "service-centre staff: permits queue, school places, forecast")
