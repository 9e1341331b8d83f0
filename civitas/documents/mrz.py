"""ICAO Doc 9303 machine-readable zones: parse and check TD1, TD2, TD3, MRV-A and MRV-B; build TD3/TD1.

Input: typed or pasted text. Lines may be separated by newlines or ``|``; whitespace inside a line is
dropped (copy-paste artefacts), lower case is upper-cased, a line shorter than its format is padded with
``<`` (typists omit trailing fillers), and a single line of 90, 88 or 72 characters is split.

Policies (decided, with reasons):
- Check digits: weights 7-3-1; ``0-9`` = value, ``A-Z`` = 10..35, ``<`` = 0.
- Issuing state / nationality: any 1-3 letters padded with ``<`` is accepted; there is no ISO 3166 table,
  so the ICAO specials (``D`` Germany, ``UTO`` Utopia, ``XXX`` unspecified, ``XXA/XXB/XXC`` stateless and
  refugees, ``UNO``/``INP`` organisations) and historic codes pass.
- Empty primary identifier (surname), e.g. ``<<ANNA<MARIA``: accepted, surname is ``""``.
- TD3 empty personal number: its check digit may be ``<`` or ``0``.
- TD1/TD2 long document numbers (more than 9 characters): check-digit position holds ``<``, the rest of
  the number and its check digit start the optional data, terminated by ``<``. The check digit is
  accepted if it matches the number without the filler (ICAO) or with it (Belgian BEL-BO-03003 specimen).
- Century: birth year YY greater than this year's YY is 19YY, otherwise 20YY; expiry is always 20YY
  (documents issued from 2000 on; a 1990s expiry therefore reads as 2090s - it is long expired anyway).
- An impossible date gives ``None`` and an error; expiry in the past is not an error here (callers decide).
- Field values drop fillers: ``D<<`` -> ``D``, ``P<`` -> ``P``, document number ``A2222222<`` ->
  ``A2222222``; ``<`` inside names becomes a space; sex is ``M``, ``F`` or ``X`` (``<`` = unspecified).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from civitas.documents.errors import DocumentError, ErrorCode, local_today

MrzFormat = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]

FIELD = "mrz"
_ALLOWED = re.compile(r"[A-Z0-9<]*")
_CODE = re.compile(r"[A-Z]{1,3}<*")
_WEIGHTS = (7, 3, 1)

FIELD_LABELS = {
    "document_number": _("document number"),
    "birth_date": _("birth date"),
    "expiry_date": _("expiry date"),
    "optional_data": _("personal number"),
    "composite": _("composite"),
}


@dataclass
class MrzResult:
    """A parsed MRZ. ``checks`` maps each check digit to its verdict; ``errors`` lists every broken rule."""

    format: MrzFormat
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: datetime.date | None
    sex: str
    expiry_date: datetime.date | None
    optional_data: str
    optional_data_2: str = ""
    checks: dict[str, bool] = field(default_factory=dict)
    errors: list[DocumentError] = field(default_factory=list)
    lines: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    def is_expired(self, today: datetime.date | None = None) -> bool | None:
        if self.expiry_date is None:
            return None
        return self.expiry_date < (today or local_today())


def _char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


def check_digit(data: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1) of ``data``."""
    total = sum(_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data.upper()))
    return str(total % 10)


# --- input normalisation -----------------------------------------------------------------------------

_SINGLE_LINE = {90: (30, 3), 88: (44, 2), 72: (36, 2)}


