"""Demo data for inspections, made through the app's actions: officials, shops, a hundred-day rental-safety
campaign in the demo landlord's township, inspections with hazards in every state of the loop, and public
reports. Dates run back from `ctx.today`, so overdue hazards and escalations look real."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from civitas.accounts.choices import Role
from civitas.accounts.models import User
from civitas.inspections import actions
from civitas.inspections.actions import InspectionInput, ItemAnswer
from civitas.inspections.choices import Acknowledgement, TaskStatus
from civitas.inspections.models import Checklist, Premises, ReportService, Task
from civitas.people.models import Person
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division
from civitas.synthetic.context import SeedContext

INSPECTED = 60  # campaign tasks inspected in the demo
SHOPS = 24
SHOP_KINDS = ("small_shop", "small_shop", "street_shop", "three_in_one", "warehouse")
SHOP_NAMES = ("小吃店", "五金店", "理发店", "饰品批发", "快递点", "便利店", "服装加工", "电动车维修")


def _photo(rng: Any) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buf, "JPEG")
    return SimpleUploadedFile("demo.jpg", buf.getvalue(), content_type="image/jpeg")


def _at(ctx: SeedContext, days_ago: int, hour: int = 10) -> datetime.datetime:
    day = ctx.today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, ctx.rng.randrange(60))))


def _account(
    ctx: SeedContext, username: str, role: str, division: str, department: str, note: str, first_name: str = ""
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, division_id=division, first_name=first_name)
        user.set_password(ctx.demo_password)
        user.save()
        ctx.add_account(user, note)
    actions.do_set_department(user, department, acting_user=None)
    return user


def _inspect(ctx: SeedContext, task: Task, inspector: User, failing: list[str], when: datetime.datetime) -> Any:
    checklist = Checklist.current(task.premises.kind)
    assert checklist is not None
    answers = {}
    for item in checklist.items.all():
        failed = item.code in failing
        answers[item.code] = ItemAnswer(
            not failed, "现场发现" if failed else "", [_photo(ctx.rng)] if failed and item.photo_required else []
        )
    data = InspectionInput(
        answers=answers,
        acknowledgement=Acknowledgement.SIGNED,
        acknowledged_by="业主",
        idempotency_key=uuid.uuid4().hex,
    )
    return actions.do_submit_inspection(task.premises, data, acting_user=inspector, task=task, now=when)


def _drive(
    ctx: SeedContext,
    hazard: Any,
    inspector: User,
    owner_user: User | None,
    fate: str,
    found: datetime.datetime,
    manager: User,
) -> None:
    """Move a logged hazard along the loop to the demo state `fate`."""
    now = timezone.make_aware(datetime.datetime.combine(ctx.today, datetime.time(8)))

    def cap(t: datetime.datetime) -> datetime.datetime:
        return min(t, now)

    later = cap(found + datetime.timedelta(days=1))
    if fate == "logged":
        return
    if fate in ("spot_pending", "spot_closed"):
        actions.do_fix_on_spot(hazard, after_photo=_photo(ctx.rng), acting_user=inspector, now=found)
        if fate == "spot_closed":
            actions.do_reinspect(
                hazard, passed=True, acting_user=inspector, now=cap(found + datetime.timedelta(days=7))
            )
        return
    if fate == "annulled":
        actions.do_annul_hazard(hazard, reason="复核认定不属隐患（申诉成立）", acting_user=manager, now=later)
        return
    actions.do_issue_notice(hazard, acting_user=inspector, now=found)
    if fate == "notice":
        return
    deadline = hazard.item.deadline_days
    reporter = owner_user or inspector
    fixed = cap(found + datetime.timedelta(days=max(1, deadline - 1)))
    actions.do_report_fix(hazard, note="已整改", acting_user=reporter, now=fixed)
    if fate == "fix_reported":
        return
    if fate == "failed_again":
        actions.do_reinspect(
            hazard, passed=False, note="整改不到位", acting_user=inspector, now=cap(fixed + datetime.timedelta(days=2))
        )
        return
    actions.do_reinspect(hazard, passed=True, acting_user=inspector, now=cap(fixed + datetime.timedelta(days=2)))


FATES = (
    "logged",
    "spot_pending",
    "spot_closed",
    "notice",
    "notice",
    "fix_reported",
    "closed",
    "closed",
    "closed",
    "failed_again",
    "annulled",
)


def populate(ctx: SeedContext) -> None:
    if not ctx.landlord_ids:
        return
    rng = ctx.rng
    landlord = Person.objects.select_related("division").get(pk=ctx.landlord_ids[0])
    if landlord.division_id is None:
        return
    grid, township = landlord.division_id, landlord.division_id[:9]
    admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("id").first()
    if admin is None:
        return
    grid_user = User.objects.filter(role=Role.GRID_WORKER, division_id=grid).first()
    if grid_user is not None:
        actions.do_set_department(grid_user, "grid", acting_user=admin)
    inspector = _account(
        ctx,
        "inspector",
        Role.INSPECTOR,
        township,
        "safety",
        "township safety inspector: runs campaigns, inspects, issues notices",
        "周安全",
    )
    _account(ctx, "fire", Role.INSPECTOR, township, "fire", "fire officer of the township", "钱消防")
    _account(
        ctx,
        "enforcer",
        Role.INSPECTOR,
        township[:6],
        "enforcement",
        "city enforcement: receives hazards overdue at township level",
        "吴执法",
    )
    _account(
        ctx,
        "warden",
        Role.GRID_WORKER,
        grid[:12],
        "warden",
        "foreign volunteer warden (洋网格员) of the landlord's community",
        "Karim",
    )

    grids = list(
        Division.objects.filter(code__startswith=township, level=DivisionLevel.GRID).values_list("code", flat=True)
    ) or [grid]
    merchants = list(
        Person.objects.filter(division__code__startswith=township)
        .exclude(pk__in=ctx.landlord_ids)
        .values_list("pk", flat=True)[:200]
    )
    for n in range(SHOPS):
        actions.do_register_premises(
            kind=SHOP_KINDS[n % len(SHOP_KINDS)],
            name=SHOP_NAMES[n % len(SHOP_NAMES)],
            address="{name}路{n}号".format(
                name=rng.choice(("工人", "稠州", "宾王", "篁园", "江滨")), n=rng.randrange(1, 300)
            ),
            division_code=rng.choice(grids),
            owner_id=rng.choice(merchants) if merchants else None,
            acting_user=inspector,
        )

    start = ctx.today - datetime.timedelta(days=40)
    campaign = actions.do_create_campaign(
        name="百日出租房消防安全整治行动",
        division_code=township,
        premises_types=["rental_house", "small_shop", "street_shop", "three_in_one", "warehouse"],
        starts_on=start,
        ends_on=start + datetime.timedelta(days=100),
        acting_user=admin,
    )
    if ctx.large:
        return

    owner_users = {u.person_id: u for u in User.objects.filter(role=Role.LANDLORD, person__isnull=False)}
    tasks = list(
        Task.objects.filter(campaign=campaign, status=TaskStatus.OPEN).select_related("premises").order_by("id")[:2000]
    )
    demo_task = next((t for t in tasks if t.premises.owner_id == landlord.pk), None)
    chosen = rng.sample(tasks, min(INSPECTED, len(tasks)))
    if demo_task is not None and demo_task not in chosen:
        chosen[0] = demo_task
    for n, task in enumerate(chosen):
        checklist = Checklist.current(task.premises.kind)
        codes = [i.code for i in checklist.items.all()] if checklist else []
        if task is demo_task:
            failing = ["escape_window_blocked"]
        else:
            failing = rng.sample(codes, rng.choice((0, 0, 1, 1, 2))) if codes else []
        days_ago = rng.randrange(3, 38)
        found = _at(ctx, days_ago)
        who = inspector if n % 3 else (task.assigned_to or inspector)
        if who.role not in (Role.INSPECTOR, Role.GRID_WORKER, Role.CITY_ADMIN):
            who = inspector
        inspection = _inspect(ctx, task, who, failing, found)
        for hazard in inspection.hazards.select_related("item", "premises"):
            fate = "notice" if task is demo_task else rng.choice(FATES)
            _drive(ctx, hazard, who, owner_users.get(hazard.owner_id), fate, found, inspector)
    actions.escalate_overdue(_at(ctx, 0, 6))

    services = list(ReportService.objects.all())
    address = Premises.objects.filter(rental_property__isnull=False, division__code__startswith=township).first()
    for n in range(6):
        lead = actions.do_submit_report(
            service=rng.choice(services),
            address_string=address.address if address else "工人路1号",
            description=rng.choice(("楼道里有电动车在充电", "逃生窗被防盗窗封死", "店里晚上住了好几个人")),
            now=_at(ctx, rng.randrange(0, 20)),
        )
        if n % 3 == 1 and address is not None:
            actions.do_task_from_lead(lead, premises=address, acting_user=inspector)
        elif n % 3 == 2:
            actions.do_dismiss_lead(lead, reason="现场核查无此情况", acting_user=inspector)
