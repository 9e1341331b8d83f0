"""Demo data for mediation, built through the actions: mediators of every kind, a case history of the
last 90 days (settled, referred, breached, queued, in mediation) and demo accounts.

- People's mediators and a lawyer on duty in every township; hometown helpers (老乡帮帮团) for the big
  migrant provinces (Jiangxi 36, Anhui 34, Guizhou 52, Henan 41, Sichuan 51, Hunan 43); 17 foreign
  mediators from 14 countries, each with ≥ 3 languages including Chinese.
- Demo accounts: `mediator` (a people's mediator with the phone workbench), `mediator_foreign` (a foreign
  mediator speaking Arabic), `dispatcher` (role mediator WITHOUT a mediator profile = the city's
  dispatch desk: console, queue, statistics).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from civitas.synthetic.context import SeedContext

HOMETOWN_PROVINCES = {"36": "江西", "34": "安徽", "52": "贵州", "41": "河南", "51": "四川", "43": "湖南"}
DIALECTS = {"36": "赣语", "34": "江淮官话", "52": "西南官话", "41": "中原官话", "51": "四川话", "43": "湘语"}
FOREIGN = [  # (name, nationality, languages)
    ("Omar Haddad", "JOR", ["zh", "ar", "en"]),
    ("Karim Mansour", "EGY", ["zh", "ar", "en", "fr"]),
    ("Yusuf Al-Amri", "YEM", ["zh", "ar", "en"]),
    ("Samir Khalil", "JOR", ["zh", "ar", "fr"]),
    ("Dmitri Volkov", "RUS", ["zh", "ru", "en"]),
    ("Aibek Nurlanov", "KAZ", ["zh", "kk", "ru"]),
    ("Rustam Karimov", "RUS", ["zh", "uz", "ru"]),
    ("Ali Rezaei", "IRN", ["zh", "fa", "en"]),
    ("Imran Qureshi", "PAK", ["zh", "ur", "en"]),
    ("Rahul Mehta", "IND", ["zh", "hi", "en"]),
    ("Kim Min-jun", "KOR", ["zh", "ko", "en"]),
    ("Mehmet Yilmaz", "TUR", ["zh", "tr", "en"]),
    ("Carlos Mendoza", "COL", ["zh", "es", "en"]),
    ("Amadou Diallo", "SEN", ["zh", "fr", "en"]),
    ("Hassan Abdi", "SOM", ["zh", "so", "ar", "en"]),
    ("Lucas Silva", "BRA", ["zh", "pt", "es"]),
    ("Tariq Aziz", "YEM", ["zh", "ar", "en"]),
]
DEMO_NOTES = {
    "mediator": "people's mediator of the market district: phone workbench (offers, cases, agenda)",
    "mediator_foreign": "foreign mediator (Arabic, English, Chinese): phone workbench",
}
TERMS = {
    "zh": "被申请人退还部分货款，双方再无其他争议。",
    "en": "The respondent refunds part of the price; neither party has further claims.",
    "ar": "يعيد المدّعى عليه جزءًا من الثمن، ولا توجد مطالبات أخرى بين الطرفين.",
    "ru": "Ответчик возвращает часть стоимости; других претензий у сторон нет.",
    "es": "El demandado devuelve parte del precio; las partes no tienen más reclamaciones.",
    "fr": "Le défendeur rembourse une partie du prix ; les parties n'ont pas d'autre réclamation.",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "国平", "桂芳", "伟", "静", "磊", "敏", "军", "勇", "艳"]
MERCHANTS = [
    "华丰饰品行",
    "金鑫玩具厂",
    "恒达袜业",
    "美佳文具",
    "鸿运工艺品",
    "新世纪箱包",
    "佳乐日用品",
    "宏图电子",
    "天成五金",
    "欣悦服饰",
]
DESCRIPTIONS = {
    "trade": "货物与样品不符，买方要求退货退款",
    "wages": "工程完工后工资未结清",
    "rental": "退租时房东扣留押金",
    "family": "邻里之间因漏水产生矛盾",
    "traffic": "电动车与行人碰撞，医药费分担有争议",
    "consumer": "购买的商品存在质量问题",
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return "139" + f"{rng.randrange(10**8):08d}"


def _user(username: str, role: str, division: Any, ctx: SeedContext, *, demo: bool, first_name: str = "") -> Any:
    from civitas.accounts.models import User

    user = User(username=username, role=role, division=division, first_name=first_name)
    if demo:
        user.set_password(ctx.demo_password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _mediators(ctx: SeedContext) -> list[Any]:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.mediation.actions import do_register_mediator
    from civitas.mediation.choices import Category
    from civitas.mediation.models import Mediator
    from civitas.places.choices import DivisionLevel
    from civitas.places.models import Division

    rng = ctx.rng
    towns = list(Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("code"))
    if not towns:
        return []
    market = towns[0]  # 稠城街道 (the market district) hosts the foreign-related committee
    all_skills = list(Category.values)
    out: list[Any] = []
    n = 0

    def add(kind: str, town: Any, name: str, languages: list[str], **kw: Any) -> None:
        nonlocal n
        n += 1
        username = kw.pop("username", f"med{n:03d}")
        demo = username in ("mediator", "mediator_foreign")
        if User.objects.filter(username=username).exists():
            return
        user = _user(username, Role.MEDIATOR, town, ctx, demo=demo, first_name=name)
        skills = kw.pop("skills", rng.sample(all_skills, rng.randint(2, 4)))
        m = Mediator(
            user=user,
            kind=kind,
            name=name,
            languages=languages,
            skills=skills,
            division=town,
            station=kw.pop("station", f"{town.name}调解工作室"),
            latitude=29.30 + rng.uniform(-0.08, 0.08),
            longitude=120.07 + rng.uniform(-0.1, 0.1),
            on_duty=rng.random() < 0.7,
            max_load=rng.randint(3, 6),
            rating=Decimal(str(round(rng.uniform(3.8, 5.0), 2))),
            **kw,
        )
        out.append(do_register_mediator(m, acting_user=None))
        if demo:
            ctx.add_account(user, DEMO_NOTES[username])

    add("peoples", market, "周文华", ["zh"], username="mediator", skills=all_skills)
    for town in towns:
        for _ in range(3):
            add("peoples", town, _name(rng), ["zh"] + (["en"] if rng.random() < 0.15 else []))
        add("lawyer", town, _name(rng) + "律师", ["zh", "en"] if rng.random() < 0.5 else ["zh"])
    for code, province in HOMETOWN_PROVINCES.items():
        for _ in range(2):
            add(
                "hometown",
                rng.choice(towns[:4]),
                _name(rng),
                ["zh"],
                home_province=code,
                dialect=DIALECTS[code],
                skills=["wages", "rental", "family", "traffic"],
                station=f"{province}籍老乡帮帮团",
            )
    for i, (name, nationality, langs) in enumerate(FOREIGN):
        add(
            "foreign",
            market,
            name,
            langs,
            name_latin=name,
            nationality=nationality,
            clean_record=True,
            company_name=f"{name.split()[-1]} Trading Co., Ltd.",
            company_licence_years=rng.randint(5, 15),
            tax_record_years=rng.randint(3, 10),
            probation_end=ctx.today - datetime.timedelta(days=rng.randint(30, 2000)),
            skills=["trade", "consumer", "rental"],
            username="mediator_foreign" if i == 0 else f"med{n + 1:03d}",
        )
    # The demo mediators are on duty so offers reach them.
    Mediator.objects.filter(user__username__in=["mediator", "mediator_foreign"]).update(on_duty=True)
    return out


def _history(ctx: SeedContext, mediators: list[Any]) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from civitas.mediation import actions
    from civitas.mediation.actions import CaseInput, PartyInput
    from civitas.mediation.choices import OfferStatus, Performance
    from civitas.mediation.models import Agreement, Mediator
    from civitas.people.models import Person
    from civitas.places.choices import DivisionLevel
    from civitas.places.models import Division

    rng = ctx.rng
    grids = list(Division.objects.filter(level=DivisionLevel.GRID).values_list("code", flat=True)[:400])
    if not grids:
        return
    foreigners = list(Person.objects.filter(pk__in=ctx.foreigner_ids[:300]).values("pk", "name_latin", "nationality"))
    landlords = list(Person.objects.filter(pk__in=ctx.landlord_ids[:300]).values("pk", "name"))
    foreign_lang = {
        "YEM": "ar",
        "EGY": "ar",
        "JOR": "ar",
        "SYR": "ar",
        "IRQ": "ar",
        "RUS": "ru",
        "KAZ": "ru",
        "IRN": "fa",
        "PAK": "ur",
        "IND": "hi",
        "KOR": "ko",
        "TUR": "tr",
        "COL": "es",
        "BRA": "pt",
    }
    n_cases = max(40, min(150, ctx.residents // 150))
    start = timezone.make_aware(datetime.datetime.combine(ctx.today - datetime.timedelta(days=90), datetime.time(9, 0)))
    categories = ["trade"] * 4 + ["wages"] * 2 + ["rental"] * 2 + ["family", "traffic", "consumer"]
    for i in range(n_cases):
        now = start + datetime.timedelta(days=90 * i / n_cases, hours=rng.uniform(0, 9))
        category = rng.choice(categories)
        province = (
            rng.choice(list(HOMETOWN_PROVINCES)) if category in ("wages", "family") and rng.random() < 0.5 else ""
        )
        if category in ("trade", "consumer") and foreigners and rng.random() < 0.45:
            f = rng.choice(foreigners)
            lang = foreign_lang.get(f["nationality"], "en")
            claimant = PartyInput(
                role="claimant",
                name=f["name_latin"] or "Buyer",
                person_id=f["pk"],
                foreign=True,
                nationality=f["nationality"],
                languages=[lang, "en"],
                phone=_phone(rng),
            )
        else:
            claimant = PartyInput(
                role="claimant", name=_name(rng), languages=["zh"], phone=_phone(rng), hometown_province=province
            )
        if category == "rental" and landlords:
            ll = rng.choice(landlords[:40])  # a few landlords recur: repeat-party warnings
            respondent = PartyInput(
                role="respondent",
                name=ll["name"],
                person_id=ll["pk"],
                landlord=True,
                languages=["zh"],
                phone=_phone(rng),
            )
        elif category in ("trade", "consumer", "wages"):
            respondent = PartyInput(
                role="respondent",
                name=_name(rng),
                kind="merchant",
                company=rng.choice(MERCHANTS),
                languages=["zh"],
                phone=_phone(rng),
                hometown_province=province,
            )
        else:
            respondent = PartyInput(
                role="respondent", name=_name(rng), languages=["zh"], phone=_phone(rng), hometown_province=province
            )
        claimants = rng.choice([1] * 8 + [4, 12]) if category == "wages" else 1
        data = CaseInput(
            channel=rng.choice(["web", "web", "hotline", "officer", "grid", "court"]),
            category=category,
            description=DESCRIPTIONS[category],
            division_code=rng.choice(grids),
            parties=[claimant, respondent],
            amount=Decimal(rng.choice([800, 3000, 12000, 45000, 80000])),
            claimants=claimants,
            threats=rng.random() < 0.02,
        )
        try:
            case = actions.do_file_case(data, acting_user=None, now=now)
        except ValidationError:
            continue
        offer = case.offers.filter(status=OfferStatus.PENDING).first()
        recent = (ctx.today - timezone.localtime(now).date()).days < 2
        if offer is None or (recent and rng.random() < 0.5):
            continue  # stays queued or offered
        mediator = Mediator.objects.select_related("user").get(pk=offer.mediator_id)
        accepted_at = now + datetime.timedelta(minutes=rng.uniform(0.3, 1.8))
        actions.do_accept_offer(offer.pk, acting_user=mediator.user, now=accepted_at)
        case.refresh_from_db()
        if rng.random() < 0.2:
            for party in case.parties.all():
                actions.do_record_contact(case, party, "reached", acting_user=mediator.user, now=accepted_at)
        if recent:
            continue  # in mediation
        fate = rng.random()
        if fate < 0.12:
            actions.do_refer_case(
                case,
                target=rng.choice(["court", "arbitration"]),
                body="义乌市人民法院",
                reason="双方分歧较大，调解不成",
                parties_consent=True,
                acting_user=mediator.user,
                now=accepted_at + datetime.timedelta(days=2),
            )
            continue
        langs = actions.agreement_languages(case)
        texts = {lang: TERMS.get(lang, TERMS["en"]) for lang in langs}
        agreement = actions.do_draft_agreement(
            case, texts=texts, amount=case.amount * Decimal("0.6"), perform_by=ctx.today, acting_user=mediator.user
        )
        for party in case.parties.all():
            actions.do_record_paper_signature(agreement, party, acting_user=mediator.user)
        actions.do_sign_as_mediator(agreement, acting_user=mediator.user)
        sealed_at = accepted_at + datetime.timedelta(hours=rng.uniform(3, 60))
        actions.do_seal_agreement(agreement, acting_user=mediator.user, now=sealed_at)
        agreement = Agreement.objects.get(pk=agreement.pk)
        outcome = Performance.BREACHED if rng.random() < 0.05 else Performance.HONOURED
        actions.do_record_follow_up(
            agreement, outcome=outcome, acting_user=mediator.user, now=sealed_at + datetime.timedelta(days=7)
        )
        party = rng.choice(list(case.parties.all()))
        actions.do_rate_mediator(case, party, stars=rng.choice([5, 5, 5, 4, 4, 3]))
    # Leave live work: a case in Swahili nobody speaks (queued with the reason) and an active one.
    town_grid = grids[0]
    actions.do_file_case(
        CaseInput(
            channel="web",
            category="trade",
            description="Goods not delivered after payment",
            division_code=town_grid,
            parties=[
                PartyInput(
                    role="claimant",
                    name="Juma Mwangi",
                    foreign=True,
                    nationality="TZA",
                    languages=["sw"],
                    phone="+255754123456",
                ),
                PartyInput(
                    role="respondent",
                    name=_name(rng),
                    kind="merchant",
                    company=MERCHANTS[0],
                    languages=["zh"],
                    phone=_phone(rng),
                ),
            ],
            amount=Decimal(20000),
        ),
        acting_user=None,
    )
    _demo_work(ctx, town_grid)


def _demo_work(ctx: SeedContext, town_grid: str) -> None:
    """An active case with a meeting tomorrow for each demo mediator account, so their workbench has work."""
    from django.utils import timezone

    from civitas.mediation import actions
    from civitas.mediation.actions import CaseInput, PartyInput
    from civitas.mediation.models import Mediator

    rng = ctx.rng
    now = timezone.now()
    tomorrow = timezone.make_aware(datetime.datetime.combine(ctx.today + datetime.timedelta(days=1), datetime.time(10)))
    plans = {
        "mediator_foreign": (
            "trade",
            PartyInput(
                role="claimant",
                name="Ahmed Saleh",
                foreign=True,
                nationality="EGY",
                languages=["ar", "en"],
                phone="+201001234567",
            ),
            "The goods arrived damaged and the seller refuses a refund",
            "涉外纠纷调解中心 2楼",
        ),
        "mediator": (
            "wages",
            PartyInput(role="claimant", name=_name(rng), languages=["zh"], phone=_phone(rng)),
            DESCRIPTIONS["wages"],
            "稠城街道人民调解委员会",
        ),
    }
    for username, (category, claimant, description, place) in plans.items():
        m = Mediator.objects.filter(user__username=username).select_related("user").first()
        if m is None:
            continue
        respondent = PartyInput(
            role="respondent",
            name=_name(rng),
            kind="merchant",
            company=rng.choice(MERCHANTS),
            languages=["zh"],
            phone=_phone(rng),
        )
        case = actions.do_file_case(
            CaseInput(
                channel="web",
                category=category,
                description=description,
                division_code=town_grid,
                parties=[claimant, respondent],
                amount=Decimal(6800),
            ),
            acting_user=None,
            now=now,
            hold_for_batch=True,
        )
        offer = actions.do_offer_manually(case, [m], acting_user=None, now=now)[0]
        case = actions.do_accept_offer(offer.pk, acting_user=m.user, now=now)
        actions.do_schedule_session(case, acting_user=m.user, starts_at=tomorrow, mode="place", place=place)


def populate(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.places.models import Division

    mediators = _mediators(ctx)
    if not mediators:
        return
    city = Division.objects.filter(code="330782").first()
    if city is not None and not User.objects.filter(username="dispatcher").exists():
        user = _user("dispatcher", Role.MEDIATOR, city, ctx, demo=True, first_name="调度")
        ctx.add_account(user, "mediation dispatch desk (role mediator without a mediator profile): console, queue")
    if not ctx.large:
        _history(ctx, mediators)
