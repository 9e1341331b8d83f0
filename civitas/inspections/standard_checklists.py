"""The standard checklists (version 1 of each premises type) and public-report categories, as data.

Values follow domain.md: Zhejiang rental fire-safety rules (draft values: at most 2 people per room,
at least 6 m² per person not counting children under 12, no indoor e-bike parking or charging, a safety
kit per household), the Jinhua Chengdong deductions (window cable charging −3, escape window blocked −3)
and the 14-item small-premises (三小) list. Limits live in `params`, so a new version changes data, not
code. `install(...)` takes model classes so the data migration can pass `apps.get_model(...)` ones.
"""

from __future__ import annotations

import datetime
from typing import Any

RENTAL_BASIS = "浙江省出租房屋消防安全管理规定（草案）"
SHOP_BASIS = "《消防法》第十六条；义乌市“三小”场所消防安全检查标准"
THREE_IN_ONE_BASIS = "XF 703-2007 住宿与生产储存经营合用场所消防安全技术要求"
WAREHOUSE_BASIS = "GB 50016-2014 建筑设计防火规范"


def _item(
    code: str,
    zh: str,
    en: str,
    severity: str,
    *,
    photo: bool = False,
    days: int = 7,
    rule: str = "",
    basis: str = "",
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "text": {"zh-hans": zh, "en": en},
        "severity": severity,
        "photo_required": photo,
        "deadline_days": days,
        "credit_rule": rule,
        "legal_basis": basis,
        "params": params or {},
    }


