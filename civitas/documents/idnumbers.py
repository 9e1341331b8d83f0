"""Chinese resident identity numbers (GB 11643-1999) and HK/Macao/Taiwan residence-permit numbers.

Layout: digits 1-6 place of first registration, 7-14 birth date (YYYYMMDD), 15-17 sequence (odd = male),
18 the ISO 7064 MOD 11-2 check character (``X`` for 10).

Policy: any place code whose first two digits are a province code is accepted. Place codes are never
checked against a current GB/T 2260 table, because people keep the code of their first registration for
life: Yiwu residents hold 330782, the pre-1988 county code 330725, 339007 and 332526, and some hold codes
created after their birth year. Prefixes 81/82/83 are the residence-permit numbers of Hong Kong, Macao and
Taiwan residents (same format). Length, characters, province, impossible dates, dates in the future or
before 1900 and check characters are all hard errors.

Messages never repeat the number's digits, so they can be logged.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.iso7064 import mod_11_2

from civitas.documents.errors import DocumentError, ErrorCode, local_today

FIELD = "id_number"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

Kind = Literal["resident", "hk", "macao", "taiwan"]

#: Province-level divisions (GB/T 2260 first two digits): code -> (Chinese name, English name).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Tibet"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
    "71": ("台湾省", "Taiwan"),
    "81": ("香港特别行政区", "Hong Kong"),
    "82": ("澳门特别行政区", "Macao"),
}

#: Residence-permit prefixes for Hong Kong, Macao and Taiwan residents -> kind.
PERMIT_PREFIXES: dict[str, Kind] = {"81": "hk", "82": "macao", "83": "taiwan"}

_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_CLEAN_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")  # ASCII only: what `clean_resident_id` returns upper-cased as is


@dataclass(frozen=True)
class ResidentId:
    """A parsed, valid identity number."""

    number: str
    place_code: str
    province_code: str
    birth_date: datetime.date
    sex: Literal["M", "F"]
    sequence: str
    kind: Kind

    @property
    def masked(self) -> str:
        return mask_resident_id(self.number)


def clean_resident_id(text: str) -> str:
    """Strip whitespace and upper-case a trailing ``x``."""
    if len(text or "") == 18 and _CLEAN_SHAPE.fullmatch(text):  # already clean (the usual case): skip stdnum
        return text.upper()
    return ric.compact(re.sub(r"\s+", "", text or ""))


def province_of(code: str) -> tuple[str, str] | None:
    """(Chinese, English) name of the province in the first two digits of ``code``, else None.

    Prefix 83 (Taiwan residents' residence permits) maps to Taiwan.
    """
    prefix = (code or "").strip()[:2]
    if prefix == "83":
        prefix = "71"
    return PROVINCES.get(prefix)


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 digits."""
    return mod_11_2.calc_check_digit(first17)


def find_resident_id_errors(text: str, today: datetime.date | None = None) -> list[DocumentError]:
    """Every rule the number breaks (empty list = valid). Stops early only when the shape is wrong."""
    return _checked(clean_resident_id(text), today)[0]


def _birth_date(number: str) -> datetime.date | None:
    """Digits 7-14 as a date (`stdnum.cn.ric.get_birth_date` on a clean number), None if not a calendar date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _checked(number: str, today: datetime.date | None) -> tuple[list[DocumentError], datetime.date | None]:
    """The errors of a cleaned number, and its birth date when digits 7-14 are one."""
    if len(number) != 18:
        return [DocumentError(FIELD, ErrorCode.ID_LENGTH, _("Identity number: it must have 18 characters."))], None
    if not _ID_SHAPE.fullmatch(number):
        return [
            DocumentError(
                FIELD,
                ErrorCode.ID_CHARACTERS,
                _("Identity number: the first 17 characters must be digits and the last a digit or X."),
            )
        ], None
    errors = []
    if province_of(number) is None:
        errors.append(
            DocumentError(
                FIELD,
                ErrorCode.ID_PROVINCE,
                _("Identity number: the first two digits are not a province or residence-permit code."),
            )
        )
    birth = _birth_date(number)
    if birth is None:
        errors.append(
            DocumentError(FIELD, ErrorCode.ID_DATE, _("Identity number: digits 7-14 are not a calendar date."))
        )
    else:
        today = today or local_today()
        if birth > today or birth < EARLIEST_BIRTH_DATE:
            errors.append(
                DocumentError(
                    FIELD,
                    ErrorCode.ID_DATE_RANGE,
                    format_lazy(
                        _("Identity number: the birth date must lie between {earliest} and today."),
                        earliest=EARLIEST_BIRTH_DATE.isoformat(),
                    ),
                )
            )
    if number[17] != check_character(number[:17]):
        errors.append(
            DocumentError(
                FIELD,
                ErrorCode.ID_CHECK_DIGIT,
                _("Identity number: the check character (18th) does not match (ISO 7064 MOD 11-2)."),
            )
        )
    return errors, birth


def parse_resident_id(text: str, today: datetime.date | None = None) -> ResidentId:
    """Parse and validate; raises the first :class:`DocumentError` found."""
    number = clean_resident_id(text)
    errors, birth = _checked(number, today)
    if errors or birth is None:  # (a number without errors has a calendar date in digits 7-14)
        raise errors[0]
    sequence = number[14:17]
    return ResidentId(
        number=number,
        place_code=number[:6],
        province_code=number[:2],
        birth_date=birth,
        sex="M" if int(sequence) % 2 else "F",
        sequence=sequence,
        kind=PERMIT_PREFIXES.get(number[:2], "resident"),
    )


def is_valid_resident_id(text: str, today: datetime.date | None = None) -> bool:
    return not find_resident_id_errors(text, today)


def mask_resident_id(number: str) -> str:
    """Keep the province and the last two characters: ``33**************3X``. Short input is masked entirely.

    The place code, birth date and sequence are all hidden: the birth date and home province are stored
    and shown elsewhere, so a mask that kept the place code and sequence (``330782********123X``) would let
    anyone who also sees the birth date rebuild the whole number.
    """
    value = clean_resident_id(number)
    if len(value) <= 6:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def make_resident_id(place_code: str, birth_date: datetime.date, sequence: int) -> str:
    """Build a valid 18-character number (for synthetic data). ``sequence`` 0-999, odd = male."""
    if not re.fullmatch(r"\d{6}", place_code) or province_of(place_code) is None:
        raise ValueError("place_code must be 6 digits starting with a province or permit prefix")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be between 0 and 999")
    first17 = f"{place_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
