"""Name material for a synthetic Yiwu: Chinese names with pinyin, foreigners' names in two scripts."""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin

# Common surnames nationally, and ones frequent among Yiwu's own families (楼 骆 傅 龚 金 吴 陈 王).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
YIWU_SURNAMES = "楼骆傅龚金吴陈王朱何虞鲍贾方冯"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏宇浩然欣怡子涵梓轩佳琪雨萱"
    "晨阳嘉豪思远俊杰婷雪梅海燕志强春燕晓东丹丹亮斌凯琳倩颖博文"
)

FOREIGN_NAMES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    # nationality: ((surname latin, native), ...), ((given latin, native), ...)
    "arabic": (
        (
            ("AL-HASHIMI", "الهاشمي"),
            ("HASSAN", "حسن"),
            ("SAEED", "سعيد"),
            ("MANSOUR", "منصور"),
            ("AL-AHMADI", "الأحمدي"),
            ("KHALIL", "خليل"),
            ("IBRAHIM", "إبراهيم"),
            ("NASSER", "ناصر"),
        ),
        (
            ("AHMED", "أحمد"),
            ("MOHAMMED", "محمد"),
            ("OMAR", "عمر"),
            ("ALI", "علي"),
            ("FATIMA", "فاطمة"),
            ("YOUSEF", "يوسف"),
            ("KHALED", "خالد"),
            ("AISHA", "عائشة"),
            ("MAHMOUD", "محمود"),
            ("LAYLA", "ليلى"),
        ),
    ),
    "russian": (
        (
            ("IVANOV", "Иванов"),
            ("PETROV", "Петров"),
            ("SMIRNOV", "Смирнов"),
            ("KUZNETSOV", "Кузнецов"),
            ("POPOV", "Попов"),
            ("VOLKOV", "Волков"),
        ),
        (
            ("ALEKSEI", "Алексей"),
            ("DMITRII", "Дмитрий"),
            ("IVAN", "Иван"),
            ("SERGEI", "Сергей"),
            ("OLGA", "Ольга"),
            ("ANNA", "Анна"),
            ("NATALIA", "Наталья"),
        ),
    ),
    "korean": (
        (("KIM", "김"), ("LEE", "이"), ("PARK", "박"), ("CHOI", "최"), ("JUNG", "정")),
        (("MINJUN", "민준"), ("SEOYEON", "서연"), ("JIHO", "지호"), ("HAEUN", "하은")),
    ),
    "latin": (
        (
            ("OKAFOR", ""),
            ("ADEYEMI", ""),
            ("SHARMA", ""),
            ("KHAN", ""),
            ("SINGH", ""),
            ("AHMADZAI", ""),
            ("SILVA", ""),
            ("DIALLO", ""),
            ("YILMAZ", ""),
            ("NOVAK", ""),
        ),
        (
            ("CHINEDU", ""),
            ("AMINA", ""),
            ("RAHUL", ""),
            ("IMRAN", ""),
            ("PRIYA", ""),
            ("FARID", ""),
            ("JOAO", ""),
            ("MOUSSA", ""),
            ("EMRE", ""),
            ("GRACE", ""),
        ),
    ),
}

# Nationality → (weight, name group, languages spoken) for Yiwu's foreign residents.
NATIONALITIES: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "YEM": (0.14, "arabic", ("ar", "en")),
    "EGY": (0.09, "arabic", ("ar", "en")),
    "IND": (0.10, "latin", ("en", "hi")),
    "PAK": (0.08, "latin", ("ur", "en")),
    "AFG": (0.06, "latin", ("fa", "ps")),
    "IRQ": (0.06, "arabic", ("ar",)),
    "SYR": (0.06, "arabic", ("ar",)),
    "JOR": (0.04, "arabic", ("ar", "en")),
    "DZA": (0.03, "arabic", ("ar", "fr")),
    "SDN": (0.03, "arabic", ("ar",)),
    "RUS": (0.08, "russian", ("ru",)),
    "UKR": (0.02, "russian", ("ru", "uk")),
    "KAZ": (0.02, "russian", ("ru", "kk")),
    "KOR": (0.07, "korean", ("ko", "en")),
    "NGA": (0.06, "latin", ("en",)),
    "SEN": (0.02, "latin", ("fr", "wo")),
    "TUR": (0.02, "latin", ("tr", "en")),
    "BRA": (0.02, "latin", ("pt",)),
}


@cache
def pinyin_of(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))