RENTAL_ITEMS = [
    _item(
        "people_per_room",
        "每间出租房居住不超过{max_people}人（家庭成员除外）",
        "At most {max_people} people live in each let room (families excepted)",
        "major",
        rule="fire_hazard",
        basis=RENTAL_BASIS,
        params={"max_people": 2},
    ),
    _item(
        "area_per_person",
        "人均居住面积不低于{min_m2}平方米（{child_age}岁以下儿童不计）",
        "At least {min_m2} m² per person (children under {child_age} not counted)",
        "major",
        rule="fire_hazard",
        basis=RENTAL_BASIS,
        params={"min_m2": 6, "child_age": 12},
    ),
    _item(
        "ebike_indoor_charging",
        "电动自行车不在室内、楼道或疏散通道停放、充电",
        "No e-bike parked or charged indoors, in stairways or in escape routes",
        "critical",
        photo=True,
        days=3,
        rule="ebike_indoor_charging",
        basis=RENTAL_BASIS,
    ),
    _item(
        "ebike_window_charging",
        "不从窗户拉线（飞线）为电动自行车充电",
        "No e-bike charged by a cable run from a window",
        "critical",
        photo=True,
        days=3,
        rule="ebike_window_charging",
        basis=RENTAL_BASIS,
    ),
    _item(
        "escape_window_blocked",
        "逃生窗未被防盗窗、广告牌或杂物封堵",
        "Escape window not blocked by burglar bars, billboards or goods",
        "critical",
        photo=True,
        days=3,
        rule="escape_window_blocked",
        basis=RENTAL_BASIS,
    ),
    _item(
        "escape_route_clear",
        "疏散楼梯和通道畅通，无堆放杂物",
        "Stairs and escape routes clear of goods",
        "major",
        photo=True,
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
    _item(
        "extinguisher_per_household",
        "每户配备灭火器且在有效期内",
        "A charged, in-date extinguisher in every household",
        "major",
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
    _item(
        "safety_kit_per_household",
        "每户配备消防应急包（逃生绳、防烟面罩、手电筒）",
        "A safety kit (escape rope, smoke hood, torch) in every household",
        "minor",
        days=15,
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
    _item(
        "smoke_detector",
        "每间出租房安装独立式感烟火灾探测报警器",
        "A working stand-alone smoke alarm in every let room",
        "major",
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
    _item(
        "wiring",
        "电气线路穿管保护，无私拉乱接",
        "Wiring in conduit, no improvised connections",
        "major",
        photo=True,
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
    _item(
        "bottled_gas",
        "居住房间内不使用瓶装液化石油气",
        "No bottled LPG used in living rooms",
        "critical",
        photo=True,
        days=3,
        rule="fire_hazard",
        basis=RENTAL_BASIS,
    ),
]

SMALL_SHOP_ITEMS = [
    _item(
        "sleeping_on_site",
        "经营场所内住宿不超过{max_sleepers}人",
        "At most {max_sleepers} person sleeps on site",
        "critical",
        photo=True,
        days=3,
        rule="safety_hazard",
        basis=SHOP_BASIS,
        params={"max_sleepers": 1},
    ),
    _item(
        "living_separated",
        "住宿区域与经营、储存区域采用不燃烧实体墙分隔",
        "Sleeping area separated from trade and storage by a non-combustible wall",
        "critical",
        photo=True,
        days=15,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "smoke_detector",
        "安装独立式感烟火灾探测报警器并能正常使用",
        "A working stand-alone smoke alarm is installed",
        "major",
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "extinguisher",
        "配置灭火器且压力正常、在有效期内",
        "Extinguishers present, charged and in date",
        "major",
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "exits_clear",
        "安全出口、疏散通道畅通，未被锁闭或堵塞",
        "Exits and escape routes open and clear",
        "critical",
        photo=True,
        days=1,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "escape_window",
        "外窗未设置影响逃生的防盗窗或广告牌",
        "No burglar bars or billboards on escape windows",
        "major",
        photo=True,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "wiring",
        "电气线路穿管保护，无私拉乱接、超负荷用电",
        "Wiring in conduit, no improvised connections or overloads",
        "major",
        photo=True,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "gas",
        "燃气使用规范，安装可燃气体报警装置，软管完好",
        "Gas used safely: leak alarm fitted, hoses sound",
        "critical",
        photo=True,
        days=3,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "ebike_indoor",
        "电动自行车不在店内停放、充电",
        "No e-bike parked or charged inside",
        "critical",
        photo=True,
        days=3,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "emergency_lighting",
        "应急照明和疏散指示标志完好",
        "Emergency lights and exit signs working",
        "minor",
        days=15,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "flammables",
        "未违规存放易燃易爆危险品",
        "No flammable or explosive goods stored",
        "critical",
        photo=True,
        days=1,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "combustible_panels",
        "未使用易燃可燃材料（如泡沫夹芯彩钢板）装修、搭建",
        "No combustible sandwich panels in fit-out or partitions",
        "major",
        days=30,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "open_flame",
        "无违规使用明火、电热器具无人看管",
        "No unattended open flames or electric heaters",
        "major",
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "staff_trained",
        "从业人员会报警、会使用灭火器、会组织疏散逃生",
        "Staff can call 119, use an extinguisher and lead an evacuation",
        "minor",
        days=15,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
]

_BY_CODE = {i["code"]: i for i in SMALL_SHOP_ITEMS}

STREET_SHOP_ITEMS = [
    *[
        _BY_CODE[c]
        for c in (
            "smoke_detector",
            "extinguisher",
            "exits_clear",
            "wiring",
            "gas",
            "ebike_indoor",
            "emergency_lighting",
            "flammables",
        )
    ],
    _item(
        "signboard_secure",
        "店招店牌牢固，未遮挡外窗和疏散出口",
        "Shop sign secure and not covering windows or exits",
        "major",
        photo=True,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
    _item(
        "outdoor_occupation",
        "未占用门前人行道堆放货物",
        "No goods stacked on the pavement in front",
        "minor",
        days=3,
        rule="safety_hazard",
        basis=SHOP_BASIS,
    ),
]

THREE_IN_ONE_ITEMS = [
    *SMALL_SHOP_ITEMS,
    _item(
        "separate_stair",
        "住宿部分设置独立的疏散楼梯或安全出口",
        "The sleeping part has its own stair or exit",
        "critical",
        photo=True,
        days=30,
        rule="safety_hazard",
        basis=THREE_IN_ONE_BASIS,
    ),
    _item(
        "sprinkler_alarm",
        "设置简易喷淋或火灾自动报警设施",
        "Simple sprinklers or an automatic fire alarm fitted",
        "major",
        days=30,
        rule="safety_hazard",
        basis=THREE_IN_ONE_BASIS,
    ),
]

WAREHOUSE_ITEMS = [
    _BY_CODE["extinguisher"],
    _BY_CODE["exits_clear"],
    _BY_CODE["wiring"],
    _BY_CODE["flammables"],
    _BY_CODE["combustible_panels"],
    _item(
        "no_sleeping",
        "仓库内无人员住宿",
        "Nobody sleeps in the warehouse",
        "critical",
        photo=True,
        days=1,
        rule="safety_hazard",
        basis=WAREHOUSE_BASIS,
    ),
    _item(
        "stacking_distance",
        "货物堆垛与灯具、墙、柱保持安全距离",
        "Stacks kept clear of lights, walls and columns",
        "major",
        rule="safety_hazard",
        basis=WAREHOUSE_BASIS,
    ),
    _item(
        "hydrant",
        "室内消火栓完好、未被遮挡",
        "Indoor hydrants working and unobstructed",
        "major",
        photo=True,
        rule="safety_hazard",
        basis=WAREHOUSE_BASIS,
    ),
]

CHECKLISTS: dict[str, tuple[dict[str, str], list[dict[str, Any]]]] = {
    "rental_house": (
        {"zh-hans": "出租房屋消防安全检查表", "en": "Rental housing fire-safety checklist"},
        RENTAL_ITEMS,
    ),
    "small_shop": (
        {"zh-hans": "“三小”场所消防安全检查表（14项）", "en": "Small premises (三小) checklist, 14 items"},
        SMALL_SHOP_ITEMS,
    ),
    "street_shop": (
        {"zh-hans": "沿街店铺安全检查表", "en": "Street-front shop checklist"},
        STREET_SHOP_ITEMS,
    ),
    "three_in_one": (
        {"zh-hans": "“三合一”场所消防安全检查表", "en": "Living-storage-business premises checklist"},
        THREE_IN_ONE_ITEMS,
    ),
    "warehouse": (
        {"zh-hans": "仓库消防安全检查表", "en": "Warehouse fire-safety checklist"},
        WAREHOUSE_ITEMS,
    ),
}

REPORT_SERVICES = [
    ("ebike_charging", "电动车违规充电", "E-bike charged indoors or from a window", "rental_house", "fire"),
    ("escape_blocked", "逃生窗或通道被堵", "Escape window or route blocked", "rental_house", "fire"),
    ("overcrowding", "群租、超员居住", "Too many people living in a room", "rental_house", "housing"),
    ("living_in_shop", "店铺内住人（三合一）", "People living in a shop or workshop", "three_in_one", "fire"),
    ("gas_danger", "燃气使用隐患", "Unsafe gas use", "small_shop", "fire"),
    ("wiring_danger", "私拉乱接电线", "Dangerous wiring", "small_shop", "fire"),
    ("other_hazard", "其他安全隐患", "Other safety hazard", "street_shop", "other"),
]


def install(checklist_model: Any, item_model: Any, service_model: Any) -> None:
    """Create version 1 of every standard checklist and the public-report categories (idempotent)."""
    for premises_type, (title, items) in CHECKLISTS.items():
        checklist, created = checklist_model.objects.get_or_create(
            premises_type=premises_type,
            version=1,
            defaults={"title": title, "effective_from": datetime.date(2026, 1, 1)},
        )
        if not created:
            continue
        item_model.objects.bulk_create(
            [item_model(checklist=checklist, order=n, **item) for n, item in enumerate(items, start=1)]
        )
    for n, (code, zh, en, premises_type, group) in enumerate(REPORT_SERVICES, start=1):
        service_model.objects.get_or_create(
            code=code,
            defaults={
                "name": {"zh-hans": zh, "en": en},
                "description": {"zh-hans": zh, "en": en},
                "group": group,
                "keywords": code.replace("_", ","),
                "premises_type": premises_type,
                "order": n,
            },
        )


def uninstall(checklist_model: Any, item_model: Any, service_model: Any) -> None:
    item_model.objects.filter(checklist__version=1, checklist__premises_type__in=list(CHECKLISTS)).delete()
    checklist_model.objects.filter(version=1, premises_type__in=list(CHECKLISTS)).delete()
    service_model.objects.filter(code__in=[s[0] for s in REPORT_SERVICES]).delete()
