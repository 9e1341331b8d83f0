"""Residence-permit eligibility (State Council Interim Regulations, art. 2) as a pure function.

Eligible = continuous verified residence of at least ``min_residence_months`` up to today AND at least
one of: a stable job, a stable home, continuous study. Each condition carries the evidence it rests on
(declaration ids, fact references, dates) and, when it fails, what would satisfy it.

Continuity: verified periods are merged when the gap between one move-out and the next move-in is at
most ``gap_tolerance_days``; the township does not matter (a move inside the city keeps continuity).
Gap days inside a continuous run count towards its length. The run must be current: still open, or
ended at most ``gap_tolerance_days`` before today (a move in progress). Model-free: callers pass the
periods (``civitas.residence.history.residence_periods``) and the facts.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

Text = str | Promise


class PeriodLike(Protocol):
    """What eligibility reads from a residence period (``residence.history.Period``)."""

    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date | None: ...
    @property
    def property_id(self) -> int: ...
    @property
    def division_code(self) -> str: ...
    @property
    def verified(self) -> bool: ...
    @property
    def purpose(self) -> str: ...
    @property
    def employer(self) -> str: ...


@dataclass(frozen=True)
class Period:
    """A stand-in with the residence contract's fields (tests, benchmarks, batch rows)."""

    start: date
    end: date | None
    property_id: int = 0
    room_id: int | None = None
    division_code: str = ""
    verified: bool = True
    purpose: str = ""
    employer: str = ""
    declaration_id: int | None = None
    place: str = ""  # the division in words, for the evidence shown on pages


@dataclass(frozen=True)
class Fact:
    """An officer-recorded fact: an employment contract, an owned home, a school enrolment."""

    kind: str  # employment | owned_home | study
    start: date
    end: date | None = None
    reference: str = ""
    label: str = ""

    def current_on(self, today: date) -> bool:
        return self.start <= today and (self.end is None or self.end >= today)


@dataclass(frozen=True)
class Rules:
    min_residence_months: int = 6
    gap_tolerance_days: int = 30
    job_purposes: tuple[str, ...] = ("work", "business")
    study_purposes: tuple[str, ...] = ("study",)
    tenancy_is_home: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Rules:
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError("unknown eligibility rules: {}".format(", ".join(unknown)))
        for key in ("job_purposes", "study_purposes"):
            if key in data:
                data[key] = tuple(data[key])
        rules = cls(**data)
        if rules.min_residence_months < 0 or rules.gap_tolerance_days < 0:
            raise ValueError("eligibility rules must not be negative")
        return rules

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_residence_months": self.min_residence_months,
            "gap_tolerance_days": self.gap_tolerance_days,
            "job_purposes": list(self.job_purposes),
            "study_purposes": list(self.study_purposes),
            "tenancy_is_home": self.tenancy_is_home,
        }


@dataclass(frozen=True)
class Evidence:
    kind: str  # declaration | fact
    start: date
    end: date | None
    reference: str  # declaration id or fact reference
    detail: Text = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "reference": self.reference,
            "detail": str(self.detail),
        }


@dataclass(frozen=True)
class Condition:
    code: str  # residence | job | home | study
    label: Text
    met: bool
    reason: Text
    evidence: tuple[Evidence, ...] = ()
    hint: Text = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": str(self.label),
            "met": self.met,
            "reason": str(self.reason),
            "evidence": [e.as_dict() for e in self.evidence],
            "hint": str(self.hint),
        }


@dataclass(frozen=True)
class EligibilityResult:
    today: date
    eligible: bool
    residence_since: date | None
    eligible_from: date | None  # the day the residence condition is (or was) first met
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    @property
    def failed(self) -> tuple[Condition, ...]:
        """Conditions that make the person ineligible: residence, or all three of job/home/study."""
        out = [c for c in self.conditions if c.code == "residence" and not c.met]
        alternatives = [c for c in self.conditions if c.code != "residence"]
        if not any(c.met for c in alternatives):
            out.extend(alternatives)
        return tuple(out)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "eligible": self.eligible,
            "residence_since": self.residence_since.isoformat() if self.residence_since else None,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "conditions": [c.as_dict() for c in self.conditions],
        }


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _reference(period: Any) -> str:
    declaration = getattr(period, "declaration_id", None)
    if declaration:
        return f"D{declaration}"
    return "P{}".format(getattr(period, "property_id", ""))


def _declaration(period: Any, detail: Text = "") -> Evidence:
    return Evidence("declaration", period.start, period.end, _reference(period), detail)


def current_run(periods: Iterable[PeriodLike], today: date, tolerance_days: int) -> list[PeriodLike]:
    """The verified periods forming the continuous residence that reaches today (oldest first)."""
    verified = sorted((p for p in periods if p.verified and p.start <= today), key=lambda p: p.start)
    runs: list[list[PeriodLike]] = []
    reach: date | None = None  # latest end of the current run (None = open)
    open_run = False
    for period in verified:
        if runs and (open_run or reach is None or (period.start - reach).days <= tolerance_days):
            runs[-1].append(period)
        else:
            runs.append([period])
            open_run, reach = False, None
        if period.end is None:
            open_run = True
        elif not open_run:
            reach = period.end if reach is None or period.end > reach else reach
    if not runs:
        return []
    last = runs[-1]
    if open_run or (reach is not None and (today - reach).days <= tolerance_days):
        return last
    return []


