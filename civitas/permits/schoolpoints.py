"""School places for permit holders' children (积分入学): a points scheme kept as data, and allocation.

A :class:`PointsScheme` is built from a plain dict (stored as JSON), so a district changes its rules
without a code change. Scoring is gates first (all must pass), then basic + additional − deductions,
with the social-insurance rule as a basic line. Allocation is serial dictatorship by score: applicants
in descending score (ties by a published rule) each take their highest preference with room left.
Model-free; the defaults in :data:`DEFAULT_SCHEME_DATA` are analogues (see docs/domain), not Yiwu's rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

GATE_KINDS = ("min", "max", "true", "any_true", "in", "months_since")
ITEM_KINDS = ("flag", "choice", "per_unit", "per_year")
SECTIONS = ("basic", "additional", "deductions")
TIE_BREAK_KEYS = ("permit_date", "lottery")
INSURANCE_TYPES = ("pension", "medical", "unemployment", "work_injury", "maternity")

Facts = Mapping[str, Any]
Text = str | Promise

# Words for the fact names and values that appear in reasons and explanations (families read these);
# a name or value not listed is shown as it is stored in the scheme.
FACT_WORDS: dict[str, Text] = {
    "permit_continuous_since": _("permit held continuously since"),
    "job_in_district": _("a job in the district"),
    "insurance_in_district": _("social insurance in the district"),
    "insurance_periods": _("social insurance periods"),
    "housing": _("housing"),
    "parent_education": _("parent's education"),
    "municipal_honours": _("municipal or higher honours"),
    "credit_dishonest_record": _("a record of dishonesty"),
}
VALUE_WORDS: dict[str, Text] = {
    "owned": _("owned home"),
    "registered_rental": _("registered rental"),
    "college": _("college (大专)"),
    "bachelor_or_above": _("bachelor or above"),
    "pension": _("pension insurance"),
    "medical": _("medical insurance"),
    "unemployment": _("unemployment insurance"),
    "work_injury": _("work-injury insurance"),
    "maternity": _("maternity insurance"),
}


def fact_word(name: str) -> Text:
    return FACT_WORDS.get(name, name)


def value_word(value: Any) -> Text:
    if value is None or value == "":
        return _("none")
    return VALUE_WORDS.get(str(value), str(value)) if isinstance(value, str) else str(value)


def _join_words(names: Iterable[str]) -> Text:
    """Fact names as words, joined lazily so they render in the reader's language."""
    words = [fact_word(n) for n in names]
    return format_lazy(", ".join("{}" for _w in words), *words)


class SchemeError(ValueError):
    """The stored scheme or the applicant facts do not fit the expected shape."""


# --- dates and months -------------------------------------------------------------------------------


def _to_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SchemeError(format_lazy(_("{what} is not a date (YYYY-MM-DD): {value}"), what=what, value=value))


def _month_index(value: Any, what: str) -> int:
    """Months since year 0 for a 'YYYY-MM' string, an ISO date string or a date."""
    if isinstance(value, str) and len(value) == 7:
        value = value + "-01"
    day = _to_date(value, what)
    return day.year * 12 + day.month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 if ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(format_lazy(_("{what} must be a number, not {value}"), what=what, value=value))
    return float(value)


def _points_text(value: float) -> str:
    return f"{value:g}"


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateResult:
    code: str
    label: Text
    passed: bool
    facts: Mapping[str, Any]
    reason: Text


@dataclass(frozen=True)
class ScoreLine:
    section: str  # basic | additional | deductions
    code: str
    label: Text
    facts: Mapping[str, Any]
    points: float  # signed: deductions are negative
    explanation: Text