def normalise_mrz(text: str) -> tuple[str, ...]:
    """Split and clean pasted MRZ text into its lines; raises :class:`DocumentError` if no format fits."""
    parts = [re.sub(r"\s+", "", p) for p in re.split(r"[\r\n|]+", (text or "").upper())]
    lines = [p for p in parts if p]
    if len(lines) == 3 and all(len(line) <= 30 for line in lines):
        return tuple(line.ljust(30, "<") for line in lines)
    if len(lines) == 2 and all(len(line) <= 44 for line in lines):
        width = 44 if max(len(line) for line in lines) > 36 else 36
        return tuple(line.ljust(width, "<") for line in lines)
    joined = "".join(lines)
    if len(joined) in _SINGLE_LINE:
        width, count = _SINGLE_LINE[len(joined)]
        return tuple(joined[i * width : (i + 1) * width] for i in range(count))
    raise DocumentError(
        FIELD,
        ErrorCode.MRZ_FORMAT,
        _("MRZ: expected 3 lines of 30, or 2 lines of 36 or 44 characters."),
    )


# --- parsing -------------------------------------------------------------------------------------------


def _split_name(value: str) -> tuple[str, str]:
    value = value.rstrip("<")
    primary, _sep, secondary = value.partition("<<")
    return " ".join(p for p in primary.split("<") if p), " ".join(p for p in secondary.split("<") if p)


def _date(value: str, *, birth: bool, today: datetime.date) -> datetime.date | None:
    if not value.isdigit():
        return None
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:6])
    century = 1900 if birth and yy > today.year % 100 else 2000
    try:
        return datetime.date(century + yy, month, day)
    except ValueError:
        return None


class _Checker:
    def __init__(self) -> None:
        self.checks: dict[str, bool] = {}
        self.errors: list[DocumentError] = []

    def digit(self, name: str, data: str, digit: str, *, also: tuple[str, ...] = ()) -> None:
        ok = digit.isdigit() and digit in {check_digit(data), *(check_digit(d) for d in also)}
        self._record(name, ok)

    def record_empty_optional(self, data: str, digit: str) -> None:
        if data.strip("<") == "" and digit in "<0":
            self._record("optional_data", True)
        else:
            self.digit("optional_data", data, digit)

    def _record(self, name: str, ok: bool) -> None:
        self.checks[name] = ok
        if not ok:
            self.errors.append(
                DocumentError(
                    name,
                    ErrorCode.MRZ_CHECK_DIGIT,
                    format_lazy(
                        _("MRZ {field}: the check digit does not match (ICAO 9303, weights 7-3-1)."),
                        field=FIELD_LABELS[name],
                    ),
                )
            )

    def error(self, name: str, code: ErrorCode, message: object) -> None:
        self.errors.append(DocumentError(name, code, message))


def _document_number(number9: str, digit: str, optional: str, chk: _Checker) -> tuple[str, str]:
    """Document number and the remaining optional data, handling the long (>9) form of TD1/TD2."""
    if digit == "<" and optional[:1] not in ("", "<"):
        end = optional.find("<")
        end = len(optional) if end < 0 else end
        overflow, long_digit = optional[: end - 1], optional[end - 1]
        number = number9 + overflow
        chk.digit("document_number", number, long_digit, also=(number9 + "<" + overflow,))
        return number, optional[end + 1 :]
    chk.digit("document_number", number9, digit)
    return number9.rstrip("<"), optional


def _code(value: str, name: str, chk: _Checker) -> str:
    if not _CODE.fullmatch(value):
        chk.error(name, ErrorCode.MRZ_CODE, _("MRZ: a state or nationality code must be 1-3 letters."))
    return value.rstrip("<")


def _sex(value: str, chk: _Checker) -> str:
    if value not in ("M", "F", "X", "<"):
        chk.error("sex", ErrorCode.MRZ_SEX, _("MRZ sex: must be M, F, X or <."))
        return value
    return "X" if value == "<" else value


def _dates(birth: str, expiry: str, chk: _Checker, today: datetime.date) -> tuple[datetime.date | None, ...]:
    birth_date = _date(birth, birth=True, today=today)
    expiry_date = _date(expiry, birth=False, today=today)
    for name, value in (("birth_date", birth_date), ("expiry_date", expiry_date)):
        if value is None:
            chk.error(
                name,
                ErrorCode.MRZ_DATE,
                format_lazy(_("MRZ {field}: not a date in the form YYMMDD."), field=FIELD_LABELS[name]),
            )
    return birth_date, expiry_date


