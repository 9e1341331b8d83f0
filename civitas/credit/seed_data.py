"""Version 1 of the two seeded schemes, as plain data (installed by migration 0002).

Frozen once released: a rule change is a NEW rule set with its own `effective_from` (see
docs/credit.md), never an edit here, so history keeps the rules it was scored under.
Sources: Yiting town's 12-point rules (yw.gov.cn 2021-03-29), Jinhua Chengdong (analogue: household
file, e-bike and escape-window items), Yiwu market credit 信用+服务 (stars, loans, rent, blacklist).
"""

from __future__ import annotations

import datetime
from typing import Any

LANDLORD_SCHEME = "landlord-12"
MERCHANT_SCHEME = "merchant-credit"
EFFECTIVE_FROM = datetime.date(2021, 1, 1)


def _t(zh: str, en: str, ar: str, ru: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en, "ar": ar, "ru": ru}


# code, points, cap (points, period) or None, mode, evidence required, description
LANDLORD_RULES: list[tuple[str, int, tuple[int, str] | None, str, bool, dict[str, str]]] = [
    (
        "helping_out",
        1,
        (3, "month"),
        "manual",
        False,
        _t(
            "协助开展宣传、巡逻、调解等工作",
            "Helped with publicity, patrols or mediation",
            "ساعد في التوعية أو الدوريات أو الوساطة",
            "Помощь в разъяснительной работе, патрулях или примирении",
        ),
    ),
    (
        "self_inspection_clean",
        1,
        None,
        "both",
        False,
        _t(
            "自查经核实无消防隐患",
            "Self-inspection verified free of fire hazards",
            "فحص ذاتي تم التحقق من خلوه من مخاطر الحريق",
            "Самопроверка подтвердила отсутствие пожарных рисков",
        ),
    ),
    (
        "smart_access",
        2,
        None,
        "manual",
        False,
        _t(
            "申请安装智能门禁",
            "Asked for smart access control to be installed",
            "طلب تركيب نظام دخول ذكي",
            "Заявка на установку умного контроля доступа",
        ),
    ),
    (
        "fraud_stopped",
        3,
        None,
        "manual",
        True,
        _t(
            "劝阻租客被诈骗",
            "Stopped a tenant from being defrauded",
            "منع مستأجراً من التعرض للاحتيال",
            "Предотвратил мошенничество в отношении жильца",
        ),
    ),
    (
        "tenant_undeclared",
        -2,
        None,
        "both",
        True,
        _t("未申报租客信息", "Did not declare a tenant", "لم يصرّح عن مستأجر", "Не зарегистрировал жильца"),
    ),
    (
        "tenant_late",
        -1,
        None,
        "automatic",
        False,
        _t(
            "租客信息申报超期",
            "Declared a tenant after the deadline",
            "صرّح عن مستأجر بعد انتهاء المهلة",
            "Зарегистрировал жильца с опозданием",
        ),
    ),
    (
        "false_information",
        -4,
        None,
        "both",
        True,
        _t("申报虚假信息", "Declared false information", "قدّم معلومات كاذبة", "Предоставил ложные сведения"),
    ),
    (
        "group_renting",
        -4,
        None,
        "both",
        True,
        _t(
            "群租、超员出租",
            "Let rooms to more people than allowed (group renting)",
            "أجّر لعدد أكبر من المسموح (سكن جماعي)",
            "Сдал комнаты сверх допустимого числа жильцов",
        ),
    ),
    (
        "household_file_incomplete",
        -4,
        None,
        "manual",
        True,
        _t(
            "出租户档案不完整",
            "Rental household file incomplete",
            "ملف الأسرة المستأجرة غير مكتمل",
            "Учётное дело арендного жилья неполное",
        ),
    ),
    (
        "household_file_missing",
        -12,
        None,
        "manual",
        True,
        _t(
            "未建立出租户档案",
            "No rental household file",
            "لا يوجد ملف للأسرة المستأجرة",
            "Учётное дело арендного жилья отсутствует",
        ),
    ),
    (
        "ebike_window_charging",
        -3,
        None,
        "manual",
        True,
        _t(
            "电动车飞线充电（从窗户拉线）",
            "E-bike charged by a cable run from a window",
            "شحن دراجة كهربائية بكابل من النافذة",
            "Зарядка электровелосипеда кабелем из окна",
        ),
    ),
    (
        "escape_window_blocked",
        -3,
        None,
        "manual",
        True,
        _t("逃生窗被封堵", "Escape window blocked", "نافذة الهروب مسدودة", "Эвакуационное окно заблокировано"),
    ),
    (
        "ebike_indoor_charging",
        -3,
        None,
        "both",
        True,
        _t(
            "电动车室内或楼道充电",
            "E-bike charged indoors or in an escape route",
            "شحن دراجة كهربائية داخل المبنى أو في ممر الهروب",
            "Зарядка электровелосипеда в помещении или на пути эвакуации",
        ),
    ),
    (
        "fire_hazard",
        -2,
        None,
        "both",
        True,
        _t(
            "存在消防安全隐患",
            "Fire-safety hazard found",
            "وُجد خطر على السلامة من الحريق",
            "Выявлено нарушение пожарной безопасности",
        ),
    ),
    (
        "foreigner_unregistered",
        -4,
        None,
        "both",
        True,
        _t(
            "境外人员未按时登记住宿",
            "Foreign tenant not registered within 24 hours",
            "مستأجر أجنبي لم يُسجَّل خلال 24 ساعة",
            "Иностранный жилец не зарегистрирован в течение 24 часов",
        ),
    ),
    (
        "rooms_unregistered_3plus",
        -6,
        None,
        "manual",
        True,
        _t(
            "一次检查发现3间以上出租房未登记",
            "Three or more rooms found unregistered at one check",
            "ثلاث غرف أو أكثر غير مسجلة في فحص واحد",
            "При одной проверке выявлены 3 и более незарегистрированные комнаты",
        ),
    ),
    (
        "agreement_breached",
        -2,
        None,
        "automatic",
        False,
        _t(
            "未履行调解协议",
            "Did not keep a mediation agreement",
            "لم يلتزم باتفاق الوساطة",
            "Не выполнил соглашение о примирении",
        ),
    ),
]

