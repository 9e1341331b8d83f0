"""Frameworks as data: the ZJU-style template and the conversion of stored frameworks to the engine's.

The Zhejiang University county social-governance index has 4 dimensions → 11 first-level → 26 → 78
indicators; its weights and the names below the dimensions are not published. The 11 first-level names
here are ours, written in the spirit of that index and chosen so each maps onto indicators Civitas can
compute; analysts edit weights (audited) and may add external indicators.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from civitas.insight import coin
from civitas.insight.choices import IndicatorSource, NodeKind
from civitas.insight.models import Framework, FrameworkNode

TEMPLATE_CODE = "zju-county-governance"

INDEX = {"code": "INDEX", "name": {"zh-hans": "县域社会治理指数", "en": gettext_noop("County social-governance index")}}

# (code, zh-hans, en, [(group code, zh-hans, en, [indicator codes])])
DIMENSIONS: list[tuple[str, str, str, list[tuple[str, str, str, list[str]]]]] = [
    (
        "D1",
        "社会管理",
        gettext_noop("Social management"),
        [
            (
                "G01",
                "人口服务管理",
                gettext_noop("Population services and registration"),
                ["RES_ON_TIME", "RES_FOREIGN_24H", "PRM_COVERAGE", "SCH_PLACES"],
            ),
            ("G02", "出租房屋安全", gettext_noop("Rental housing safety"), ["RES_OVER_CAPACITY", "INS_HAZARDS"]),
            (
                "G03",
                "公共安全隐患整治",
                gettext_noop("Hazards put right"),
                ["INS_HAZARDS_CLOSED", "INS_CLOSED_ON_TIME"],
            ),
        ],
    ),
    (
        "D2",
        "政社共治",
        gettext_noop("State–society co-governance"),
        [
            (
                "G04",
                "矛盾纠纷化解",
                gettext_noop("Dispute resolution"),
                ["MED_BREACHES", "MED_SETTLED", "MED_DAYS_TO_SETTLE"],
            ),
            ("G05", "信用治理", gettext_noop("Credit-based governance"), ["CRD_CONSEQUENCES", "CRD_LOW_LANDLORDS"]),
            ("G06", "网格协同", gettext_noop("Grid cooperation"), ["RES_DECLARED_ROOMS"]),
        ],
    ),
    (
        "D3",
        "社会自治",
        gettext_noop("Social self-governance"),
        [
            (
                "G07",
                "房东自我管理",
                gettext_noop("Landlords' self-management"),
                ["LND_SELF_INSPECTION", "RES_CHECKOUT_REPORTED"],
            ),
            ("G08", "社区参与", gettext_noop("Community participation"), ["LND_HELPING"]),
            ("G09", "居民自主申报", gettext_noop("Residents declaring themselves"), ["RES_SELF_DECLARED"]),
        ],
    ),
    (
        "D4",
        "科技支撑",
        gettext_noop("Technology support"),
        [
            (
                "G10",
                "智能核验与网上办事",
                gettext_noop("Automatic verification and online services"),
                ["RES_AUTO_VERIFIED", "SRV_ON_TIME"],
            ),
            ("G11", "智慧安防", gettext_noop("Smart security"), ["LND_SMART_ACCESS"]),
        ],
    ),
]

# Indicator names in Chinese (the registry holds the translatable English source names).
CHINESE_NAMES = {
    "RES_ON_TIME": "按时申报率",
    "RES_FOREIGN_24H": "境外人员24小时内登记率",
    "RES_DECLARED_ROOMS": "每百间出租房已核验申报数",
    "RES_OVER_CAPACITY": "每千间出租房群租发现数",
    "RES_CHECKOUT_REPORTED": "退租报备率",
    "RES_AUTO_VERIFIED": "自动核验率",
    "RES_SELF_DECLARED": "扫码自主申报率",
    "INS_HAZARDS": "每千间出租房确认隐患数",
    "INS_HAZARDS_CLOSED": "隐患整改闭环率",
    "MED_BREACHES": "每万人调解协议违约数",
    "CRD_CONSEQUENCES": "每百名房东信用惩戒数",
    "LND_SELF_INSPECTION": "每百名房东自查合格数",
    "LND_HELPING": "每百名房东协助治理数",
    "LND_SMART_ACCESS": "每百名房东智能门禁安装数",
    "CRD_LOW_LANDLORDS": "每百名房东信用分低于9分数",
    "PRM_COVERAGE": "每百名省外居民居住证持有数",
    "SRV_ON_TIME": "网上办事按时办结率",
    "MED_SETTLED": "纠纷调解成功率",
    "MED_DAYS_TO_SETTLE": "纠纷平均调解天数",
    "INS_CLOSED_ON_TIME": "隐患按期整改率",
    "SCH_PLACES": "每百名适龄儿童一年级学位数",
}


def template_records() -> list[dict[str, Any]]:
    """The template as flat records (code, parent, level, kind, name, unit, direction, weight, source)."""
    from civitas.insight import indicators

    records: list[dict[str, Any]] = [{**INDEX, "parent": None, "level": 4, "kind": NodeKind.INDEX, "weight": 1.0}]
    for dim_code, dim_zh, dim_en, groups in DIMENSIONS:
        records.append(
            {
                "code": dim_code,
                "parent": "INDEX",
                "level": 3,
                "kind": NodeKind.DIMENSION,
                "name": {"zh-hans": dim_zh, "en": dim_en},
                "weight": 1.0,
            }
        )
        for group_code, group_zh, group_en, codes in groups:
            records.append(
                {
                    "code": group_code,
                    "parent": dim_code,
                    "level": 2,
                    "kind": NodeKind.GROUP,
                    "name": {"zh-hans": group_zh, "en": group_en},
                    "weight": 1.0,
                }
            )
            for code in codes:
                indicator = indicators.REGISTRY[code]
                records.append(
                    {
                        "code": code,
                        "parent": group_code,
                        "level": 1,
                        "kind": NodeKind.INDICATOR,
                        "name": {"en": str(indicator.name), "zh-hans": CHINESE_NAMES.get(code, "")},
                        "unit": str(indicator.unit),
                        "direction": indicator.direction,
                        "weight": 1.0,
                        "source": IndicatorSource.PLATFORM,
                    }
                )
    return records


def framework_records(framework: Framework) -> list[dict[str, Any]]:
    """A stored framework as plain records (what a run snapshots)."""
    nodes = framework.nodes.select_related("parent").order_by("position", "pk")
    return [
        {
            "code": node.code,
            "parent": node.parent.code if node.parent else None,
            "level": node.level,
            "kind": node.kind,
            "name": node.name,
            "unit": node.unit,
            "direction": node.direction,
            "weight": node.weight,
            "denominator": node.denominator or None,
            "source": node.source,
            "target": node.target,
        }
        for node in nodes
    ]


def to_coin(records: list[dict[str, Any]]) -> coin.Framework:
    """The engine's framework from records; raises :class:`coin.FrameworkError` subclasses when malformed."""
    return coin.Framework.from_records(
        [
            {
                "code": record["code"],
                "parent": record.get("parent"),
                "level": record.get("level"),
                "weight": record.get("weight", 1.0),
                "name": record.get("name") or {},
                "indicator": record.get("kind") == NodeKind.INDICATOR,
                "direction": record.get("direction", 1),
                "unit": record.get("unit") or "",
                "denominator": record.get("denominator"),
                "source": record.get("source") or "",
                "target": record.get("target"),
            }
            for record in records
        ]
    )


