"""The points engine: which rules are in force, caps, posting entries, balances and consequences.

Called only from `actions.py` (which adds validation of who may do what, audit, notifications).
Every posting locks the subject's Balance row first, so caps and balances stay right under concurrency.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, events
from civitas.credit.choices import CapPeriod, EntryKind, ErrorCode, RuleSetStatus
from civitas.credit.errors import field_error
from civitas.credit.explanations import explain
from civitas.credit.models import Balance, ConsequenceState, LedgerEntry, Rule, RuleSet, Scheme, Threshold
from civitas.credit.seed_data import ensure_installed
from civitas.credit.texts import in_every_language


def cycle_of(scheme: Scheme, day: datetime.date) -> int:
    """The cycle a date belongs to (the calendar year: the only cycle the schemes use today)."""
    return day.year


def cycle_start(scheme: Scheme, cycle: int) -> datetime.date:
    return datetime.date(cycle, 1, 1)


def scheme_by_code(code: str) -> Scheme:
    scheme = Scheme.objects.filter(code=code).first()
    if scheme is None:
        ensure_installed()
        scheme = Scheme.objects.filter(code=code).first()
    if scheme is None:
        raise field_error("scheme", _("There is no points scheme {code}.").format(code=code), "unknown_scheme")
    return scheme


@dataclass(frozen=True)
class _Bundle:
    rule_set: RuleSet
    rules: dict[str, Rule]
    thresholds: list[Threshold]


# Enacted rule sets never change (a change is a new version), so their rules are kept per process.
# Any save or delete of a rule set, rule or threshold clears the memo (see apps.py).
_ENACTED: dict[int, _Bundle] = {}


def forget_rule_sets(**_kwargs: Any) -> None:
    _ENACTED.clear()


def _bundle(pk: int) -> _Bundle:
    hit = _ENACTED.get(pk)
    if hit is None:
        rs = RuleSet.objects.select_related("scheme").get(pk=pk)
        rules = {r.code: r for r in rs.rules.all()}
        for r in rules.values():
            r.rule_set = rs
        hit = _Bundle(rs, rules, list(rs.thresholds.all()))
        if rs.status == RuleSetStatus.ENACTED:
            _ENACTED[pk] = hit
    return hit


def _bundle_in_force(scheme: Scheme, day: datetime.date) -> _Bundle | None:
    pk = (
        RuleSet.objects.filter(scheme=scheme, status=RuleSetStatus.ENACTED, effective_from__lte=day)
        .order_by("-effective_from", "-version")
        .values_list("pk", flat=True)
        .first()
    )
    return _bundle(pk) if pk is not None else None


def rule_set_in_force(scheme: Scheme, day: datetime.date) -> RuleSet | None:
    bundle = _bundle_in_force(scheme, day)
    return bundle.rule_set if bundle else None


def rule_in_force(scheme: Scheme, code: str, day: datetime.date) -> Rule:
    """The rule with this code in the rule set in force on `day`, or a clear error."""
    bundle = _bundle_in_force(scheme, day)
    rule = bundle.rules.get(code) if bundle else None
    if rule is None:
        raise field_error(
            "rule",
            _("Rule {rule} of {scheme} is not in force on {day}.").format(
                rule=code, scheme=scheme.code, day=day.isoformat()
            ),
            ErrorCode.RULE_NOT_IN_FORCE,
        )
    return rule


def _cap_window(rule: Rule, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if rule.cap_period == CapPeriod.MONTH:
        start = day.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return start, end
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)


def points_after_cap(rule: Rule, subject_type: str, subject_id: int, day: datetime.date) -> int:
    """The rule's points, reduced so the total from this rule code in the cap window stays within the cap."""
    if rule.cap_points is None:
        return rule.points
    start, end = _cap_window(rule, day)
    used = (
        LedgerEntry.objects.filter(
            scheme_id=rule.rule_set.scheme_id,
            subject_type=subject_type,
            subject_id=subject_id,
            rule__code=rule.code,
            occurred_on__range=(start, end),
        ).aggregate(s=Sum("points"))["s"]
        or 0
    )
    room = max(0, rule.cap_points - abs(used))
    return max(-room, min(room, rule.points)) if rule.points else 0


def _locked_balance(scheme: Scheme, subject_type: str, subject_id: int, cycle: int) -> Balance:
    try:
        with transaction.atomic():
            Balance.objects.get_or_create(
                scheme=scheme,
                subject_type=subject_type,
                subject_id=subject_id,
                cycle=cycle,
                defaults={"points": ledger_balance(scheme, subject_type, subject_id, cycle)},
            )
    except IntegrityError:  # created concurrently: fine, lock it below
        pass
    return Balance.objects.select_for_update().get(
        scheme=scheme, subject_type=subject_type, subject_id=subject_id, cycle=cycle
    )