# code, min, max, consequences, description
LANDLORD_THRESHOLDS: list[tuple[str, int | None, int | None, list[str], dict[str, str]]] = [
    (
        "reminder",
        None,
        9,
        ["education_visit"],
        _t(
            "9分及以下：网格员上门提醒教育",
            "9 points or fewer: the grid worker visits to explain the rules",
            "9 نقاط أو أقل: يزورك عامل الشبكة لشرح القواعد",
            "9 баллов и меньше: сетевой работник разъяснит правила",
        ),
    ),
    (
        "training",
        None,
        6,
        ["mandatory_training"],
        _t(
            "6分及以下：参加房东培训",
            "6 points or fewer: mandatory landlord training",
            "6 نقاط أو أقل: تدريب إلزامي للمؤجرين",
            "6 баллов и меньше: обязательное обучение арендодателей",
        ),
    ),
    (
        "suspension",
        None,
        0,
        ["letting_suspended", "police_interview"],
        _t(
            "0分：暂停出租并约谈",
            "0 points: letting suspended and a police interview",
            "0 نقاط: وقف التأجير ومقابلة مع الشرطة",
            "0 баллов: сдача жилья приостановлена, беседа в полиции",
        ),
    ),
]

MERCHANT_RULES: list[tuple[str, int, tuple[int, str] | None, str, bool, dict[str, str]]] = [
    (
        "honest_trading_award",
        5,
        None,
        "manual",
        False,
        _t(
            "获评诚信经营户",
            "Named an honest trader",
            "حصل على لقب تاجر نزيه",
            "Признан добросовестным торговцем",
        ),
    ),
    (
        "tax_compliant_year",
        5,
        (5, "cycle"),
        "automatic",
        False,
        _t(
            "全年按时纳税",
            "Paid taxes on time all year",
            "دفع الضرائب في موعدها طوال العام",
            "Весь год платил налоги вовремя",
        ),
    ),
    (
        "quality_certified",
        3,
        None,
        "manual",
        True,
        _t(
            "商品通过质量认证",
            "Goods passed quality certification",
            "اجتازت البضائع شهادة الجودة",
            "Товары прошли сертификацию качества",
        ),
    ),
    (
        "dispute_settled_promptly",
        2,
        (6, "cycle"),
        "both",
        False,
        _t(
            "及时化解交易纠纷",
            "Settled a trade dispute promptly",
            "سوّى نزاعاً تجارياً بسرعة",
            "Быстро урегулировал торговый спор",
        ),
    ),
    (
        "volunteer_service",
        2,
        (4, "cycle"),
        "manual",
        False,
        _t(
            "参与市场志愿服务",
            "Volunteered for the market",
            "تطوع لخدمة السوق",
            "Участвовал в волонтёрской работе рынка",
        ),
    ),
    (
        "safety_hazard",
        -5,
        None,
        "both",
        True,
        _t(
            "经营场所存在安全隐患",
            "Safety hazard at the shop",
            "خطر على السلامة في المتجر",
            "Нарушение безопасности в магазине",
        ),
    ),
    (
        "agreement_breached",
        -10,
        None,
        "automatic",
        False,
        _t(
            "未履行调解协议",
            "Did not keep a mediation agreement",
            "لم يلتزم باتفاق الوساطة",
            "Не выполнил соглашение о примирении",
        ),
    ),
    (
        "complaint_upheld",
        -3,
        None,
        "both",
        True,
        _t(
            "消费投诉经查属实",
            "A customer complaint was upheld",
            "ثبتت صحة شكوى زبون",
            "Жалоба покупателя признана обоснованной",
        ),
    ),
    (
        "late_payment",
        -5,
        None,
        "both",
        True,
        _t(
            "拖欠货款",
            "Paid a supplier or buyer late",
            "تأخر في سداد المستحقات",
            "Просрочил оплату поставщику или покупателю",
        ),
    ),
    (
        "false_advertising",
        -10,
        None,
        "manual",
        True,
        _t("虚假宣传", "False advertising", "إعلان كاذب", "Недобросовестная реклама"),
    ),
    (
        "price_fraud",
        -10,
        None,
        "manual",
        True,
        _t("价格欺诈", "Price fraud", "احتيال في الأسعار", "Ценовое мошенничество"),
    ),
    (
        "unlicensed_operation",
        -15,
        None,
        "manual",
        True,
        _t("无照经营", "Trading without a licence", "ممارسة التجارة دون ترخيص", "Торговля без лицензии"),
    ),
    (
        "counterfeit_goods",
        -20,
        None,
        "manual",
        True,
        _t("销售假冒伪劣商品", "Sold counterfeit goods", "باع بضائع مقلدة", "Продавал контрафактные товары"),
    ),
]

