"""A synthetic Yiwu, deterministic from a seed, from a demo of 20,000 residents to 2 million.

Real townships and village/community names (`places/data`), invented grid units, buildings, rental
properties and rooms; landlords from Yiwu's own families; migrant tenants weighted by home province
as in a real migrant city; foreign merchants with passports whose MRZ check digits are valid. Rows are
streamed straight into the database (COPY on PostgreSQL), never saved one by one through the ORM.
"""

from __future__ import annotations

import csv
import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from civitas.documents.idnumbers import make_resident_id
from civitas.documents.mrz import make_td3
from civitas.people.identity import DOC_CONTEXT, PHONE_CONTEXT, mask_document, mask_identity_number
from civitas.people.models import Person
from civitas.places.choices import BuildingKind, DivisionKind, DivisionLevel
from civitas.places.models import Building, Division, RentalProperty, Room
from civitas.privacy.crypto import blind_index, encrypt
from civitas.synthetic.context import SeedContext
from civitas.synthetic.loader import reset_sequences, write_rows
from civitas.synthetic.names import FOREIGN_NAMES, GIVEN, NATIONALITIES, SURNAMES, YIWU_SURNAMES, pinyin_of

DATA = Path(__file__).resolve().parent.parent / "places" / "data"
CITY_CODE = "330782"

# Migrants' home provinces (GB/T 2260 first two digits) with weights and sample county codes.
PROVINCE_WEIGHTS: dict[str, tuple[float, tuple[str, ...]]] = {
    "36": (0.20, ("360102", "361102", "360721", "362330", "360281", "361025")),  # Jiangxi
    "34": (0.12, ("340102", "341221", "340822", "341502", "342423")),  # Anhui
    "52": (0.12, ("520102", "522422", "522601", "520221", "522301")),  # Guizhou
    "41": (0.10, ("410102", "411521", "412726", "411302", "410522")),  # Henan
    "51": (0.09, ("510104", "511602", "513029", "511381", "510722")),  # Sichuan
    "43": (0.09, ("430102", "430524", "431122", "433101", "430921")),  # Hunan
    "42": (0.05, ("420102", "421122", "420984", "422802")),  # Hubei
    "33": (0.06, ("330102", "331002", "330881", "330326", "332527")),  # other Zhejiang (332527: old code)
    "53": (0.04, ("530102", "532621", "533102")),  # Yunnan
    "45": (0.03, ("450102", "452122", "450881")),  # Guangxi
    "50": (0.03, ("500101", "500229")),  # Chongqing
    "37": (0.02, ("370102", "371302")),  # Shandong
    "35": (0.02, ("350102", "350583")),  # Fujian
    "62": (0.02, ("620102", "622901")),  # Gansu
    "61": (0.01, ("610102", "610802")),  # Shaanxi
}
# Yiwu's own residents hold the current code or historical ones (Jinhua county, old Yiwu codes).
YIWU_PLACE_CODES = (("330782", 0.70), ("330725", 0.20), ("339007", 0.06), ("332526", 0.04))

# Relative weight of each township for new buildings (busy urban streets carry most migrants).
TOWNSHIP_WEIGHT = {
    "001": 1.6,
    "002": 1.3,
    "003": 1.3,
    "004": 1.4,
    "005": 1.0,
    "006": 0.8,
    "007": 0.8,
    "008": 1.5,
    "100": 0.9,
    "101": 0.5,
    "102": 0.7,
    "104": 0.6,
    "105": 1.0,
    "106": 0.5,
}
TOWNSHIP_CENTRE = {  # approximate latitude, longitude
    "001": (29.306, 120.075),
    "002": (29.315, 120.100),
    "003": (29.270, 120.055),
    "004": (29.340, 120.070),
    "005": (29.380, 120.080),
    "006": (29.300, 119.990),
    "007": (29.360, 120.190),
    "008": (29.330, 120.090),
    "100": (29.190, 120.050),
    "101": (29.150, 120.140),
    "102": (29.250, 119.920),
    "104": (29.380, 119.950),
    "105": (29.420, 120.120),
    "106": (29.440, 120.240),
}
OCCUPATIONS = (
    "外贸业务员",
    "个体经营",
    "电商主播",
    "工厂工人",
    "快递员",
    "餐饮服务",
    "仓库管理",
    "货运司机",
    "市场摊主",
    "保安",
    "设计师",
    "学生",
    "家政服务",
    "翻译",
)
COMPANY_WORDS = ("鸿达", "美联", "华润", "金源", "永盛", "商城", "联创", "恒信", "欣悦", "博远", "中福", "凯旋")
COMPANY_KINDS = ("贸易有限公司", "电子商务有限公司", "饰品厂", "工艺品有限公司", "物流有限公司", "服装厂")
ROADS = (
    "稠州北路",
    "宾王路",
    "工人北路",
    "城中中路",
    "江滨路",
    "雪峰西路",
    "春晗路",
    "福田路",
    "商城大道",
    "四海大道",
    "丹溪路",
    "环城南路",
    "望道路",
    "贝村路",
    "佛堂大道",
    "苏福路",
)