def ledger_balance(
    scheme: Scheme, subject_type: str, subject_id: int, cycle: int, on: datetime.date | None = None
) -> int:
    """The balance computed from the ledger alone (the truth the cached Balance must equal)."""
    qs = LedgerEntry.objects.filter(scheme=scheme, subject_type=subject_type, subject_id=subject_id, cycle=cycle)
    if on is not None:
        qs = qs.filter(occurred_on__lte=on)
    return scheme.starting_balance + (qs.aggregate(s=Sum("points"))["s"] or 0)


def _explain(rule: Rule, points: int, requested: int, note: str, kind: str) -> dict[str, str]:
    return in_every_language(lambda lang: explain(rule, points, requested, note, kind, lang))


@dataclass(frozen=True)
class Posting:
    entry: LedgerEntry
    balance: int
    started: list[ConsequenceState]
    ended: list[ConsequenceState]


def post(
    *,
    scheme: Scheme,
    rule: Rule,
    subject_type: str,
    subject_id: int,
    day: datetime.date,
    division_code: str = "",
    note: str = "",
    photo: Any = None,
    recorded_by: Any = None,
    source_event: Any = None,
    reverses: LedgerEntry | None = None,
) -> Posting:
    """Append one entry (a rule applied, or the reversal of `reverses`) and update balance and consequences."""
    if reverses is not None:
        cycle, day = reverses.cycle, reverses.occurred_on
    else:
        cycle = cycle_of(scheme, day)
    balance = _locked_balance(scheme, subject_type, subject_id, cycle)
    if reverses is not None:
        kind, points, requested = EntryKind.REVERSAL, -reverses.points, -reverses.requested_points
    else:
        kind, points, requested = (
            EntryKind.RULE,
            points_after_cap(rule, subject_type, subject_id, day),
            rule.points,
        )
    entry = LedgerEntry(
        scheme=scheme,
        rule_set=rule.rule_set,
        rule=rule,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        division_code=division_code,
        points=points,
        requested_points=requested,
        cycle=cycle,
        occurred_on=day,
        recorded_by=recorded_by if getattr(recorded_by, "pk", None) else None,
        evidence_note=note,
        source_event=source_event,
        reverses=reverses,
        explanation=_explain(rule, points, requested, note, kind),
    )
    if photo:
        entry.evidence_photo = photo
    entry.save(force_insert=True)
    balance.points += points
    fields = ["points", "updated_at"]
    if division_code and balance.division_code != division_code:
        balance.division_code = division_code
        fields.append("division_code")
    balance.save(update_fields=fields)
    today = timezone.localdate()
    known = balance.points if cycle == cycle_of(scheme, today) else None
    started, ended = evaluate_consequences(scheme, subject_type, subject_id, actor=recorded_by, points=known)
    return Posting(entry, balance.points, started, ended)


def current_balance(scheme: Scheme, subject_type: str, subject_id: int, today: datetime.date | None = None) -> int:
    cycle = cycle_of(scheme, today or timezone.localdate())
    row = (
        Balance.objects.filter(scheme=scheme, subject_type=subject_type, subject_id=subject_id, cycle=cycle)
        .values_list("points", flat=True)
        .first()
    )
    return scheme.starting_balance if row is None else row


def thresholds_in_force(scheme: Scheme, day: datetime.date) -> list[Threshold]:
    bundle = _bundle_in_force(scheme, day)
    return list(bundle.thresholds) if bundle else []


