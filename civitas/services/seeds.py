"""Reference data: the catalogue's categories and services, the holiday calendar, the 1+N network.

Used by the data migration (with historical models from `apps`) and by synthetic data. The catalogue
texts are summaries written for this project from public descriptions of Yiwu's 义境 services and the
laws cited in each entry; they are content, editable by staff, not legal advice.
Holidays: State Council notices 国办发明电〔2024〕12号 (2025) and 国务院办公厅 2025-11-04 (2026).
"""

from __future__ import annotations

import datetime
from typing import Any

from civitas.services.texts import search_text


def T(zh: str, en: str, ar: str = "", ru: str = "") -> dict[str, str]:
    return {k: v for k, v in (("zh-hans", zh), ("en", en), ("ar", ar), ("ru", ru)) if v}


def TL(zh: list[str], en: list[str], ar: list[str] | None = None, ru: list[str] | None = None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"zh-hans": zh, "en": en}
    if ar:
        out["ar"] = ar
    if ru:
        out["ru"] = ru
    return out


CATEGORIES = [
    ("live", 1, T("生活居住", "Living", "المعيشة والسكن", "Проживание")),
    ("work", 2, T("工作就业", "Work", "العمل", "Работа")),
    ("trade", 3, T("经商贸易", "Trade and business", "التجارة والأعمال", "Торговля и бизнес")),
    ("travel", 4, T("出入境与交通", "Travel and entry", "السفر والدخول", "Въезд и транспорт")),
    ("family", 5, T("家庭教育医疗", "Family, school and health", "الأسرة والتعليم والصحة", "Семья, учёба и здоровье")),
]

PASSPORT_UPLOAD = {
    "code": "passport",
    "required": True,
    "types": ["pdf", "jpg", "png"],
    "max_mb": 5,
    "label": T("护照资料页", "Passport photo page", "صفحة بيانات جواز السفر", "Страница паспорта с фото"),
}
PHOTO_UPLOAD = {
    "code": "photo",
    "required": True,
    "types": ["jpg", "png"],
    "max_mb": 2,
    "label": T("近期证件照", "Recent passport photo", "صورة شخصية حديثة", "Недавняя фотография"),
}