@dataclass(frozen=True)
class ScoreBreakdown:
    scheme_code: str
    gates: tuple[GateResult, ...]
    lines: tuple[ScoreLine, ...]
    basic: float
    additional: float
    deductions: float  # a positive amount, subtracted
    total: float

    @property
    def eligible(self) -> bool:
        return all(gate.passed for gate in self.gates)

    @property
    def failed_gates(self) -> tuple[GateResult, ...]:
        return tuple(gate for gate in self.gates if not gate.passed)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (texts rendered in the active language)."""
        return {
            "scheme": self.scheme_code,
            "eligible": self.eligible,
            "gates": [
                {
                    "code": g.code,
                    "label": str(g.label),
                    "passed": g.passed,
                    "facts": dict(g.facts),
                    "reason": str(g.reason),
                }
                for g in self.gates
            ],
            "lines": [
                {
                    "section": line.section,
                    "code": line.code,
                    "label": str(line.label),
                    "facts": dict(line.facts),
                    "points": line.points,
                    "explanation": str(line.explanation),
                }
                for line in self.lines
            ],
            "basic": self.basic,
            "additional": self.additional,
            "deductions": self.deductions,
            "total": self.total,
        }


# --- scheme parts ---------------------------------------------------------------------------------


def _check_keys(data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise SchemeError(format_lazy(_("{where}: unknown keys {keys}"), where=where, keys=", ".join(unknown)))


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if data.get(key) in (None, "", []):
        raise SchemeError(format_lazy(_("{where}: '{key}' is required"), where=where, key=key))
    return data[key]


def _drop_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, (), [], {})}


@dataclass(frozen=True)
class Gate:
    """A condition every applicant must meet before points count.

    kinds: ``min``/``max`` (numeric fact vs ``value``), ``true`` (fact truthy), ``any_true`` (one of
    ``facts`` truthy), ``in`` (fact among ``value``), ``months_since`` (date fact at least ``value``
    whole months before the application date ``as_of``).
    """

    code: str
    kind: str
    label: str = ""
    fact: str | None = None
    facts: tuple[str, ...] = ()
    value: Any = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gate:
        where = "gate {}".format(data.get("code", "?"))
        _check_keys(data, ("code", "kind", "label", "fact", "facts", "value"), where)
        kind = _require(data, "kind", where)
        if kind not in GATE_KINDS:
            raise SchemeError(format_lazy(_("{where}: unknown kind {kind}"), where=where, kind=kind))
        gate = cls(
            code=_require(data, "code", where),
            kind=kind,
            label=data.get("label", ""),
            fact=data.get("fact"),
            facts=tuple(data.get("facts", ())),
            value=data.get("value"),
        )
        if kind == "any_true":
            _require(data, "facts", where)
        else:
            _require(data, "fact", where)
        if kind in ("min", "max", "months_since"):
            _number(_require(data, "value", where), where)
        if kind == "in":
            object.__setattr__(gate, "value", tuple(_require(data, "value", where)))
        return gate

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return _drop_none(
            {
                "code": self.code,
                "kind": self.kind,
                "label": self.label or None,
                "fact": self.fact,
                "facts": list(self.facts),
                "value": value,
            }
        )

    def check(self, facts: Facts, as_of: date | None) -> GateResult:
        label = label_word(self.code, self.label)
        if self.kind == "any_true":
            used = {name: facts.get(name) for name in self.facts}
            passed = any(bool(v) for v in used.values())
            met = [name for name, v in used.items() if v]
            reason = (
                format_lazy(_("Met through: {facts}."), facts=_join_words(met))
                if passed
                else format_lazy(_("None of these holds: {facts}."), facts=_join_words(self.facts))
            )
            return GateResult(self.code, label, passed, used, reason)
        assert self.fact is not None
        actual = facts.get(self.fact)
        used = {self.fact: actual}
        if actual is None:
            reason = format_lazy(_("The fact '{fact}' is missing."), fact=fact_word(self.fact))
            return GateResult(self.code, label, False, used, reason)
        if self.kind == "months_since":
            if as_of is None:
                raise SchemeError(_("Gate needs the application date 'as_of'."))
            months = months_between(_to_date(actual, self.fact), as_of)
            used = {self.fact: actual, "as_of": as_of.isoformat(), "months": months}
            passed = months >= self.value
            reason = format_lazy(
                _("{months} whole months from {since} to {as_of}; at least {required} required."),
                months=months,
                since=actual,
                as_of=as_of.isoformat(),
                required=self.value,
            )
        elif self.kind in ("min", "max"):
            number = _number(actual, self.fact)
            passed = number >= self.value if self.kind == "min" else number <= self.value
            template = (
                _("{fact} is {actual}; at least {required} required.")
                if self.kind == "min"
                else _("{fact} is {actual}; at most {required} allowed.")
            )
            reason = format_lazy(template, fact=fact_word(self.fact), actual=actual, required=self.value)
        elif self.kind == "true":
            passed = bool(actual)
            reason = (
                format_lazy(_("{fact}: yes."), fact=fact_word(self.fact))
                if passed
                else format_lazy(_("{fact}: no."), fact=fact_word(self.fact))
            )
        else:  # in
            passed = actual in self.value
            reason = format_lazy(
                _("{fact} is {actual}; allowed: {allowed}."),
                fact=fact_word(self.fact),
                actual=value_word(actual),
                allowed=format_lazy(", ".join("{}" for _v in self.value), *[value_word(v) for v in self.value]),
            )
        return GateResult(self.code, label, passed, used, reason)


@dataclass(frozen=True)
class Item:
    """One points line. kinds:

    * ``flag``: ``points`` if the fact is truthy.
    * ``choice``: ``points_by_value[fact]`` (0 for values not listed).
    * ``per_unit``: ``points_per_unit`` × the numeric fact, capped at ``cap``.
    * ``per_year``: ``points_per_year`` × years, where the fact is a number of months or a date (months
      since it until ``as_of``); ``prorate`` "month" counts every month as 1/12 year, "year" whole
      years only; capped at ``cap``.
    """

    code: str
    kind: str
    fact: str
    label: str = ""
    points: float | None = None
    points_by_value: Mapping[str, float] = field(default_factory=dict)
    points_per_unit: float | None = None
    points_per_year: float | None = None
    prorate: str = "month"
    cap: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], section: str) -> Item:
        where = "{} item {}".format(section, data.get("code", "?"))
        _check_keys(
            data,
            (
                "code",
                "kind",
                "label",
                "fact",
                "points",
                "points_by_value",
                "points_per_unit",
                "points_per_year",
                "prorate",
                "cap",
            ),
            where,
        )
        kind = _require(data, "kind", where)
        if kind not in ITEM_KINDS:
            raise SchemeError(format_lazy(_("{where}: unknown kind {kind}"), where=where, kind=kind))
        needed = {
            "flag": "points",
            "choice": "points_by_value",
            "per_unit": "points_per_unit",
            "per_year": "points_per_year",
        }[kind]
        _require(data, needed, where)
        prorate = data.get("prorate", "month")
        if prorate not in ("month", "year"):
            raise SchemeError(format_lazy(_("{where}: prorate must be month or year"), where=where))
        by_value = {str(k): _number(v, where) for k, v in dict(data.get("points_by_value", {})).items()}
        numbers = {
            key: None if data.get(key) is None else _number(data[key], where)
            for key in ("points", "points_per_unit", "points_per_year", "cap")
        }
        return cls(
            code=_require(data, "code", where),
            kind=kind,
            fact=_require(data, "fact", where),
            label=data.get("label", ""),
            points_by_value=by_value,
            prorate=prorate,
            **numbers,
        )

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "code": self.code,
                "kind": self.kind,
                "label": self.label or None,
                "fact": self.fact,
                "points": self.points,
                "points_by_value": dict(self.points_by_value),
                "points_per_unit": self.points_per_unit,
                "points_per_year": self.points_per_year,
                "prorate": self.prorate if self.kind == "per_year" else None,
                "cap": self.cap,
            }
        )

    def _capped(self, raw: float) -> float:
        return raw if self.cap is None else min(raw, self.cap)

    def evaluate(self, facts: Facts, as_of: date | None) -> tuple[float, dict[str, Any], Text]:
        """Unsigned points, the facts used and an explanation."""
        actual = facts.get(self.fact)
        used: dict[str, Any] = {self.fact: actual}
        cap_note = "" if self.cap is None else _points_text(self.cap)
        if self.kind == "flag":
            points = float(self.points or 0) if actual else 0.0
            explanation = format_lazy(
                _("{fact}: {answer} → {points} points."),
                fact=fact_word(self.fact),
                answer=_("yes") if actual else _("no"),
                points=_points_text(points),
            )
            return points, used, explanation
        if self.kind == "choice":
            points = self.points_by_value.get(str(actual), 0.0) if actual is not None else 0.0
            return (
                points,
                used,
                format_lazy(
                    _("{fact} = {value} → {points} points."),
                    fact=fact_word(self.fact),
                    value=value_word(actual),
                    points=_points_text(points),
                ),
            )
        if self.kind == "per_unit":
            units = 0.0 if actual is None else _number(actual, self.fact)
            raw = units * float(self.points_per_unit or 0)
            points = self._capped(raw)
            return (
                points,
                used,
                format_lazy(
                    _("{units} × {rate} = {raw} points{cap}."),
                    units=_points_text(units),
                    rate=_points_text(self.points_per_unit or 0),
                    raw=_points_text(raw),
                    cap=format_lazy(_(", capped at {cap}"), cap=cap_note) if cap_note else "",
                ),
            )
        # per_year
        if actual is None:
            months = 0
        elif isinstance(actual, int | float) and not isinstance(actual, bool):
            months = int(actual)
        else:
            if as_of is None:
                raise SchemeError(_("Item needs the application date 'as_of'."))
            months = months_between(_to_date(actual, self.fact), as_of)
            used["as_of"] = as_of.isoformat()
        used["months"] = months
        years = months / 12 if self.prorate == "month" else float(months // 12)
        raw = years * float(self.points_per_year or 0)
        points = self._capped(raw)
        template = (
            _("{months} months ÷ 12 × {rate} points a year = {raw} points{cap}.")
            if self.prorate == "month"
            else _("{years} whole years of {months} months × {rate} points a year = {raw} points{cap}.")
        )
        return (
            points,
            used,
            format_lazy(
                template,
                months=months,
                years=int(years),
                rate=_points_text(self.points_per_year or 0),
                raw=_points_text(round(raw, 6)),
                cap=format_lazy(_(", capped at {cap}"), cap=cap_note) if cap_note else "",
            ),
        )


@dataclass(frozen=True)
class InsuranceRule:
    """Social insurance: ``points_per_type_year`` per insurance type per year, pro-rated by month,
    capped at ``cap``, counting only the ``window_years`` × 12 calendar months before the month of
    ``as_of``. The fact is a list of periods ``{"type", "from": "YYYY-MM", "to": "YYYY-MM" | None,
    "in_district": bool}`` (months inclusive, ``to`` None = still paying); overlapping periods of one
    type count once; types not in ``types`` and, with ``district_only``, periods elsewhere are ignored.
    """

    fact: str = "insurance_periods"
    label: str = ""
    types: tuple[str, ...] = INSURANCE_TYPES
    points_per_type_year: float = 2.0
    cap: float = 60.0
    window_years: int = 8
    district_only: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InsuranceRule:
        where = "insurance"
        _check_keys(
            data,
            ("fact", "label", "types", "points_per_type_year", "cap", "window_years", "district_only"),
            where,
        )
        defaults = cls()
        window = data.get("window_years", defaults.window_years)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise SchemeError(_("insurance: window_years must be a positive whole number"))
        return cls(
            fact=data.get("fact", defaults.fact),
            label=data.get("label", ""),
            types=tuple(data.get("types", defaults.types)),
            points_per_type_year=_number(data.get("points_per_type_year", defaults.points_per_type_year), where),
            cap=_number(data.get("cap", defaults.cap), where),
            window_years=window,
            district_only=bool(data.get("district_only", defaults.district_only)),
        )

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "fact": self.fact,
                "label": self.label or None,
                "types": list(self.types),
                "points_per_type_year": self.points_per_type_year,
                "cap": self.cap,
                "window_years": self.window_years,
                "district_only": self.district_only,
            }
        )

    def window(self, as_of: date) -> tuple[int, int]:
        """First and last month index (inclusive) that count."""
        last = as_of.year * 12 + as_of.month - 2
        return last - self.window_years * 12 + 1, last

    def months_by_type(self, periods: Sequence[Mapping[str, Any]], as_of: date) -> dict[str, int]:
        first, last = self.window(as_of)
        months: dict[str, set[int]] = {kind: set() for kind in self.types}
        for period in periods:
            kind = period.get("type")
            if kind not in months or (self.district_only and not period.get("in_district", True)):
                continue
            start = max(_month_index(_require(period, "from", "insurance period"), "from"), first)
            end = last if period.get("to") is None else min(_month_index(period["to"], "to"), last)
            months[kind].update(range(start, end + 1))
        return {kind: len(values) for kind, values in months.items()}

    def evaluate(self, facts: Facts, as_of: date | None) -> tuple[float, dict[str, Any], Text]:
        if as_of is None:
            raise SchemeError(_("The insurance rule needs the application date 'as_of'."))
        periods = facts.get(self.fact) or []
        by_type = self.months_by_type(periods, as_of)
        total_months = sum(by_type.values())
        raw = self.points_per_type_year * total_months / 12
        points = min(raw, self.cap)
        first, last = self.window(as_of)
        counted = {kind: n for kind, n in by_type.items() if n}
        used = {
            self.fact: list(periods),
            "window": f"{_month_label(first)}..{_month_label(last)}",
            "months_by_type": counted,
        }
        detail = (
            format_lazy(
                ", ".join("{} {}" for _k in counted), *[x for k, n in counted.items() for x in (value_word(k), n)]
            )
            if counted
            else "-"
        )
        explanation = format_lazy(
            _(
                "{months} insurance months in {first}..{last} ({detail}) ÷ 12 × {rate} points a type-year "
                "= {raw} points, capped at {cap}."
            ),
            months=total_months,
            first=_month_label(first),
            last=_month_label(last),
            detail=detail,
            rate=_points_text(self.points_per_type_year),
            raw=_points_text(round(raw, 6)),
            cap=_points_text(self.cap),
        )
        return points, used, explanation


@dataclass(frozen=True)
class PointsScheme:
    """A complete scheme: gates, sections of items, the insurance rule and the rounding of totals."""

    code: str
    name: str = ""
    gates: tuple[Gate, ...] = ()
    basic: tuple[Item, ...] = ()
    additional: tuple[Item, ...] = ()
    deductions: tuple[Item, ...] = ()
    insurance: InsuranceRule | None = None
    precision: int = 2
    as_of_fact: str = "as_of"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PointsScheme:
        _check_keys(data, ("code", "name", "gates", "precision", "as_of_fact", "insurance", *SECTIONS), "scheme")
        sections = {name: tuple(Item.from_dict(item, name) for item in data.get(name, ())) for name in SECTIONS}
        codes = [g.get("code") for g in data.get("gates", ())] + [i.code for s in sections.values() for i in s]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise SchemeError(format_lazy(_("scheme: duplicate codes {codes}"), codes=", ".join(duplicates)))
        insurance = data.get("insurance")
        precision = data.get("precision", 2)
        if isinstance(precision, bool) or not isinstance(precision, int) or precision < 0:
            raise SchemeError(_("scheme: precision must be a whole number of decimals"))
        return cls(
            code=_require(data, "code", "scheme"),
            name=data.get("name", ""),
            gates=tuple(Gate.from_dict(g) for g in data.get("gates", ())),
            insurance=None if insurance is None else InsuranceRule.from_dict(insurance),
            precision=precision,
            as_of_fact=data.get("as_of_fact", "as_of"),
            **sections,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "precision": self.precision,
            "as_of_fact": self.as_of_fact,
            "gates": [g.to_dict() for g in self.gates],
        }
        for name in SECTIONS:
            data[name] = [item.to_dict() for item in getattr(self, name)]
        if self.insurance is not None:
            data["insurance"] = self.insurance.to_dict()
        return data

    def _as_of(self, facts: Facts) -> date | None:
        value = facts.get(self.as_of_fact)
        return None if value is None else _to_date(value, self.as_of_fact)

    def check_gates(self, facts: Facts) -> tuple[GateResult, ...]:
        as_of = self._as_of(facts)
        return tuple(gate.check(facts, as_of) for gate in self.gates)

    def score(self, facts: Facts) -> ScoreBreakdown:
        """Gate results and every points line; the total is computed even when a gate fails."""
        as_of = self._as_of(facts)
        lines: list[ScoreLine] = []
        sums = dict.fromkeys(SECTIONS, 0.0)
        if self.insurance is not None:
            points, used, text = self.insurance.evaluate(facts, as_of)
            points = round(points, self.precision)
            label = label_word("social_insurance", self.insurance.label)
            lines.append(ScoreLine("basic", "social_insurance", label, used, points, text))
            sums["basic"] += points
        for section in SECTIONS:
            sign = -1.0 if section == "deductions" else 1.0
            for item in getattr(self, section):
                points, used, text = item.evaluate(facts, as_of)
                points = round(points, self.precision)
                label = label_word(item.code, item.label)
                lines.append(ScoreLine(section, item.code, label, used, sign * points or 0.0, text))
                sums[section] += points
        basic, additional, deductions = (round(sums[s], self.precision) for s in SECTIONS)
        return ScoreBreakdown(
            scheme_code=self.code,
            gates=tuple(gate.check(facts, as_of) for gate in self.gates),
            lines=tuple(lines),
            basic=basic,
            additional=additional,
            deductions=deductions,
            total=round(basic + additional - deductions, self.precision),
        )


#: Analogue defaults (domain brief, 积分入学): gates of 12 months' continuous permit and a job or
#: insurance in the district; insurance 2 points per type-year, monthly, cap 60, last 8 years.
#: The other points values are placeholders a district is expected to replace.
DEFAULT_SCHEME_DATA: dict[str, Any] = {
    "code": "analogue-default",
    "name": "积分入学 (analogue defaults)",
    "precision": 2,
    "gates": [
        {
            "code": "permit_12_months",
            "kind": "months_since",
            "fact": "permit_continuous_since",
            "value": 12,
            "label": "居住证连续持有满 1 年",
        },
        {
            "code": "job_or_insurance",
            "kind": "any_true",
            "facts": ["job_in_district", "insurance_in_district"],
            "label": "在本区就业或参加社会保险",
        },
    ],
    "insurance": {
        "label": "社会保险",
        "points_per_type_year": 2,
        "cap": 60,
        "window_years": 8,
        "types": list(INSURANCE_TYPES),
        "district_only": True,
    },
    "basic": [
        {
            "code": "permit_years",
            "kind": "per_year",
            "fact": "permit_continuous_since",
            "points_per_year": 3,
            "prorate": "month",
            "cap": 15,
            "label": "居住证年限",
        },
        {
            "code": "housing",
            "kind": "choice",
            "fact": "housing",
            "points_by_value": {"owned": 20, "registered_rental": 10},
            "label": "住房",
        },
    ],
    "additional": [
        {
            "code": "education",
            "kind": "choice",
            "fact": "parent_education",
            "points_by_value": {"bachelor_or_above": 10, "college": 5},
            "label": "学历",
        },
        {
            "code": "honours",
            "kind": "per_unit",
            "fact": "municipal_honours",
            "points_per_unit": 5,
            "cap": 10,
            "label": "市级以上荣誉",
        },
    ],
    "deductions": [
        {
            "code": "dishonesty",
            "kind": "flag",
            "fact": "credit_dishonest_record",
            "points": 20,
            "label": "失信记录",
        },
    ],
}

#: The default scheme's labels in the reader's language; a district's own labels are shown as written.
DEFAULT_LABEL_WORDS: dict[tuple[str, str], Text] = {
    ("permit_12_months", "居住证连续持有满 1 年"): _("Permit held continuously for 1 year"),
    ("job_or_insurance", "在本区就业或参加社会保险"): _("A job or social insurance in the district"),
    ("social_insurance", "社会保险"): _("Social insurance"),
    ("permit_years", "居住证年限"): _("Years holding the permit"),
    ("housing", "住房"): _("Housing"),
    ("education", "学历"): _("Parent's education"),
    ("honours", "市级以上荣誉"): _("Municipal or higher honours"),
    ("dishonesty", "失信记录"): _("Record of dishonesty"),
}


def _label_in_language(label: str, word: Text) -> str:
    # Chinese readers see the scheme's own published wording, other languages its translation.
    return label if (get_language() or "").lower().startswith("zh") else str(word)


_label_lazy = lazy(_label_in_language, str)


def label_word(code: str, label: str) -> Text:
    word = DEFAULT_LABEL_WORDS.get((code, label))
    if word is None:
        return label or code
    return _label_lazy(label, word)


# --- allocation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    id: str
    score: float
    preferences: tuple[str, ...]  # school ids, most wanted first
    grade: int = 1
    permit_date: date | None = None  # start of the continuous permit, for the tie-break


@dataclass(frozen=True)
class School:
    id: str
    quotas: Mapping[int, int]  # grade → places for points applicants
    name: str = ""


@dataclass(frozen=True)
class TieBreakRule:
    """Published order among equal scores: ``keys`` in turn, e.g. earlier permit date, then lottery.

    The lottery number of an applicant is SHA-256 of ``"{seed}:{applicant id}"`` read as an integer,
    lowest first: anyone holding the published seed can recompute it, and it does not depend on the
    order in which applications were entered. The applicant id is the last resort.
    """

    keys: tuple[str, ...] = TIE_BREAK_KEYS
    seed: str = ""

    def __post_init__(self) -> None:
        unknown = [key for key in self.keys if key not in TIE_BREAK_KEYS]
        if unknown:
            raise SchemeError(format_lazy(_("unknown tie-break keys {keys}"), keys=", ".join(unknown)))
        if "lottery" in self.keys and not self.seed:
            raise SchemeError(_("a lottery tie-break needs a published seed"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TieBreakRule:
        _check_keys(data, ("keys", "seed"), "tie_break")
        return cls(keys=tuple(data.get("keys", TIE_BREAK_KEYS)), seed=str(data.get("seed", "")))

    def to_dict(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "seed": self.seed}

    def lottery_number(self, applicant_id: str) -> int:
        return int(hashlib.sha256(f"{self.seed}:{applicant_id}".encode()).hexdigest(), 16)

    def sort_key(self, applicant: Applicant) -> tuple[Any, ...]:
        key: list[Any] = [-applicant.score]
        for name in self.keys:
            if name == "permit_date":
                day = applicant.permit_date
                key.append((day is None, day or date.min))
            else:
                key.append(self.lottery_number(applicant.id))
        key.append(applicant.id)
        return tuple(key)

    def describe(self) -> Text:
        names: dict[str, Text] = {
            "permit_date": _("earlier permit date"),
            "lottery": format_lazy(_("lottery with the published seed {seed}"), seed=self.seed),
        }
        text: Text = _("applicant id")
        for index, key in enumerate(self.keys):
            text = names[key] if index == 0 else format_lazy(_("{first}, then {next}"), first=text, next=names[key])
        return text


@dataclass(frozen=True)
class Placement:
    applicant_id: str
    grade: int
    score: float
    order: int  # 1-based turn within the grade
    status: str  # placed | unplaced | no_preferences
    school_id: str | None
    preference_rank: int | None  # 1-based rank of the school placed at
    full_preferences: tuple[str, ...]  # preferences passed over because they were full
    tied_with: int  # other applicants of the grade with the same score
    tie_rule: Text = field(default="", repr=False, compare=False)
    school_names: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def reason(self) -> Text:
        """Why this result, in the active language (built on demand: 20,000 lazy texts are slow)."""
        return _placement_reason(self)


@dataclass(frozen=True)
class SchoolCutoff:
    school_id: str
    grade: int
    quota: int
    admitted: int
    cutoff_score: float | None  # lowest admitted score (None if nobody admitted)
    full: bool
    highest_refused_score: float | None  # best score of an applicant who found it full
    last_admitted_id: str | None

    @property
    def decided_by_tie_break(self) -> bool:
        return self.full and self.cutoff_score is not None and self.highest_refused_score == self.cutoff_score


@dataclass(frozen=True)
class AllocationResult:
    placements: Mapping[str, Placement]
    cutoffs: Mapping[tuple[str, int], SchoolCutoff]
    tie_break: TieBreakRule

    def placed_at(self, school_id: str, grade: int = 1) -> list[str]:
        return [p.applicant_id for p in self.placements.values() if p.school_id == school_id and p.grade == grade]


def allocate(applicants: Sequence[Applicant], schools: Sequence[School], tie_break: TieBreakRule) -> AllocationResult:
    """Serial dictatorship by score, per grade; see the module docstring."""
    by_id = {school.id: school for school in schools}
    if len(by_id) != len(schools):
        raise SchemeError(_("duplicate school ids"))
    seen: set[str] = set()
    for applicant in applicants:
        if applicant.id in seen:
            raise SchemeError(format_lazy(_("duplicate applicant id {id}"), id=applicant.id))
        seen.add(applicant.id)
        unknown = [school for school in applicant.preferences if school not in by_id]
        if unknown:
            raise SchemeError(
                format_lazy(
                    _("applicant {id} prefers unknown schools {schools}"),
                    id=applicant.id,
                    schools=", ".join(unknown),
                )
            )
    left = {(s.id, grade): int(places) for s in schools for grade, places in s.quotas.items()}
    admitted: dict[tuple[str, int], list[Applicant]] = {key: [] for key in left}
    refused: dict[tuple[str, int], float] = {}
    score_counts: dict[tuple[int, float], int] = {}
    for applicant in applicants:
        score_counts[applicant.grade, applicant.score] = score_counts.get((applicant.grade, applicant.score), 0) + 1
    rule_text = tie_break.describe()
    names = {school.id: school.name or school.id for school in schools}
    placements: dict[str, Placement] = {}
    turns: dict[int, int] = {}
    for applicant in sorted(applicants, key=tie_break.sort_key):
        grade = applicant.grade
        turns[grade] = order = turns.get(grade, 0) + 1
        tied = score_counts[grade, applicant.score] - 1
        preferences = tuple(dict.fromkeys(applicant.preferences))
        passed: list[str] = []
        school_id: str | None = None
        rank: int | None = None
        for position, candidate in enumerate(preferences, start=1):
            key = (candidate, grade)
            if left.get(key, 0) > 0:
                left[key] -= 1
                admitted.setdefault(key, []).append(applicant)
                school_id, rank = candidate, position
                break
            passed.append(candidate)
            refused.setdefault(key, applicant.score)
        status = "placed" if school_id else ("no_preferences" if not preferences else "unplaced")
        placements[applicant.id] = Placement(
            applicant_id=applicant.id,
            grade=grade,
            score=applicant.score,
            order=order,
            status=status,
            school_id=school_id,
            preference_rank=rank,
            full_preferences=tuple(passed),
            tied_with=tied,
            tie_rule=rule_text,
            school_names=names,
        )
    cutoffs: dict[tuple[str, int], SchoolCutoff] = {}
    for (school_id_, grade), members in admitted.items():
        quota = int(by_id[school_id_].quotas.get(grade, 0))
        cutoffs[school_id_, grade] = SchoolCutoff(
            school_id=school_id_,
            grade=grade,
            quota=quota,
            admitted=len(members),
            cutoff_score=members[-1].score if members else None,
            full=len(members) >= quota,
            highest_refused_score=refused.get((school_id_, grade)),
            last_admitted_id=members[-1].id if members else None,
        )
    return AllocationResult(placements=placements, cutoffs=cutoffs, tie_break=tie_break)


def _placement_reason(placement: Placement) -> Text:
    def name(school: str) -> str:
        return placement.school_names.get(school, school)

    status, passed, rank = placement.status, placement.full_preferences, placement.preference_rank
    school_id, tied, order, rule_text = (
        placement.school_id,
        placement.tied_with,
        placement.order,
        placement.tie_rule,
    )
    turn = format_lazy(
        _("Your turn came as number {order} with {score} points."),
        order=order,
        score=_points_text(placement.score),
    )
    if status == "no_preferences":
        main: Text = _("Not placed: no school preferences were given.")
    elif status == "unplaced":
        main = format_lazy(
            _("Not placed: all your preferences ({schools}) were full."),
            schools=", ".join(name(s) for s in passed),
        )
    elif passed:
        main = format_lazy(
            _("Placed at {school}, your preference {rank}; {full} already full."),
            school=name(school_id or ""),
            rank=rank,
            full=", ".join(name(s) for s in passed),
        )
    else:
        main = format_lazy(_("Placed at {school}, your first preference."), school=name(school_id or ""))
    if not tied:
        return format_lazy("{} {}", main, turn)
    tie = format_lazy(
        _("{count} other applicants have the same score; ties are ordered by {rule}."),
        count=tied,
        rule=rule_text,
    )
    return format_lazy("{} {} {}", main, turn, tie)