# code, min, max, grade, stars, consequences, description
MERCHANT_GRADES: list[tuple[str, int | None, int | None, str, int | None, list[str], dict[str, str]]] = [
    (
        "grade_a",
        110,
        None,
        "A",
        5,
        ["fast_lane", "rent_discount", "cheaper_loans", "search_boost"],
        _t(
            "A级诚信商户：五星、绿色通道、租金优惠、低息贷款、搜索优先",
            "Grade A: five stars, fast-lane services, rent discount, cheaper loans, top search ranking",
            "الدرجة A: خمس نجوم، خدمات سريعة، خصم على الإيجار، قروض أرخص، أولوية في البحث",
            "Класс A: пять звёзд, ускоренное обслуживание, скидка на аренду, дешёвые кредиты, приоритет в поиске",
        ),
    ),
    (
        "grade_b",
        95,
        109,
        "B",
        4,
        ["fast_lane"],
        _t(
            "B级：四星、绿色通道",
            "Grade B: four stars, fast-lane services",
            "الدرجة B: أربع نجوم، خدمات سريعة",
            "Класс B: четыре звезды, ускоренное обслуживание",
        ),
    ),
    (
        "grade_c",
        80,
        94,
        "C",
        3,
        [],
        _t("C级：三星", "Grade C: three stars", "الدرجة C: ثلاث نجوم", "Класс C: три звезды"),
    ),
    (
        "grade_d",
        None,
        79,
        "D",
        1,
        ["higher_rent", "search_demotion", "closer_supervision"],
        _t(
            "D级：一星、租金上浮、搜索降权、重点监管",
            "Grade D: one star, higher rent, lower search ranking, closer supervision",
            "الدرجة D: نجمة واحدة، إيجار أعلى، ترتيب أدنى في البحث، رقابة أشد",
            "Класс D: одна звезда, повышенная аренда, понижение в поиске, усиленный надзор",
        ),
    ),
    (
        "blacklist",
        None,
        60,
        "",
        None,
        ["blacklist", "stall_review"],
        _t(
            "60分及以下：列入黑名单，重新审核摊位",
            "60 points or fewer: blacklisted, stall under review",
            "60 نقطة أو أقل: القائمة السوداء ومراجعة الكشك",
            "60 баллов и меньше: чёрный список, пересмотр места",
        ),
    ),
]