def create_nodes(framework: Framework, records: list[dict[str, Any]]) -> list[FrameworkNode]:
    """Write records as nodes (parents before children, whatever order they come in)."""
    by_code: dict[str, FrameworkNode] = {}
    pending = list(enumerate(records))
    while pending:
        progressed = False
        for item in list(pending):
            position, record = item
            parent_code = record.get("parent")
            if parent_code and parent_code not in by_code:
                continue
            by_code[record["code"]] = FrameworkNode.objects.create(
                framework=framework,
                code=record["code"],
                parent=by_code.get(parent_code) if parent_code else None,
                level=int(record.get("level") or 1),
                kind=record.get("kind") or NodeKind.INDICATOR,
                name=record.get("name") or {},
                unit=record.get("unit") or "",
                direction=int(record.get("direction") or 1),
                weight=float(record.get("weight", 1.0)),
                denominator=record.get("denominator") or "",
                source=record.get("source") or "",
                target=record.get("target"),
                position=position,
            )
            pending.remove(item)
            progressed = True
        if not progressed:
            codes = ", ".join(record["code"] for _, record in pending)
            message = _("These nodes' parents never appear (a cycle or a missing parent): {codes}.")
            raise coin.CycleError(message.format(codes=codes), codes=codes)
    return list(by_code.values())