def _field(
    name: str, kind: str, required: bool, label: dict[str, str], choices: list[Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": kind, "required": required, "label": label}
    if choices:
        out["choices"] = choices
    return out


POLICE = T(
    "义乌市公安局出入境管理大队",
    "Yiwu Public Security Bureau, Exit-Entry Administration",
    "مكتب الأمن العام في ييوو، إدارة الدخول والخروج",
    "Управление въезда и выезда УОБ г. Иу",
)
CENTRE_WHERE = T(
    "义乌市国际贸易服务中心（福田路，1号服务中心）及各社区外籍人员服务站",
    "Yiwu International Trade Service Centre (Futian Road) and the community service stations",
    "مركز خدمات التجارة الدولية في ييوو (طريق فوتيان) ومحطات الخدمة في الأحياء",
    "Центр услуг международной торговли Иу (ул. Футянь) и районные станции обслуживания",
)

SERVICES: list[dict[str, Any]] = [
    {
        "code": "accommodation-registration",
        "category": "live",
        "kind": "online",
        "order": 1,
        "time_limit_days": 1,
        "baseline_days": 3,
        "name": T("境外人员住宿登记", "Accommodation registration", "تسجيل السكن", "Регистрация по месту пребывания"),
        "summary": T(
            "外国人在宾馆以外居住的，应当在入住后24小时内向居住地公安机关办理住宿登记。",
            "Foreigners staying anywhere other than a hotel must register their address with the local "
            "police within 24 hours of moving in.",
            "يجب على الأجانب الذين يقيمون خارج الفنادق تسجيل عنوانهم لدى الشرطة المحلية خلال 24 ساعة من الانتقال.",
            "Иностранцы, проживающие не в гостинице, регистрируют адрес в полиции в течение 24 часов после заселения.",
        ),
        "eligibility": T(
            "在义乌租房或借住的外国人（或其房东代为申报）。",
            "Foreigners renting or staying with friends in " "Yiwu (or their landlord on their behalf).",
            "الأجانب المستأجرون أو المقيمون لدى أصدقاء في ييوو (أو المالك نيابة عنهم).",
            "Иностранцы, снимающие жильё или живущие у знакомых в Иу (или арендодатель за них).",
        ),
        "department": POLICE,
        "documents_needed": TL(
            ["护照", "租赁合同或房屋证明"],
            ["Passport", "Tenancy contract or proof of address"],
            ["جواز السفر", "عقد الإيجار أو إثبات العنوان"],
            ["Паспорт", "Договор аренды или подтверждение адреса"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T("《出境入境管理法》第三十九条", "Exit and Entry Administration Law, art. 39"),
        "where_to_go": T(
            "居住地派出所，或扫房东二维码在线申报",
            "The local police station, or online by scanning the " "landlord's code",
            "مركز الشرطة المحلي، أو عبر الإنترنت بمسح رمز المالك",
            "Местный полицейский участок или онлайн по QR-коду арендодателя",
        ),
        "form_fields": [
            _field("move_in", "date", True, T("入住日期", "Date you moved in", "تاريخ الانتقال", "Дата заселения")),
            _field("address", "text", True, T("居住地址", "Address", "العنوان", "Адрес")),
        ],
        "upload_specs": [PASSPORT_UPLOAD],
    },
    {
        "code": "visa-extension",
        "category": "travel",
        "kind": "online",
        "order": 1,
        "time_limit_days": 7,
        "baseline_days": 15,
        "name": T("签证延期", "Visa stay extension", "تمديد الإقامة بالتأشيرة", "Продление срока пребывания по визе"),
        "summary": T(
            "需要延长签证停留期的，应当在签证注明的停留期届满七日前提出申请。",
            "Apply at least 7 days before the permitted stay on your visa ends.",
            "قدّم الطلب قبل 7 أيام على الأقل من انتهاء مدة الإقامة المسموح بها في التأشيرة.",
            "Подайте заявление не позднее чем за 7 дней до окончания разрешённого срока пребывания.",
        ),
        "eligibility": T(
            "持有效签证、有正当理由需延长停留的外国人。",
            "Visa holders with a good reason to stay longer.",
            "حاملو التأشيرات الذين لديهم سبب وجيه للبقاء مدة أطول.",
            "Владельцы виз с обоснованной причиной продлить пребывание.",
        ),
        "department": POLICE,
        "documents_needed": TL(
            ["护照及有效签证", "照片", "住宿登记证明", "延期理由证明（邀请函等）"],
            [
                "Passport with valid visa",
                "Photo",
                "Accommodation registration",
                "Proof of the reason (invitation letter etc.)",
            ],
            ["جواز السفر مع تأشيرة سارية", "صورة", "إثبات تسجيل السكن", "إثبات السبب (خطاب دعوة وغيره)"],
            [
                "Паспорт с действующей визой",
                "Фотография",
                "Регистрация по месту пребывания",
                "Подтверждение причины (приглашение и т. п.)",
            ],
        ),
        "fees": T("160元", "CNY 160", "160 يوان", "160 юаней"),
        "legal_basis": T("《出境入境管理法》第二十九条", "Exit and Entry Administration Law, art. 29"),
        "where_to_go": CENTRE_WHERE,
        "form_fields": [
            _field(
                "visa_expiry",
                "date",
                True,
                T(
                    "签证停留期届满日",
                    "Last day of permitted stay",
                    "آخر يوم للإقامة المسموح بها",
                    "Последний день разрешённого пребывания",
                ),
            ),
            _field(
                "reason",
                "choice",
                True,
                T("延期理由", "Reason", "السبب", "Причина"),
                [
                    ["business", T("商务", "Business", "أعمال", "Бизнес")],
                    ["family", T("探亲", "Family visit", "زيارة عائلية", "Визит к семье")],
                    ["medical", T("就医", "Medical treatment", "علاج طبي", "Лечение")],
                ],
            ),
            _field(
                "days", "number", True, T("申请延长天数", "Days requested", "عدد الأيام المطلوبة", "Запрашиваемые дни")
            ),
        ],
        "upload_specs": [
            PASSPORT_UPLOAD,
            PHOTO_UPLOAD,
            {
                "code": "invitation",
                "required": False,
                "types": ["pdf", "jpg", "png"],
                "max_mb": 5,
                "label": T(
                    "邀请函或理由证明",
                    "Invitation letter or proof of reason",
                    "خطاب دعوة أو إثبات السبب",
                    "Приглашение или подтверждение причины",
                ),
            },
        ],
    },
    {
        "code": "residence-permit",
        "category": "live",
        "kind": "online",
        "order": 2,
        "time_limit_days": 15,
        "baseline_days": 15,
        "name": T(
            "外国人居留许可（申请与延期）",
            "Residence permit (new or extension)",
            "تصريح الإقامة (جديد أو تمديد)",
            "Вид на жительство (оформление или продление)",
        ),
        "summary": T(
            "入境后30日内申请居留证件；延期应在有效期届满30日前申请；公安机关15日内作出决定。",
            "Apply within 30 days of entry; extend at least 30 days before expiry. The police decide within 15 days.",
            "قدّم الطلب خلال 30 يوماً من الدخول، وجدّد قبل 30 يوماً على الأقل من الانتهاء. تقرر الشرطة خلال 15 يوماً.",
            "Подайте заявление в течение 30 дней после въезда; продление — не позднее чем за 30 дней до "
            "окончания. Решение — в течение 15 дней.",
        ),
        "eligibility": T(
            "在义乌工作、经商、学习或团聚的外国人。",
            "Foreigners working, trading, studying or joining family in Yiwu.",
            "الأجانب الذين يعملون أو يتاجرون أو يدرسون أو يلتحقون بأسرهم في ييوو.",
            "Иностранцы, работающие, торгующие, обучающиеся или воссоединяющиеся с семьёй в Иу.",
        ),
        "department": POLICE,
        "documents_needed": TL(
            ["护照", "照片", "住宿登记", "工作许可或营业执照等居留事由证明", "体检证明（首次）"],
            [
                "Passport",
                "Photo",
                "Accommodation registration",
                "Work permit, business licence or other proof of purpose",
                "Health certificate (first time)",
            ],
            ["جواز السفر", "صورة", "تسجيل السكن", "تصريح العمل أو الرخصة التجارية", "شهادة صحية (أول مرة)"],
            [
                "Паспорт",
                "Фотография",
                "Регистрация по месту пребывания",
                "Разрешение на работу или лицензия",
                "Медицинская справка (впервые)",
            ],
        ),
        "fees": T(
            "400–1000元，视有效期",
            "CNY 400–1,000 depending on validity",
            "400–1000 يوان حسب المدة",
            "400–1000 юаней в зависимости от срока",
        ),
        "legal_basis": T(
            "《出境入境管理法》第三十条、第三十二条", "Exit and Entry Administration Law, arts. 30 and 32"
        ),
        "where_to_go": CENTRE_WHERE,
        "form_fields": [
            _field(
                "purpose",
                "choice",
                True,
                T("居留事由", "Purpose", "الغرض", "Цель"),
                [
                    ["work", T("工作", "Work", "عمل", "Работа")],
                    ["trade", T("经商", "Trade", "تجارة", "Торговля")],
                    ["study", T("学习", "Study", "دراسة", "Учёба")],
                    ["family", T("团聚", "Family", "أسرة", "Семья")],
                ],
            ),
            _field(
                "current_expiry",
                "date",
                False,
                T(
                    "现居留许可到期日",
                    "Current permit expires",
                    "تاريخ انتهاء التصريح الحالي",
                    "Срок действия текущего разрешения",
                ),
            ),
        ],
        "upload_specs": [PASSPORT_UPLOAD, PHOTO_UPLOAD],
    },
    {
        "code": "work-permit",
        "category": "work",
        "kind": "online",
        "order": 1,
        "time_limit_days": 10,
        "baseline_days": 20,
        "name": T("外国人来华工作许可", "Work permit", "تصريح العمل", "Разрешение на работу"),
        "summary": T(
            "用人单位为外籍员工申请工作许可，受理后10个工作日内作出决定。",
            "Employers apply for their foreign staff; decided within 10 working days of acceptance.",
            "يقدّم صاحب العمل الطلب لموظفيه الأجانب، ويصدر القرار خلال 10 أيام عمل.",
            "Работодатель подаёт заявление за иностранного сотрудника; решение — в течение 10 рабочих дней.",
        ),
        "eligibility": T(
            "在义乌受聘的外国人及其用人单位。",
            "Foreigners employed in Yiwu and their employers.",
            "الأجانب العاملون في ييوو وأصحاب العمل.",
            "Иностранцы, нанятые в Иу, и их работодатели.",
        ),
        "department": T(
            "义乌市科学技术局（外国专家管理）",
            "Yiwu Science and Technology Bureau (foreign experts)",
            "مكتب العلوم والتكنولوجيا في ييوو",
            "Бюро науки и технологий г. Иу",
        ),
        "documents_needed": TL(
            ["护照", "学历证明", "无犯罪记录证明", "劳动合同", "体检证明"],
            [
                "Passport",
                "Degree certificate",
                "Criminal record certificate",
                "Employment contract",
                "Health certificate",
            ],
            ["جواز السفر", "شهادة المؤهل", "شهادة حسن السيرة", "عقد العمل", "شهادة صحية"],
            ["Паспорт", "Диплом", "Справка о несудимости", "Трудовой договор", "Медицинская справка"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T("《外国人在中国就业管理规定》", "Rules on the Employment of Foreigners in China"),
        "where_to_go": CENTRE_WHERE,
        "form_fields": [
            _field("employer", "text", True, T("用人单位", "Employer", "صاحب العمل", "Работодатель")),
            _field("position", "text", True, T("职位", "Position", "الوظيفة", "Должность")),
        ],
        "upload_specs": [
            PASSPORT_UPLOAD,
            {
                "code": "contract",
                "required": True,
                "types": ["pdf"],
                "max_mb": 10,
                "label": T("劳动合同", "Employment contract", "عقد العمل", "Трудовой договор"),
            },
        ],
    },
    {
        "code": "company-registration",
        "category": "trade",
        "kind": "online",
        "order": 1,
        "time_limit_days": 3,
        "baseline_days": 15,
        "name": T(
            "外商投资企业设立登记",
            "Company registration (foreign-invested)",
            "تسجيل شركة باستثمار أجنبي",
            "Регистрация компании с иностранным капиталом",
        ),
        "summary": T(
            "外国投资者在义乌设立贸易公司或代表处，材料齐全的3个工作日内办结。",
            "Set up a trading company or representative office; complete applications are done within 3 working days.",
            "تأسيس شركة تجارية أو مكتب تمثيلي؛ تُنجز الطلبات المكتملة خلال 3 أيام عمل.",
            "Открытие торговой компании или представительства; полные заявки — за 3 рабочих дня.",
        ),
        "eligibility": T("外国投资者。", "Foreign investors.", "المستثمرون الأجانب.", "Иностранные инвесторы."),
        "department": T(
            "义乌市市场监督管理局",
            "Yiwu Administration for Market Regulation",
            "إدارة تنظيم السوق في ييوو",
            "Управление по регулированию рынка г. Иу",
        ),
        "documents_needed": TL(
            ["投资者护照", "公司章程", "住所证明"],
            ["Investor's passport", "Articles of association", "Proof of business address"],
            ["جواز سفر المستثمر", "النظام الأساسي", "إثبات عنوان العمل"],
            ["Паспорт инвестора", "Устав", "Подтверждение адреса"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T(
            "《外商投资法》《市场主体登记管理条例》", "Foreign Investment Law; Regulation on Market Entity Registration"
        ),
        "where_to_go": CENTRE_WHERE,
        "form_fields": [
            _field(
                "company_name",
                "text",
                True,
                T("拟用公司名称", "Proposed company name", "اسم الشركة المقترح", "Предлагаемое название"),
            ),
            _field(
                "business_scope", "textarea", True, T("经营范围", "Business scope", "نطاق العمل", "Сфера деятельности")
            ),
        ],
        "upload_specs": [
            PASSPORT_UPLOAD,
            {
                "code": "articles",
                "required": True,
                "types": ["pdf"],
                "max_mb": 10,
                "label": T("公司章程", "Articles of association", "النظام الأساسي", "Устав"),
            },
        ],
    },
    {
        "code": "merchant-card",
        "category": "trade",
        "kind": "online",
        "order": 2,
        "time_limit_days": 5,
        "baseline_days": 10,
        "name": T(
            "外籍商友卡", "Foreign merchant card (外籍商友卡)", "بطاقة التاجر الأجنبي", "Карта иностранного торговца"
        ),
        "summary": T(
            "集护照和本地身份功能于一卡：乘公交、租自行车、图书馆、就医、银行、市场信用采购等约25个场景。",
            "One card with passport and local-ID functions for about 25 scenarios: buses, bike hire, "
            "libraries, hospitals, banks, market credit purchases and more.",
            "بطاقة واحدة تجمع وظائف جواز السفر والهوية المحلية لنحو 25 خدمة: الحافلات والدراجات والمكتبات "
            "والمستشفيات والبنوك والشراء بالائتمان في السوق.",
            "Одна карта с функциями паспорта и местного удостоверения примерно для 25 сценариев: автобусы, "
            "прокат велосипедов, библиотеки, больницы, банки, покупки на рынке в кредит.",
        ),
        "eligibility": T(
            "在义乌居住并完成住宿登记的外国商人。",
            "Foreign merchants living in Yiwu with a registered address.",
            "التجار الأجانب المقيمون في ييوو مع عنوان مسجل.",
            "Иностранные торговцы, проживающие в Иу с регистрацией.",
        ),
        "department": T(
            "义乌市外事办公室",
            "Yiwu Foreign Affairs Office",
            "مكتب الشؤون الخارجية في ييوو",
            "Канцелярия иностранных дел г. Иу",
        ),
        "documents_needed": TL(
            ["护照", "居留许可或签证", "住宿登记"],
            ["Passport", "Residence permit or visa", "Accommodation registration"],
            ["جواز السفر", "تصريح الإقامة أو التأشيرة", "تسجيل السكن"],
            ["Паспорт", "Вид на жительство или виза", "Регистрация по месту пребывания"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T("义乌市外籍商友卡管理办法", "Yiwu rules on the foreign merchant card"),
        "where_to_go": CENTRE_WHERE,
        "form_fields": [],
        "upload_specs": [PASSPORT_UPLOAD, PHOTO_UPLOAD],
    },
    {
        "code": "fx-account",
        "category": "trade",
        "kind": "information",
        "order": 3,
        "time_limit_days": 1,
        "baseline_days": 3,
        "name": T(
            "外汇账户开立", "Foreign-exchange bank account", "فتح حساب بالعملات الأجنبية", "Открытие валютного счёта"
        ),
        "summary": T(
            "持护照和商友卡可在义乌各银行网点开立个人外汇账户，办理跨境收付。",
            "Open a personal foreign-exchange account at any bank branch in Yiwu with your passport and "
            "merchant card, for cross-border payments.",
            "افتح حساباً شخصياً بالعملات الأجنبية في أي فرع بنكي في ييوو بجواز السفر وبطاقة التاجر.",
            "Откройте личный валютный счёт в любом отделении банка в Иу с паспортом и картой торговца.",
        ),
        "eligibility": T(
            "在义乌居住的外国人。",
            "Foreigners living in Yiwu.",
            "الأجانب المقيمون في ييوو.",
            "Иностранцы, живущие в Иу.",
        ),
        "department": T("各商业银行", "Commercial banks", "البنوك التجارية", "Коммерческие банки"),
        "documents_needed": TL(
            ["护照", "外籍商友卡或居留许可", "手机号码"],
            ["Passport", "Merchant card or residence permit", "Mobile phone number"],
            ["جواز السفر", "بطاقة التاجر أو تصريح الإقامة", "رقم الهاتف"],
            ["Паспорт", "Карта торговца или ВНЖ", "Номер телефона"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T("《个人外汇管理办法》", "Measures for Personal Foreign Exchange Administration"),
        "where_to_go": T("各银行网点", "Any bank branch", "أي فرع بنكي", "Любое отделение банка"),
    },
    {
        "code": "driving-licence",
        "category": "travel",
        "kind": "information",
        "order": 2,
        "time_limit_days": 1,
        "baseline_days": 5,
        "name": T(
            "境外驾驶证换领中国驾驶证",
            "Driving licence (exchange of a foreign licence)",
            "استبدال رخصة القيادة الأجنبية",
            "Обмен иностранного водительского удостоверения",
        ),
        "summary": T(
            "持有效境外驾驶证并居留3个月以上的，经科目一考试可换领中国驾驶证。",
            "Holders of a valid foreign licence with residence of more than 3 months can exchange it "
            "after passing the theory test.",
            "يمكن لحاملي رخصة أجنبية سارية مع إقامة تزيد على 3 أشهر استبدالها بعد اجتياز الاختبار النظري.",
            "Владельцы действующих иностранных прав с пребыванием более 3 месяцев могут обменять их после "
            "теоретического экзамена.",
        ),
        "eligibility": T(
            "持居留许可的外国人。",
            "Foreigners with a residence permit.",
            "الأجانب الحاصلون على تصريح إقامة.",
            "Иностранцы с видом на жительство.",
        ),
        "department": T(
            "金华市公安局交警支队义乌车管所",
            "Yiwu Vehicle Administration Office",
            "مكتب إدارة المركبات في ييوو",
            "Отдел регистрации транспорта г. Иу",
        ),
        "documents_needed": TL(
            ["护照及居留许可", "境外驾驶证及中文翻译", "体检证明", "照片"],
            [
                "Passport and residence permit",
                "Foreign licence with Chinese translation",
                "Medical certificate",
                "Photos",
            ],
            ["جواز السفر وتصريح الإقامة", "الرخصة الأجنبية مع ترجمة صينية", "شهادة طبية", "صور"],
            ["Паспорт и ВНЖ", "Иностранные права с переводом", "Медицинская справка", "Фотографии"],
        ),
        "fees": T("10元工本费", "CNY 10", "10 يوان", "10 юаней"),
        "legal_basis": T("《机动车驾驶证申领和使用规定》", "Provisions on Applying for and Using Driving Licences"),
        "where_to_go": T(
            "义乌车管所",
            "Yiwu Vehicle Administration Office",
            "مكتب إدارة المركبات في ييوو",
            "Отдел регистрации транспорта",
        ),
    },
    {
        "code": "school-enrolment",
        "category": "family",
        "kind": "information",
        "order": 1,
        "time_limit_days": 10,
        "baseline_days": 20,
        "name": T(
            "外籍子女入学", "School enrolment for children", "تسجيل الأطفال في المدارس", "Зачисление детей в школу"
        ),
        "summary": T(
            "外籍人员子女可申请就读义乌公办学校或国际学校；每年5–6月集中报名。",
            "Children of foreign residents may apply to public or international schools; registration "
            "is in May and June.",
            "يمكن لأطفال المقيمين الأجانب التقدم للمدارس الحكومية أو الدولية؛ التسجيل في مايو ويونيو.",
            "Дети иностранцев могут поступать в государственные или международные школы; запись — в мае и июне.",
        ),
        "eligibility": T(
            "持居留许可外国人的子女。",
            "Children of foreigners holding a residence permit.",
            "أبناء الأجانب الحاصلين على تصريح إقامة.",
            "Дети иностранцев с видом на жительство.",
        ),
        "department": T(
            "义乌市教育局", "Yiwu Education Bureau", "مكتب التعليم في ييوو", "Управление образования г. Иу"
        ),
        "documents_needed": TL(
            ["儿童护照及居留许可", "父母居留许可", "住宿登记", "疫苗接种证明"],
            [
                "Child's passport and residence permit",
                "Parents' residence permits",
                "Accommodation registration",
                "Vaccination record",
            ],
            ["جواز سفر الطفل وتصريح إقامته", "تصاريح إقامة الوالدين", "تسجيل السكن", "سجل التطعيم"],
            ["Паспорт и ВНЖ ребёнка", "ВНЖ родителей", "Регистрация", "Прививочный сертификат"],
        ),
        "fees": T(
            "公办学校免学费",
            "No tuition at public schools",
            "لا رسوم في المدارس الحكومية",
            "В государственных школах бесплатно",
        ),
        "legal_basis": T("《义务教育法》", "Compulsory Education Law"),
        "where_to_go": T(
            "义乌市教育局招生窗口",
            "Yiwu Education Bureau admissions desk",
            "مكتب القبول في مكتب التعليم",
            "Приёмная управления образования",
        ),
    },
    {
        "code": "hospital-registration",
        "category": "family",
        "kind": "information",
        "order": 2,
        "time_limit_days": 1,
        "baseline_days": 1,
        "name": T("医院挂号就医", "Hospital registration", "التسجيل في المستشفى", "Запись в больницу"),
        "summary": T(
            "凭护照或外籍商友卡在医院挂号；市中心医院设国际门诊，提供英语和阿拉伯语服务。",
            "Register at any hospital with your passport or merchant card; the central hospital has an "
            "international clinic with English and Arabic.",
            "سجّل في أي مستشفى بجواز السفر أو بطاقة التاجر؛ في المستشفى المركزي عيادة دولية بالإنجليزية والعربية.",
            "Запись в любую больницу по паспорту или карте торговца; в центральной больнице есть "
            "международная клиника с английским и арабским.",
        ),
        "eligibility": T("所有外国人。", "All foreigners.", "جميع الأجانب.", "Все иностранцы."),
        "department": T(
            "义乌市卫生健康局", "Yiwu Health Commission", "لجنة الصحة في ييوو", "Комитет здравоохранения г. Иу"
        ),
        "documents_needed": TL(
            ["护照或外籍商友卡"],
            ["Passport or merchant card"],
            ["جواز السفر أو بطاقة التاجر"],
            ["Паспорт или карта торговца"],
        ),
        "fees": T("按医疗收费标准", "Standard medical fees", "الرسوم الطبية المعتادة", "Обычные медицинские тарифы"),
        "legal_basis": T("—", "—"),
        "where_to_go": T(
            "义乌市中心医院国际门诊",
            "Yiwu Central Hospital, international clinic",
            "العيادة الدولية في مستشفى ييوو المركزي",
            "Международная клиника центральной больницы Иу",
        ),
    },
    {
        "code": "dispute-help",
        "category": "trade",
        "kind": "information",
        "order": 4,
        "time_limit_days": 30,
        "baseline_days": 45,
        "name": T(
            "涉外纠纷调解",
            "Help with a dispute (mediation)",
            "المساعدة في حل النزاعات (الوساطة)",
            "Помощь в споре (медиация)",
        ),
        "summary": T(
            "贸易、租房、劳务纠纷可申请涉外纠纷人民调解委员会免费调解，有外籍调解员（洋娘舅）参与。",
            "Trade, rent and labour disputes can go to the foreign-related mediation committee, free of "
            "charge, with foreign mediators (洋娘舅) taking part.",
            "يمكن عرض نزاعات التجارة والإيجار والعمل على لجنة الوساطة للشؤون الأجنبية مجاناً، بمشاركة وسطاء أجانب.",
            "Торговые, арендные и трудовые споры бесплатно рассматривает комитет по медиации с участием "
            "иностранных медиаторов.",
        ),
        "eligibility": T(
            "纠纷一方为外国人的。",
            "Disputes where one party is a foreigner.",
            "النزاعات التي يكون أحد أطرافها أجنبياً.",
            "Споры, где одна из сторон — иностранец.",
        ),
        "department": T(
            "义乌市涉外纠纷人民调解委员会",
            "Yiwu Foreign-related Dispute Mediation Committee",
            "لجنة الوساطة في النزاعات الأجنبية في ييوو",
            "Комитет по урегулированию споров с иностранцами г. Иу",
        ),
        "documents_needed": TL(
            ["身份证件", "合同、聊天记录、付款凭证等证据"],
            ["Identity document", "Evidence: contracts, messages, payment receipts"],
            ["وثيقة الهوية", "الأدلة: العقود والرسائل وإيصالات الدفع"],
            ["Документ личности", "Доказательства: договоры, переписка, квитанции"],
        ),
        "fees": T("免费", "Free", "مجاناً", "Бесплатно"),
        "legal_basis": T("《人民调解法》", "People's Mediation Law"),
        "where_to_go": CENTRE_WHERE,
    },
]

# (date, kind, name). Adjusted working weekend days are "workday".
HOLIDAYS: list[tuple[str, str, str]] = [
    ("2025-01-01", "holiday", "元旦"),
    *[(f"2025-01-{d}", "holiday", "春节") for d in (28, 29, 30, 31)],
    *[(f"2025-02-0{d}", "holiday", "春节") for d in (1, 2, 3, 4)],
    ("2025-01-26", "workday", "春节调休上班"),
    ("2025-02-08", "workday", "春节调休上班"),
    *[(f"2025-04-0{d}", "holiday", "清明节") for d in (4, 5, 6)],
    *[(f"2025-05-0{d}", "holiday", "劳动节") for d in (1, 2, 3, 4, 5)],
    ("2025-04-27", "workday", "劳动节调休上班"),
    ("2025-05-31", "holiday", "端午节"),
    ("2025-06-01", "holiday", "端午节"),
    ("2025-06-02", "holiday", "端午节"),
    *[(f"2025-10-0{d}", "holiday", "国庆节、中秋节") for d in range(1, 9)],
    ("2025-09-28", "workday", "国庆节调休上班"),
    ("2025-10-11", "workday", "国庆节调休上班"),
    ("2026-01-01", "holiday", "元旦"),
    ("2026-01-02", "holiday", "元旦"),
    ("2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "workday", "元旦调休上班"),
    *[(f"2026-02-{d}", "holiday", "春节") for d in range(15, 24)],
    ("2026-02-14", "workday", "春节调休上班"),
    ("2026-02-28", "workday", "春节调休上班"),
    *[(f"2026-04-0{d}", "holiday", "清明节") for d in (4, 5, 6)],
    *[(f"2026-05-0{d}", "holiday", "劳动节") for d in (1, 2, 3, 4, 5)],
    ("2026-05-09", "workday", "劳动节调休上班"),
    ("2026-06-19", "holiday", "端午节"),
    ("2026-06-20", "holiday", "端午节"),
    ("2026-06-21", "holiday", "端午节"),
    ("2026-09-25", "holiday", "中秋节"),
    ("2026-09-26", "holiday", "中秋节"),
    ("2026-09-27", "holiday", "中秋节"),
    *[(f"2026-10-0{d}", "holiday", "国庆节") for d in range(1, 8)],
    ("2026-09-20", "workday", "国庆节调休上班"),
    ("2026-10-10", "workday", "国庆节调休上班"),
]

EN_AR = ["zh-hans", "en", "ar"]
POINTS: list[dict[str, Any]] = [
    {
        "code": "centre",
        "kind": "centre",
        "division_code": "330782",
        "languages": ["zh-hans", "en", "ar", "ru"],
        "name": T(
            "义乌市国际贸易服务中心",
            "Yiwu International Trade Service Centre",
            "مركز ييوو لخدمات التجارة الدولية",
            "Центр услуг международной торговли Иу",
        ),
        "address": T("福田路100号", "100 Futian Road", "100 طريق فوتيان", "ул. Футянь, 100"),
        "hours": T(
            "周一至周五 8:30–17:00，周六 9:00–12:00",
            "Mon–Fri 8:30–17:00, Sat 9:00–12:00",
            "الاثنين–الجمعة 8:30–17:00، السبت 9:00–12:00",
            "Пн–Пт 8:30–17:00, Сб 9:00–12:00",
        ),
    },
    {
        "code": "choucheng",
        "kind": "station",
        "division_code": "330782001",
        "languages": EN_AR,
        "name": T(
            "稠城街道外籍人员服务站",
            "Choucheng foreigners' service station",
            "محطة خدمة الأجانب في تشوتشنغ",
            "Станция обслуживания иностранцев Чоучэн",
        ),
        "address": T(
            "稠城街道香溪社区服务中心一楼",
            "Xiangxi community centre, ground floor, Choucheng",
            "مركز حي شيانغشي، الطابق الأرضي، تشوتشنغ",
            "Общественный центр Сянси, 1 этаж, Чоучэн",
        ),
        "hours": T("周一至周五 9:00–17:00", "Mon–Fri 9:00–17:00", "الاثنين–الجمعة 9:00–17:00", "Пн–Пт 9:00–17:00"),
    },
    {
        "code": "futian-market",
        "kind": "station",
        "division_code": "330782001",
        "languages": EN_AR,
        "name": T(
            "国际商贸城服务站",
            "International Trade City station",
            "محطة مدينة التجارة الدولية",
            "Станция Международного торгового города",
        ),
        "address": T(
            "国际商贸城一区东门",
            "Trade City district 1, east gate",
            "مدينة التجارة، المنطقة 1، البوابة الشرقية",
            "Торговый город, зона 1, восточный вход",
        ),
        "hours": T("每天 9:00–17:00", "Daily 9:00–17:00", "يومياً 9:00–17:00", "Ежедневно 9:00–17:00"),
    },
    {
        "code": "fotang",
        "kind": "station",
        "division_code": "330782100",
        "languages": ["zh-hans", "en"],
        "name": T(
            "佛堂镇外籍人员服务站",
            "Fotang foreigners' service station",
            "محطة خدمة الأجانب في فوتانغ",
            "Станция обслуживания иностранцев Фотан",
        ),
        "address": T(
            "佛堂镇便民服务中心", "Fotang town service hall", "قاعة خدمات بلدة فوتانغ", "Сервисный зал посёлка Фотан"
        ),
        "hours": T("周一至周五 9:00–16:30", "Mon–Fri 9:00–16:30", "الاثنين–الجمعة 9:00–16:30", "Пн–Пт 9:00–16:30"),
    },
]
POINT_SERVICES = {
    "centre": None,  # all services
    "choucheng": ["accommodation-registration", "visa-extension", "residence-permit", "merchant-card", "dispute-help"],
    "futian-market": ["merchant-card", "fx-account", "company-registration", "dispute-help"],
    "fotang": ["accommodation-registration", "merchant-card", "hospital-registration"],
}


def seed_catalogue(apps: Any = None) -> None:
    """Create or update categories, services, holidays and service points (idempotent)."""
    get = (lambda name: apps.get_model("services", name)) if apps is not None else _current_model
    Category, Service, Holiday, Point = (get(n) for n in ("ServiceCategory", "Service", "Holiday", "ServicePoint"))
    cats = {}
    for code, order, names in CATEGORIES:
        cats[code], _ = Category.objects.update_or_create(code=code, defaults={"names": names, "order": order})
    for spec in SERVICES:
        fields = {k: v for k, v in spec.items() if k not in ("code", "category")}
        obj = Service.objects.filter(code=spec["code"]).first() or Service(code=spec["code"])
        obj.category = cats[spec["category"]]
        for k, v in fields.items():
            setattr(obj, k, v)
        for field, lang in zip(
            ("search_zh", "search_en", "search_ar", "search_ru"), ("zh-hans", "en", "ar", "ru"), strict=True
        ):
            setattr(obj, field, search_text(obj, lang))
        obj.save()
    for day, kind, name in HOLIDAYS:
        Holiday.objects.update_or_create(date=datetime.date.fromisoformat(day), defaults={"kind": kind, "name": name})
    all_services = list(Service.objects.all())
    for spec in POINTS:
        point, _ = Point.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
        codes = POINT_SERVICES[spec["code"]]
        point.services.set([s for s in all_services if codes is None or s.code in codes])


def unseed_catalogue(apps: Any) -> None:
    apps.get_model("services", "ServicePoint").objects.filter(code__in=[p["code"] for p in POINTS]).delete()
    apps.get_model("services", "Holiday").objects.all().delete()
    apps.get_model("services", "Service").objects.filter(code__in=[s["code"] for s in SERVICES]).delete()
    apps.get_model("services", "ServiceCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


def _current_model(name: str) -> Any:
    from django.apps import apps as registry

    return registry.get_model("services", name)