@dataclass
class CityPlan:
    seed: int
    residents: int
    today: datetime.date
    foreign_share: float = 0.011
    hmt_share: float = 0.001
    tenant_share: float = 0.62
    # Derived sizes.
    properties: int = field(init=False)
    landlords: int = field(init=False)

    def __post_init__(self) -> None:
        self.properties = max(12, self.residents // 4)
        self.landlords = max(8, int(self.properties / 1.6))


class Weighted:
    """A weighted choice with cumulative weights computed once (choices() recomputes them per call)."""

    def __init__(self, pairs: list[tuple[Any, float]]) -> None:
        self.values = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum)[0]


def load_divisions(rng: random.Random) -> list[Division]:
    """City, the 14 real townships, the 544 real villages/communities, and 2–6 grid units in each."""
    rows: list[Division] = []
    towns: dict[str, Division] = {}
    city = Division(code=CITY_CODE, level=DivisionLevel.CITY, kind=DivisionKind.CITY, name="义乌市", name_en="Yiwu")
    rows.append(city)
    with open(DATA / "yiwu_divisions.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] == "4":
                kind = DivisionKind.STREET if r["type"].startswith("street") else DivisionKind.TOWN
                d = Division(
                    code=r["code_mca"],
                    parent=city,
                    level=DivisionLevel.TOWNSHIP,
                    kind=kind,
                    name=r["name"],
                    name_en=pinyin_of(r["name"][:-2]).title()
                    + (" Subdistrict" if kind == DivisionKind.STREET else " Town"),
                )
                towns[r["name"]] = d
                rows.append(d)
    counters: dict[str, int] = {}
    with open(DATA / "yiwu_villages.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            town = towns[r["town"]]
            counters[town.code] = counters.get(town.code, 0) + 1
            name = r["village_or_community"]
            kind = DivisionKind.COMMUNITY if name.endswith("社区") else DivisionKind.VILLAGE
            v = Division(
                code=f"{town.code}{counters[town.code]:03d}",
                parent=town,
                level=DivisionLevel.VILLAGE,
                kind=kind,
                name=name,
                name_en=pinyin_of(name[:-2] if kind == DivisionKind.COMMUNITY else name[:-1]).title(),
            )
            rows.append(v)
            grids = rng.randint(3, 6) if kind == DivisionKind.COMMUNITY else rng.randint(2, 3)
            for g in range(1, grids + 1):
                rows.append(
                    Division(
                        code=f"{v.code}{g:03d}",
                        parent=v,
                        level=DivisionLevel.GRID,
                        kind=DivisionKind.GRID,
                        name=f"第{g}网格",
                        name_en=f"Grid {g}",
                    )
                )
    return rows


class PersonFactory:
    """Generates person rows with protected identity fields, fast enough for millions."""

    fields = [
        "id",
        "name",
        "name_pinyin",
        "name_latin",
        "name_native",
        "sex",
        "birth_date",
        "nationality",
        "doc_kind",
        "doc_number_enc",
        "doc_index",
        "doc_masked",
        "doc_country",
        "doc_expiry",
        "phone_enc",
        "phone_index",
        "phone_masked",
        "hometown_province",
        "occupation",
        "employer",
        "division_id",
        "created_at",
    ]

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.provinces = Weighted([(k, v[0]) for k, v in PROVINCE_WEIGHTS.items()])
        self.nationalities = Weighted([(k, v[0]) for k, v in NATIONALITIES.items()])
        self.yiwu_codes = Weighted(list(YIWU_PLACE_CODES))
        self.companies = [f"义乌市{a}{b}" for a in COMPANY_WORDS for b in COMPANY_KINDS]
        self.surname_py = {s: pinyin_of(s) for s in SURNAMES + YIWU_SURNAMES}
        self.given_py = {g: pinyin_of(g) for g in GIVEN}

    def _birth(self, lo: int, hi: int) -> datetime.date:
        age_days = self.rng.randint(lo * 365, hi * 365)
        return self.today - datetime.timedelta(days=age_days)

    def _phone(self) -> tuple[str, str, str]:
        while True:
            national = "1" + self.rng.choice("35789") + f"{self.rng.randrange(10**9):09d}"
            if national not in self.used_phones:
                self.used_phones.add(national)
                break
        e164 = "+86" + national
        masked = f"+86 {national[:3]}****{national[-4:]}"
        return encrypt(e164, context=PHONE_CONTEXT), blind_index(e164, context=PHONE_CONTEXT), masked

    def _chinese_name(self, local: bool) -> tuple[str, str]:
        s = self.rng.choice(YIWU_SURNAMES if local and self.rng.random() < 0.6 else SURNAMES)
        g = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return s + g, self.surname_py[s] + "".join(self.given_py[c] for c in g)

    def chinese(
        self,
        pid: int,
        *,
        division: str | None,
        local: bool,
        age: tuple[int, int],
        hmt: bool = False,
        sex: str | None = None,
        birth: datetime.date | None = None,
    ) -> tuple[Any, ...]:
        birth = birth or self._birth(*age)
        sex = sex or self.rng.choice("MF")
        if hmt:
            place = self.rng.choice(("810000", "820000", "830000"))
        elif local:
            place = self.yiwu_codes.pick(self.rng)
        else:
            prov = self.provinces.pick(self.rng)
            place = self.rng.choice(PROVINCE_WEIGHTS[prov][1])
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            number = make_resident_id(place, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                break
        name, py = self._chinese_name(local)
        adult = (self.today - birth).days >= 18 * 365
        phone = self._phone() if adult else ("", "", "")
        occupation = self.rng.choice(OCCUPATIONS) if adult else "学生"
        employer = self.rng.choice(self.companies) if adult and occupation != "学生" else ""
        return (
            pid,
            name,
            py,
            "",
            "",
            sex,
            birth,
            "CHN",
            "hmt_permit" if hmt else "resident_id",
            encrypt(number, context=DOC_CONTEXT),
            blind_index(number, context=DOC_CONTEXT),
            mask_identity_number(number),
            "CHN",
            None,
            *phone,
            place[:2],
            occupation,
            employer,
            division,
            self.now,
        )

    def foreigner(self, pid: int, *, division: str | None) -> tuple[Any, ...]:
        nat = self.nationalities.pick(self.rng)
        group = NATIONALITIES[nat][1]
        surnames, givens = FOREIGN_NAMES[group]
        sur, sur_native = self.rng.choice(surnames)
        giv, giv_native = self.rng.choice(givens)
        sex = (
            "F"
            if giv
            in {"FATIMA", "AISHA", "LAYLA", "OLGA", "ANNA", "NATALIA", "SEOYEON", "HAEUN", "AMINA", "PRIYA", "GRACE"}
            else "M"
        )
        birth = self._birth(22, 60)
        expiry = self.today + datetime.timedelta(days=self.rng.randint(-30, 9 * 365))
        while True:
            number = self.rng.choice("ABCEKNPS") + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                break
        # The MRZ is built (and so check-digit valid) even though only the number is stored here.
        make_td3(
            document_number=number,
            surname=sur,
            given_names=giv,
            nationality=nat,
            birth_date=birth,
            sex=sex,
            expiry_date=expiry,
        )
        latin = f"{sur} {giv}"
        native = f"{giv_native} {sur_native}".strip() if sur_native else ""
        phone = self._phone()
        return (
            pid,
            latin,
            latin.lower().replace(" ", "").replace("-", ""),
            latin,
            native,
            sex,
            birth,
            nat,
            "passport",
            encrypt(number, context=DOC_CONTEXT),
            blind_index(number, context=DOC_CONTEXT),
            mask_document(number),
            nat,
            expiry,
            *phone,
            "",
            self.rng.choice(("外贸采购商", "贸易公司经理", "翻译", "留学生")),
            self.rng.choice(self.companies),
            division,
            self.now,
        )


def generate(
    seed: int = 2026,
    residents: int = 20_000,
    *,
    today: datetime.date | None = None,
    populate_apps: bool = True,
    log: Any = print,
) -> SeedContext:
    """Build the city into the (empty) database and return the context apps were given."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    plan = CityPlan(seed, residents, today)
    ctx = SeedContext(seed=seed, residents=residents, today=today, rng=rng, large=residents > 200_000)
    t0 = time.perf_counter()

    divisions = load_divisions(rng)
    grids = [d for d in divisions if d.level == DivisionLevel.GRID]
    town_of = {d.code: d.code[6:9] for d in grids}
    grid_weights = [TOWNSHIP_WEIGHT.get(town_of[g.code], 1.0) for g in grids]
    with transaction.atomic():
        Division.objects.bulk_create(divisions, batch_size=2000)
    log(f"divisions: {len(divisions)} ({len(grids)} grid units) in {time.perf_counter() - t0:.1f}s")

    people = PersonFactory(rng, today)
    next_pid = 1

    # Landlords: Yiwu families, 35–75 years old, living in their own grid.
    landlord_grid: list[str] = rng.choices([g.code for g in grids], weights=grid_weights, k=plan.landlords)
    landlord_ids = list(range(next_pid, next_pid + plan.landlords))
    next_pid += plan.landlords

    def landlord_rows() -> Iterator[tuple[Any, ...]]:
        for i, pid in enumerate(landlord_ids):
            yield people.chinese(pid, division=landlord_grid[i], local=True, age=(35, 75))

    # Buildings, properties and rooms: each landlord's self-built house holds 1–3 let units.
    buildings: list[tuple[Any, ...]] = []
    properties: list[tuple[Any, ...]] = []
    rooms: list[tuple[Any, ...]] = []
    room_capacity: list[tuple[int, int, str]] = []  # (room id, beds, grid)
    bid = pid_prop = rid = 0
    li = 0
    while pid_prop < plan.properties:
        landlord = landlord_ids[li % len(landlord_ids)]
        grid = landlord_grid[li % len(landlord_ids)]
        li += 1
        bid += 1
        town = grid[6:9]
        lat, lon = TOWNSHIP_CENTRE.get(town, (29.3, 120.07))
        floors = rng.choice((3, 4, 5, 5, 5, 6))
        buildings.append(
            (
                bid,
                grid,
                f"{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                BuildingKind.SELF_BUILT,
                floors,
                Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}"),
                Decimal(f"{lon + rng.uniform(-0.02, 0.02):.6f}"),
            )
        )
        for unit in range(rng.choice((1, 1, 2, 3))):
            if pid_prop >= plan.properties:
                break
            pid_prop += 1
            properties.append(
                (
                    pid_prop,
                    bid,
                    grid,
                    landlord,
                    f"{unit + 2}层",
                    "active",
                    today - datetime.timedelta(days=rng.randint(30, 3000)),
                )
            )
            for r in range(rng.choice((2, 3, 4, 4, 5, 6))):
                rid += 1
                area = Decimal(rng.choice(("8.5", "10.0", "12.0", "14.5", "16.0", "18.0", "22.0", "25.0")))
                beds = rng.choice((1, 1, 2, 2, 2, 3))
                rooms.append((rid, pid_prop, f"{unit + 2}{r + 1:02d}", unit + 2, area, beds))
                room_capacity.append((rid, beds, grid))

    # Residents: tenants fill rooms (mostly within capacity; a few over, as real group renting does),
    # foreigners among them; the rest are locals living in their own homes.
    n_foreign = max(5, int(residents * plan.foreign_share))
    n_hmt = max(1, int(residents * plan.hmt_share))
    n_tenants = max(20, int(residents * plan.tenant_share)) - n_foreign
    n_locals = max(0, residents - plan.landlords - n_tenants - n_foreign - n_hmt)
    tenant_rooms: dict[int, int] = {}
    tenant_grid: list[str] = []
    assigned = 0
    order = list(range(len(room_capacity)))
    rng.shuffle(order)
    cursor_i = 0
    tenant_ids = list(range(next_pid, next_pid + n_tenants + n_foreign))
    next_pid += n_tenants + n_foreign
    while assigned < len(tenant_ids):
        room_id, beds, grid = room_capacity[order[cursor_i % len(order)]]
        cursor_i += 1
        occupants = min(beds + (1 if rng.random() < 0.03 else 0), len(tenant_ids) - assigned)
        for _ in range(max(1, occupants)):
            if assigned >= len(tenant_ids):
                break
            tenant_rooms[tenant_ids[assigned]] = room_id
            tenant_grid.append(grid)
            assigned += 1
    foreign_positions = set(rng.sample(range(len(tenant_ids)), n_foreign))

    def tenant_rows() -> Iterator[tuple[Any, ...]]:
        for i, pid in enumerate(tenant_ids):
            if i in foreign_positions:
                yield people.foreigner(pid, division=tenant_grid[i])
            else:
                yield people.chinese(pid, division=tenant_grid[i], local=False, age=(18, 55))

    hmt_ids = list(range(next_pid, next_pid + n_hmt))
    next_pid += n_hmt
    local_ids = list(range(next_pid, next_pid + n_locals))
    next_pid += n_locals
    grid_codes = [g.code for g in grids]
    grid_picker = Weighted(list(zip(grid_codes, grid_weights, strict=True)))

    def other_rows() -> Iterator[tuple[Any, ...]]:
        for pid in hmt_ids:
            yield people.chinese(pid, division=grid_picker.pick(rng), local=False, age=(25, 60), hmt=True)
        for pid in local_ids:
            yield people.chinese(pid, division=grid_picker.pick(rng), local=True, age=(0, 85))

    t1 = time.perf_counter()
    with transaction.atomic():
        n = write_rows(Person, PersonFactory.fields, landlord_rows())
        write_rows(Building, ["id", "division_id", "address", "kind", "floors", "latitude", "longitude"], buildings)
        write_rows(
            RentalProperty,
            ["id", "building_id", "division_id", "landlord_id", "label", "status", "registered_at"],
            properties,
        )
        write_rows(Room, ["id", "property_id", "number", "floor", "area_m2", "beds"], rooms)
        n += write_rows(Person, PersonFactory.fields, tenant_rows())
        n += write_rows(Person, PersonFactory.fields, other_rows())
        reset_sequences(Person, Building, RentalProperty, Room)
    log(
        f"people: {n}, buildings: {len(buildings)}, properties: {len(properties)}, rooms: {len(rooms)} "
        f"in {time.perf_counter() - t1:.1f}s"
    )

    ctx.tenant_rooms = tenant_rooms
    ctx.landlord_ids = landlord_ids
    ctx.foreigner_ids = [tenant_ids[i] for i in sorted(foreign_positions)]
    ctx.extra["grids"] = grid_codes
    ctx.extra["hmt_ids"] = hmt_ids
    _demo_accounts(ctx)
    if populate_apps:
        populate_installed_apps(ctx, log=log)
    log(f"city ready in {time.perf_counter() - t0:.1f}s")
    return ctx


def _demo_accounts(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User

    first_landlord = Person.objects.get(pk=ctx.landlord_ids[0])
    grid = first_landlord.division
    assert grid is not None
    township = Division.objects.get(code=grid.code[:9])
    other_town = Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(code=township.code).first()
    specs = [
        ("admin", Role.CITY_ADMIN, CITY_CODE, None, "sees the whole city"),
        ("police", Role.POLICE, township.code, None, "police officer of the landlord's township"),
        ("police2", Role.POLICE, other_town.code if other_town else township.code, None, "police of another township"),
        ("grid", Role.GRID_WORKER, grid.code, None, "grid worker of the landlord's grid unit"),
        ("analyst", Role.ANALYST, CITY_CODE, None, "city analyst"),
        ("landlord", Role.LANDLORD, None, first_landlord, "landlord with let properties"),
    ]
    for username, role, division, person, note in specs:
        user = User(
            username=username, role=role, division_id=division, person=person, first_name=person.name if person else ""
        )
        user.set_password(ctx.demo_password)
        user.save()
        ctx.add_account(user, note)


def populate_installed_apps(ctx: SeedContext, log: Any = print) -> None:
    """Call `populate(ctx)` of every installed app that has a `synthetic` module, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("civitas.") or config.name == "civitas.synthetic":
            continue
        try:
            module = import_module(f"{config.name}.synthetic")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.synthetic":
                continue
            raise
        t = time.perf_counter()
        module.populate(ctx)
        log(f"{config.label}: populated in {time.perf_counter() - t:.1f}s")