def install(apps: Any) -> None:
    """Create both schemes' version 1 if absent (idempotent; works with `apps.get_model`)."""
    scheme_model = apps.get_model("credit", "Scheme")
    rule_set_model = apps.get_model("credit", "RuleSet")
    rule_model = apps.get_model("credit", "Rule")
    threshold_model = apps.get_model("credit", "Threshold")

    def make(
        code: str,
        subject: str,
        name: dict[str, str],
        start: int,
        rules: list[Any],
        thresholds: list[dict[str, Any]],
    ) -> None:
        if scheme_model.objects.filter(code=code).exists():
            return
        scheme = scheme_model.objects.create(
            code=code, subject_type=subject, name=name, starting_balance=start, appeal_days=15
        )
        rs = rule_set_model.objects.create(
            scheme=scheme, version=1, effective_from=EFFECTIVE_FROM, status="enacted", note="seeded"
        )
        rule_model.objects.bulk_create(
            [
                rule_model(
                    rule_set=rs,
                    code=c,
                    points=p,
                    cap_points=cap[0] if cap else None,
                    cap_period=cap[1] if cap else "",
                    mode=mode,
                    evidence_required=ev,
                    description=d,
                )
                for c, p, cap, mode, ev, d in rules
            ]
        )
        threshold_model.objects.bulk_create([threshold_model(rule_set=rs, **t) for t in thresholds])

    make(
        LANDLORD_SCHEME,
        "landlord",
        _t(
            "房东十二分制",
            "Landlord 12-point scheme",
            "نظام النقاط الاثنتي عشرة للمؤجرين",
            "12-балльная система для арендодателей",
        ),
        12,
        LANDLORD_RULES,
        [
            {"code": c, "min_points": lo, "max_points": hi, "consequences": cons, "description": d}
            for c, lo, hi, cons, d in LANDLORD_THRESHOLDS
        ],
    )
    make(
        MERCHANT_SCHEME,
        "merchant",
        _t(
            "信用+服务（市场经营户信用）",
            "Merchant credit (credit + services)",
            "ائتمان التجار (الائتمان + الخدمات)",
            "Кредитный рейтинг торговцев («кредит + услуги»)",
        ),
        100,
        MERCHANT_RULES,
        [
            {
                "code": c,
                "min_points": lo,
                "max_points": hi,
                "grade": g,
                "stars": s,
                "consequences": cons,
                "description": d,
            }
            for c, lo, hi, g, s, cons, d in MERCHANT_GRADES
        ],
    )


def ensure_installed() -> None:
    """Install version 1 if missing (after a test flush, or on a database created without migrations)."""
    from django.apps import apps

    install(apps)


def uninstall(apps: Any) -> None:
    """Reverse of `install` while no ledger entry refers to the schemes."""
    scheme_model = apps.get_model("credit", "Scheme")
    rule_set_model = apps.get_model("credit", "RuleSet")
    codes = [LANDLORD_SCHEME, MERCHANT_SCHEME]
    rule_set_model.objects.filter(scheme__code__in=codes, version=1).delete()
    scheme_model.objects.filter(code__in=codes).delete()