def evaluate_consequences(
    scheme: Scheme,
    subject_type: str,
    subject_id: int,
    *,
    actor: Any = None,
    today: datetime.date | None = None,
    reason: str = "recovered",
    points: int | None = None,
) -> tuple[list[ConsequenceState], list[ConsequenceState]]:
    """Start consequences whose threshold holds now; end those that no longer hold or are from a past cycle."""
    today = today or timezone.localdate()
    cycle = cycle_of(scheme, today)
    if points is None:
        points = current_balance(scheme, subject_type, subject_id, today)
    holding = {t.code: t for t in thresholds_in_force(scheme, today) if t.holds(points)}
    open_states = list(
        ConsequenceState.objects.select_for_update()
        .select_related("threshold")
        .filter(scheme=scheme, subject_type=subject_type, subject_id=subject_id, ended_at__isnull=True)
    )
    now = timezone.now()
    started: list[ConsequenceState] = []
    ended: list[ConsequenceState] = []
    still_open: set[str] = set()
    for state in open_states:
        if state.cycle == cycle and state.threshold.code in holding:
            still_open.add(state.threshold.code)
            continue
        state.ended_at = now
        state.end_reason = reason if state.cycle == cycle else "cycle_reset"
        state.save(update_fields=["ended_at", "end_reason"])
        ended.append(state)
    for code, threshold in holding.items():
        if code in still_open:
            continue
        started.append(
            ConsequenceState.objects.create(
                scheme=scheme,
                threshold=threshold,
                subject_type=subject_type,
                subject_id=subject_id,
                cycle=cycle,
                started_at=now,
                start_balance=points,
            )
        )
    for state, kind in [*((s, "started") for s in started), *((s, "ended") for s in ended)]:
        payload = {
            "scheme": scheme.code,
            "threshold": state.threshold.code,
            "consequences": state.threshold.consequences,
            "balance": points,
            "cycle": state.cycle,
            "reason": state.end_reason,
        }
        audit.record(f"credit.consequence_{kind}", actor=actor, obj=state, new=payload)
        events.emit(f"credit.consequence_{kind}", subject=(subject_type, subject_id), payload=payload)
    return started, ended


BULK_REPAIR = 500


def recompute_balances(scheme: Scheme, cycle: int) -> int:
    """Check a cycle's cached balances against the ledger and repair them; returns the rows written.

    One statement compares the ledger's sums with the cache (a full outer join, so a cached row without
    entries is checked too) and returns only the differences; only those are written. An empty cache
    (first build, or lost) is built by one INSERT ... SELECT ... GROUP BY in subject order, which appends
    to the cycle's slice of the unique key; a posting that creates a row meanwhile turns it into the upsert.
    """
    from django.db import connection

    table, ledger_table = Balance._meta.db_table, LedgerEntry._meta.db_table
    start = scheme.starting_balance
    build = f"""INSERT INTO {table} (scheme_id, subject_type, subject_id, cycle, points, division_code, updated_at)
        SELECT %s, %s, subject_id, %s, %s + SUM(points), '', %s FROM {ledger_table}
        WHERE scheme_id = %s AND cycle = %s GROUP BY subject_id ORDER BY subject_id"""
    bulk = f"""{build}
        ON CONFLICT (scheme_id, subject_type, subject_id, cycle)
        DO UPDATE SET points = excluded.points, updated_at = excluded.updated_at
        WHERE {table}.points <> excluded.points"""
    bulk_params: list[Any] = [scheme.pk, scheme.subject_type, cycle, start, timezone.now(), scheme.pk, cycle]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":  # hash a city's subjects in memory, not on disk
            cur.execute("SET LOCAL work_mem = '64MB'")
        if not Balance.objects.filter(scheme=scheme, cycle=cycle).exists():  # nothing cached: build it
            try:
                with transaction.atomic():
                    cur.execute(build, bulk_params)
                    return cur.rowcount
            except IntegrityError:  # a posting cached a subject meanwhile: upsert instead
                pass
            cur.execute(bulk, bulk_params)
            return cur.rowcount
        cur.execute(
            f"""SELECT COALESCE(t.subject_id, b.subject_id), %s + COALESCE(t.s, 0)
            FROM (SELECT subject_id, SUM(points) AS s FROM {ledger_table}
                  WHERE scheme_id = %s AND cycle = %s GROUP BY subject_id) t
            FULL OUTER JOIN (SELECT subject_id, points FROM {table}
                             WHERE scheme_id = %s AND subject_type = %s AND cycle = %s) b
              ON b.subject_id = t.subject_id
            WHERE b.points IS NULL OR b.points <> %s + COALESCE(t.s, 0)""",
            [start, scheme.pk, cycle, scheme.pk, scheme.subject_type, cycle, start],
        )
        wrong = cur.fetchall()
        repaired = len(wrong)
        now = timezone.now()
        if len(wrong) > BULK_REPAIR:  # many repairs: one statement from the ledger, then the orphans
            cur.execute(bulk, bulk_params)
            wrong = [(sid, points) for sid, points in wrong if points == start]  # cached rows without entries
        if wrong:
            cur.executemany(
                f"""INSERT INTO {table} (scheme_id, subject_type, subject_id, cycle, points, division_code, updated_at)
                VALUES (%s, %s, %s, %s, %s, '', %s)
                ON CONFLICT (scheme_id, subject_type, subject_id, cycle)
                DO UPDATE SET points = excluded.points, updated_at = excluded.updated_at""",
                [(scheme.pk, scheme.subject_type, sid, cycle, points, now) for sid, points in wrong],
            )
    return repaired
