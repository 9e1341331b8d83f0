"""Demo data for foreign residents' services, built through the actions: the catalogue and network,
resident profiles for the city's foreigners, applications in every state (some near or past their
deadline), bookings with queue numbers, merchant cards (valid, suspended, revoked, expiring), scenario
partners with demo accounts, volunteers, scans and reminders."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from civitas.synthetic.context import SeedContext

ARABIC = {
    "YEM",
    "EGY",
    "JOR",
    "SYR",
    "IRQ",
    "SAU",
    "ARE",
    "MAR",
    "DZA",
    "TUN",
    "LBY",
    "SDN",
    "SOM",
    "LBN",
    "OMN",
    "KWT",
    "QAT",
    "PSE",
    "MRT",
}
RUSSIAN = {"RUS", "KAZ", "UZB", "KGZ", "TJK", "BLR", "UKR", "AZE", "ARM", "TKM", "MNG"}
PARTNERS = [  # (username, name, kind, scenarios, note)
    ("partner_bus", "义乌公交集团", "bus", ["bus"], "bus company: sees valid / not valid only"),
    ("partner_bike", "义乌公共自行车", "bike", ["bike"], ""),
    ("partner_library", "义乌市图书馆", "library", ["library"], ""),
    ("partner_hospital", "义乌市中心医院", "hospital", ["hospital"], ""),
    ("partner_bank", "义乌农商银行国际业务部", "bank", ["bank", "payment"], ""),
    (
        "partner_seller",
        "国际商贸城 5区 1203 商铺",
        "market_seller",
        ["market"],
        "market seller: sees the buyer's market credit grade",
    ),
    ("partner_hotel", "义乌国际商务酒店", "hotel", ["hotel"], ""),
]
PDF = b"%PDF-1.4\n% civitas demo document\n%%EOF\n"


def _lang(nationality: str) -> str:
    return "ar" if nationality in ARABIC else "ru" if nationality in RUSSIAN else "en"


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _uploads(service: Any) -> list[tuple[str, Any]]:
    return [
        (s["code"], ContentFile(PDF, name=f"{s['code']}.pdf"))
        for s in service.upload_specs
        if s.get("required") and "pdf" in s.get("types", [])
    ] + [
        (s["code"], ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, name=f"{s['code']}.png"))
        for s in service.upload_specs
        if s.get("required") and "pdf" not in s.get("types", [])
    ]


def populate(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.people.models import Person
    from civitas.services import actions
    from civitas.services.models import ResidentProfile, Service, ServicePoint
    from civitas.services.seeds import seed_catalogue
    from civitas.services.signing import card_token

    rng = ctx.rng
    seed_catalogue()
    limit = 5000 if ctx.large else len(ctx.foreigner_ids)
    foreigners = list(Person.objects.filter(pk__in=ctx.foreigner_ids[:limit]).select_related("division"))
    if not foreigners:
        return
    today = ctx.today

    profiles = []
    for p in foreigners:
        visa = today + datetime.timedelta(days=rng.randint(5, 180)) if rng.random() < 0.5 else None
        permit = today + datetime.timedelta(days=rng.randint(20, 700)) if visa is None else None
        profiles.append(
            ResidentProfile(person=p, language=_lang(p.nationality), visa_expiry=visa, residence_permit_expiry=permit)
        )
    ResidentProfile.objects.bulk_create(profiles, batch_size=2000, ignore_conflicts=True)

    # Stations: slots for the next five days, some booked, the first arrivals checked in.
    points = list(ServicePoint.objects.all())
    for point in points:
        for d in range(0, 6):
            day = today + datetime.timedelta(days=d)
            if day.weekday() < 5:
                actions.do_open_slots(point, day, acting_user=None)
    sample = rng.sample(foreigners, min(len(foreigners), 60))
    now = timezone.now()
    for person in sample[:24]:
        point = rng.choice(points)
        slot = point.slots.filter(starts_at__gt=now).order_by("?").first()
        services = list(point.services.all())
        if slot is not None and slot.free:
            try:
                appt = actions.do_book_appointment(
                    slot.pk, person, acting_user=None, service=rng.choice(services) if services else None
                )
            except Exception:
                continue
            if timezone.localtime(slot.starts_at).date() == today and rng.random() < 0.5:
                actions.do_check_in(appt, acting_user=None)

    # Applications in every state over the last 30 days.
    online = list(Service.objects.filter(kind="online").exclude(code=actions.MERCHANT_CARD_SERVICE))
    for i, person in enumerate(sample[24:60]):
        service = online[i % len(online)]
        submitted = today - datetime.timedelta(days=rng.randint(0, 30))
        app = actions.do_submit_application(
            service,
            person,
            {},
            _uploads(service),
            acting_user=None,
            language=_lang(person.nationality),
            now=_at(submitted, 9),
        )
        stage = i % 6
        if stage == 0:
            continue  # submitted
        actions.do_accept_application(app, acting_user=None, now=_at(submitted, 11))
        if stage == 1:
            continue  # accepted (some of these are near or past their deadline)
        if stage == 2:
            actions.do_request_documents(
                app, "Please upload a clearer passport scan.", acting_user=None, now=_at(submitted, 15)
            )
            continue
        decided = min(today, actions.clock.add_working_days(submitted, max(1, service.time_limit_days // 3)))
        if stage == 3:
            actions.do_request_documents(app, "Photo missing.", acting_user=None, now=_at(submitted, 15))
            actions.do_provide_documents(
                app, [("passport", ContentFile(PDF, name="passport2.pdf"))], acting_user=None, now=_at(submitted, 17)
            )
        actions.do_decide_application(
            app,
            approve=stage != 5,
            note="" if stage != 5 else "Documents incomplete.",
            acting_user=None,
            now=_at(decided, 16),
        )

    # Merchant cards: issued, one suspended, one revoked, one expiring within 30 days.
    partners = {}
    for username, name, kind, scenarios, note in PARTNERS:
        user = User(username=username, role=Role.PARTNER, first_name=name[:30])
        user.set_password(ctx.demo_password)
        user.save()
        partners[username] = actions.do_register_partner(name, kind, scenarios, acting_user=None, accounts=[user])
        if note:
            ctx.add_account(user, note)
    holders = rng.sample(foreigners, min(len(foreigners), 40))
    cards = []
    for k, person in enumerate(holders):
        issued_on = today - datetime.timedelta(days=340 if k == 0 else rng.randint(1, 300))
        card = actions.do_apply_card(person, acting_user=None, now=_at(issued_on, 9))
        cards.append(actions.do_issue_card(card, acting_user=None, now=_at(issued_on, 15)))
    if len(cards) > 3:
        actions.do_suspend_card(cards[1], note="Reported lost", acting_user=None)
        actions.do_revoke_card(cards[2], note="Left China", acting_user=None)
    for card in cards[3:15]:
        for username in rng.sample(list(partners), 2):
            partner = partners[username]
            actions.do_verify_card(card_token(card), partner=partner, scenario=partner.scenarios[0], acting_user=None)

    # Volunteers and foreign mediators at the stations.
    stations = [p for p in points if p.kind == "station"]
    for k, person in enumerate(rng.sample(foreigners, min(len(foreigners), 20))):
        langs = ["zh-hans", "en", _lang(person.nationality)]
        actions.do_register_volunteer(
            person,
            kind="foreign_mediator" if k < 5 else "volunteer",
            languages=sorted(set(langs)),
            point=rng.choice(stations),
            acting_user=None,
        )

    actions.do_generate_reminders(today=today)

    # Staff: the service centre (whole city) and the station staff of the busiest township.
    busiest = max(
        {p.division_id[:9] for p in foreigners if p.division_id} or {"330782"},
        key=lambda code: sum(1 for p in foreigners if (p.division_id or "").startswith(code)),
    )
    for username, division, note in (
        ("services", "330782", "service-centre staff (whole city): applications, clocks, cards, report"),
        ("services_station", busiest, "station staff of one township: bookings, queue numbers"),
    ):
        user = User(username=username, role=Role.SERVICE_STAFF, division_id=division)
        user.set_password(ctx.demo_password)
        user.save()
        ctx.add_account(user, note)