def _names(value: str, chk: _Checker) -> tuple[str, str]:
    if not re.fullmatch(r"[A-Z<]*", value):
        chk.error("name", ErrorCode.MRZ_CHARACTERS, _("MRZ name: only letters and < are allowed."))
    return _split_name(value)


def _format_of(lines: tuple[str, ...]) -> MrzFormat:
    visa = lines[0].startswith("V")
    if len(lines) == 3:
        return "TD1"
    if len(lines[0]) == 36:
        return "MRVB" if visa else "TD2"
    return "MRVA" if visa else "TD3"


def parse_mrz(text: str, today: datetime.date | None = None) -> MrzResult:
    """Parse an MRZ. Raises :class:`DocumentError` (field ``mrz``) only if no layout fits or characters are
    not MRZ characters; every other broken rule is listed in ``result.errors``."""
    lines = normalise_mrz(text)
    if not all(_ALLOWED.fullmatch(line) for line in lines):
        raise DocumentError(FIELD, ErrorCode.MRZ_CHARACTERS, _("MRZ: only A-Z, 0-9 and < are allowed."))
    today = today or local_today()
    fmt = _format_of(lines)
    chk = _Checker()
    if not lines[0][0].isalpha():
        chk.error("document_code", ErrorCode.MRZ_CODE, _("MRZ: the document code must start with a letter."))
    if fmt == "TD1":
        l1, l2, l3 = lines
        number, optional = _document_number(l1[5:14], l1[14], l1[15:30], chk)
        birth, expiry = _dates(l2[0:6], l2[8:14], chk, today)
        chk.digit("birth_date", l2[0:6], l2[6])
        chk.digit("expiry_date", l2[8:14], l2[14])
        chk.digit("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
        surname, given = _names(l3, chk)
        return MrzResult(
            format=fmt,
            document_code=l1[0:2].rstrip("<"),
            issuing_state=_code(l1[2:5], "issuing_state", chk),
            surname=surname,
            given_names=given,
            document_number=number,
            nationality=_code(l2[15:18], "nationality", chk),
            birth_date=birth,
            sex=_sex(l2[7], chk),
            expiry_date=expiry,
            optional_data=optional.rstrip("<"),
            optional_data_2=l2[18:29].rstrip("<"),
            checks=chk.checks,
            errors=chk.errors,
            lines=lines,
        )
    l1, l2 = lines
    optional = l2[28:]
    if fmt == "TD2":
        number, optional = _document_number(l2[0:9], l2[9], l2[28:35], chk)
    else:
        chk.digit("document_number", l2[0:9], l2[9])
        number = l2[0:9].rstrip("<")
    birth, expiry = _dates(l2[13:19], l2[21:27], chk, today)
    chk.digit("birth_date", l2[13:19], l2[19])
    chk.digit("expiry_date", l2[21:27], l2[27])
    if fmt == "TD3":
        optional = l2[28:42]
        chk.record_empty_optional(l2[28:42], l2[42])
        chk.digit("composite", l2[0:10] + l2[13:20] + l2[21:43], l2[43])
    elif fmt == "TD2":
        chk.digit("composite", l2[0:10] + l2[13:20] + l2[21:35], l2[35])
    surname, given = _names(l1[5:], chk)
    return MrzResult(
        format=fmt,
        document_code=l1[0:2].rstrip("<"),
        issuing_state=_code(l1[2:5], "issuing_state", chk),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=_code(l2[10:13], "nationality", chk),
        birth_date=birth,
        sex=_sex(l2[20], chk),
        expiry_date=expiry,
        optional_data=optional.rstrip("<"),
        checks=chk.checks,
        errors=chk.errors,
        lines=lines,
    )


def looks_like_mrz(text: str) -> bool:
    """Cheap test used by the bulk checker: fillers present, or long enough to be an MRZ."""
    compact = re.sub(r"[\s|]+", "", text or "")
    return "<" in compact or len(compact) >= 60


# --- building ------------------------------------------------------------------------------------------

_SPECIAL_LETTERS = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Æ": "AE", "Ø": "OE", "Å": "AA", "Þ": "TH"}


def mrz_text(value: str) -> str:
    """Latin text as MRZ characters: accents dropped, spaces and hyphens -> ``<``, apostrophes removed.

    Raises ValueError for characters with no MRZ form (transliterate Chinese names to pinyin first)."""
    value = "".join(_SPECIAL_LETTERS.get(c, c) for c in value.strip().upper())
    value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    value = re.sub(r"['’.]", "", value)
    value = re.sub(r"[\s,\-]+", "<", value)
    if not _ALLOWED.fullmatch(value):
        raise ValueError(f"cannot be written in an MRZ: {value!r}")
    return value


def _pad(value: str, width: int, what: str) -> str:
    if len(value) > width:
        raise ValueError(f"{what} is longer than {width} characters")
    return value.ljust(width, "<")


def _name_field(surname: str, given_names: str, width: int) -> str:
    name = mrz_text(surname) + "<<" + mrz_text(given_names)
    return name[:width].ljust(width, "<")


def _state(code: str) -> str:
    code = mrz_text(code)
    if not re.fullmatch(r"[A-Z]{1,3}", code):
        raise ValueError("a state code is 1-3 letters")
    return code.ljust(3, "<")


def _sex_char(sex: str) -> str:
    sex = (sex or "<").upper()
    if sex not in ("M", "F", "X", "<"):
        raise ValueError("sex must be M, F or X")
    return "<" if sex == "X" else sex


def _with_digit(value: str) -> str:
    return value + check_digit(value)


def make_td3(
    *,
    document_number: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: datetime.date,
    sex: str,
    expiry_date: datetime.date,
    issuing_state: str | None = None,
    personal_number: str = "",
    document_code: str = "P",
) -> tuple[str, str]:
    """Build the two 44-character lines of a passport MRZ with all check digits."""
    line1 = _pad(mrz_text(document_code), 2, "document code") + _state(issuing_state or nationality)
    line1 += _name_field(surname, given_names, 39)
    number = _with_digit(_pad(mrz_text(document_number), 9, "document number"))
    birth = _with_digit(f"{birth_date:%y%m%d}")
    expiry = _with_digit(f"{expiry_date:%y%m%d}")
    personal = _with_digit(_pad(mrz_text(personal_number), 14, "personal number"))
    body = number + _state(nationality) + birth + _sex_char(sex) + expiry + personal
    composite = check_digit(number + birth + expiry + personal)
    return line1, body + composite


def make_td1(
    *,
    document_number: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: datetime.date,
    sex: str,
    expiry_date: datetime.date,
    issuing_state: str | None = None,
    optional_data: str = "",
    optional_data_2: str = "",
    document_code: str = "I",
) -> tuple[str, str, str]:
    """Build the three 30-character lines of an ID-card MRZ; numbers over 9 characters use the long form."""
    number = mrz_text(document_number)
    optional = mrz_text(optional_data)
    if len(number) > 9:
        head = number[:9] + "<"
        optional = number[9:] + check_digit(number) + "<" + optional
    else:
        head = _with_digit(_pad(number, 9, "document number"))
    line1 = _pad(mrz_text(document_code), 2, "document code") + _state(issuing_state or nationality)
    line1 += head + _pad(optional, 15, "optional data")
    birth = _with_digit(f"{birth_date:%y%m%d}")
    expiry = _with_digit(f"{expiry_date:%y%m%d}")
    line2 = birth + _sex_char(sex) + expiry + _state(nationality)
    line2 += _pad(mrz_text(optional_data_2), 11, "optional data 2")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1, line2, _name_field(surname, given_names, 30)