def _residence(periods: Sequence[PeriodLike], today: date, rules: Rules) -> tuple[Condition, list[PeriodLike]]:
    label = _("Continuous residence")
    run = current_run(periods, today, rules.gap_tolerance_days)
    needed = rules.min_residence_months
    if not run:
        hint = format_lazy(
            _("A verified residence declaration covering today, continuous for {months} months."),
            months=needed,
        )
        return Condition("residence", label, False, _("No current verified residence in the city."), (), hint), []
    since = run[0].start
    ready = add_months(since, needed)
    evidence = tuple(_declaration(p, getattr(p, "place", "") or p.division_code) for p in run)
    townships = sorted({p.division_code[:9] for p in run if p.division_code})
    moves = format_lazy(_(" across {n} townships"), n=len(townships)) if len(townships) > 1 else ""
    if today >= ready:
        reason = format_lazy(
            _("Verified residence since {since}{moves}: {months} months or more on {ready}."),
            since=since.isoformat(),
            moves=moves,
            months=needed,
            ready=ready.isoformat(),
        )
        return Condition("residence", label, True, reason, evidence), run
    reason = format_lazy(
        _("Verified residence since {since}{moves}: {months} months are reached on {ready}."),
        since=since.isoformat(),
        moves=moves,
        months=needed,
        ready=ready.isoformat(),
    )
    hint = format_lazy(_("Keep the residence declared until {ready}."), ready=ready.isoformat())
    return Condition("residence", label, False, reason, evidence, hint), run


def _current_periods(run: Sequence[PeriodLike], today: date) -> list[PeriodLike]:
    """Periods covering today (a period's end is the move-out day, exclusive, as in the residence app)."""
    return [p for p in run if p.end is None or p.end > today]


def _job(run: Sequence[PeriodLike], facts: Sequence[Fact], today: date, rules: Rules) -> Condition:
    label = _("Stable job")
    evidence = [
        _declaration(p, p.employer)
        for p in _current_periods(run, today)
        if p.purpose in rules.job_purposes and p.employer.strip()
    ]
    evidence += [
        Evidence("fact", f.start, f.end, f.reference, f.label)
        for f in facts
        if f.kind == "employment" and f.current_on(today)
    ]
    if evidence:
        names = ", ".join(sorted({str(e.detail) for e in evidence if e.detail})) or "-"
        return Condition(
            "job", label, True, format_lazy(_("Employer on record: {names}."), names=names), tuple(evidence)
        )
    return Condition(
        "job",
        label,
        False,
        _("No current employer on a verified declaration or an employment record."),
        (),
        _(
            "A verified declaration for work or business naming the employer, or an employment contract "
            "recorded by an officer."
        ),
    )


def _home(run: Sequence[PeriodLike], facts: Sequence[Fact], today: date, rules: Rules) -> Condition:
    label = _("Stable home")
    evidence: list[Evidence] = []
    if rules.tenancy_is_home:
        evidence += [_declaration(p, _("verified tenancy")) for p in _current_periods(run, today)]
    evidence += [
        Evidence("fact", f.start, f.end, f.reference, f.label)
        for f in facts
        if f.kind == "owned_home" and f.current_on(today)
    ]
    if evidence:
        return Condition("home", label, True, _("A verified tenancy or an owned home today."), tuple(evidence))
    return Condition(
        "home",
        label,
        False,
        _("No verified tenancy or owned home today."),
        (),
        _("A verified residence declaration for the current home, or a property deed recorded " "by an officer."),
    )


def _study(run: Sequence[PeriodLike], facts: Sequence[Fact], today: date, rules: Rules) -> Condition:
    label = _("Continuous study")
    evidence = [_declaration(p, p.employer) for p in _current_periods(run, today) if p.purpose in rules.study_purposes]
    evidence += [
        Evidence("fact", f.start, f.end, f.reference, f.label)
        for f in facts
        if f.kind == "study" and f.current_on(today)
    ]
    if evidence:
        return Condition("study", label, True, _("Enrolled in a school or university today."), tuple(evidence))
    return Condition(
        "study",
        label,
        False,
        _("No current enrolment on record."),
        (),
        _("A declaration for study, or an enrolment certificate recorded by an officer."),
    )


def eligibility(
    periods: Iterable[PeriodLike], facts: Iterable[Fact], today: date, rules: Rules | None = None
) -> EligibilityResult:
    """Evaluate every condition on ``today``; see the module docstring."""
    rules = rules or Rules()
    periods = list(periods)
    facts = list(facts)
    residence, run = _residence(periods, today, rules)
    others = (
        _job(run, facts, today, rules),
        _home(run, facts, today, rules),
        _study(run, facts, today, rules),
    )
    since = run[0].start if run else None
    return EligibilityResult(
        today=today,
        eligible=residence.met and any(c.met for c in others),
        residence_since=since,
        eligible_from=add_months(since, rules.min_residence_months) if since else None,
        conditions=(residence, *others),
    )


def eligibility_batch(
    rows: Iterable[tuple[int, PeriodLike]],
    facts: Mapping[int, Sequence[Fact]],
    today: date,
    rules: Rules | None = None,
) -> Iterable[tuple[int, EligibilityResult]]:
    """Evaluate many people from rows ``(person_id, period)`` ordered by person (one ordered query)."""
    rules = rules or Rules()
    current: int | None = None
    bucket: list[PeriodLike] = []
    for person_id, period in rows:
        if person_id != current:
            if current is not None:
                yield current, eligibility(bucket, facts.get(current, ()), today, rules)
            current, bucket = person_id, []
        bucket.append(period)
    if current is not None:
        yield current, eligibility(bucket, facts.get(current, ()), today, rules)
