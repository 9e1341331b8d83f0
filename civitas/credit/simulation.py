"""Rule simulation: replay a cycle's facts under a draft rule set and count who would cross each threshold.

The facts are last cycle's applied rules (entries of kind "rule" that were not reversed): who, when,
which rule, where. Under the draft, each fact scores the draft's points for its rule code (a code the
draft drops scores nothing), with the draft's caps; the running balance starts at the scheme's
starting balance. A subject "crosses" a threshold when the band did not hold at the start but held
after some fact; "at end" counts those in the band when the cycle closes. Counts are per township
(the first 9 digits of the division code of the subject's latest fact).

Two implementations give the same answer: `replay` (Python, streaming the facts; the readable reference)
and `replay_sql` (one SQL statement with window functions, for city-wide runs; see bench/credit_balances.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from civitas.credit.choices import CapPeriod, EntryKind
from civitas.credit.models import LedgerEntry, RuleSet, Scheme

Fact = tuple[int, datetime.date, str, str]
ANALYTIC_WORK_MEM = "64MB"  # subject id, day, rule code, division code


@dataclass
class ThresholdRow:
    code: str
    label: str
    crossed: dict[str, int] = field(default_factory=dict)
    at_end: dict[str, int] = field(default_factory=dict)

    @property
    def crossed_total(self) -> int:
        return sum(self.crossed.values())

    @property
    def at_end_total(self) -> int:
        return sum(self.at_end.values())


@dataclass
class SimulationResult:
    scheme: str
    version: int
    cycle: int
    subjects: int = 0
    facts: int = 0
    ignored_facts: int = 0
    rows: list[ThresholdRow] = field(default_factory=list)

    @property
    def townships(self) -> list[str]:
        return sorted({t for r in self.rows for t in (*r.crossed, *r.at_end)})

    def as_dict(self) -> dict[str, object]:
        return {
            "scheme": self.scheme,
            "version": self.version,
            "cycle": self.cycle,
            "subjects": self.subjects,
            "facts": self.facts,
            "ignored_facts": self.ignored_facts,
            "thresholds": [
                {
                    "code": r.code,
                    "label": r.label,
                    "crossed": r.crossed,
                    "at_end": r.at_end,
                    "crossed_total": r.crossed_total,
                    "at_end_total": r.at_end_total,
                }
                for r in self.rows
            ],
        }


def cycle_facts(scheme: Scheme, cycle: int, scope_code: str | None = None) -> Iterable[Fact]:
    """The cycle's applied, unreversed rules, ordered by subject then date (one streamed query)."""
    qs = LedgerEntry.objects.filter(scheme=scheme, cycle=cycle, kind=EntryKind.RULE, reversed_by__isnull=True)
    if scope_code:
        qs = qs.filter(division_code__startswith=scope_code)
    return (
        qs.order_by("subject_id", "occurred_on", "id")
        .values_list("subject_id", "occurred_on", "rule__code", "division_code")
        .iterator(chunk_size=20000)
    )


def replay(
    scheme: Scheme,
    rule_set: RuleSet,
    cycle: int,
    facts: Iterable[Fact] | None = None,
    scope_code: str | None = None,
) -> SimulationResult:
    rules = {r.code: r for r in rule_set.rules.all()}
    points = {c: r.points for c, r in rules.items()}
    caps = {c: (r.cap_points, r.cap_period) for c, r in rules.items() if r.cap_points is not None}
    thresholds = list(rule_set.thresholds.all())
    start = scheme.starting_balance
    bands = [(t.code, t.min_points, t.max_points) for t in thresholds]
    at_start = {code for code, lo, hi in bands if (lo is None or start >= lo) and (hi is None or start <= hi)}
    watch = [(code, lo, hi) for code, lo, hi in bands if code not in at_start]
    crossed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    at_end: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    result = SimulationResult(scheme.code, rule_set.version, cycle)

    def close(balance: int, hit: set[str], township: str) -> None:
        result.subjects += 1
        for code in hit:
            crossed[code][township] += 1
        for code, lo, hi in bands:
            if (lo is None or balance >= lo) and (hi is None or balance <= hi):
                at_end[code][township] += 1

    current: int | None = None
    balance, hit, township = start, set[str](), ""
    used: dict[tuple[str, int], int] = {}
    for subject_id, day, code, division in facts if facts is not None else cycle_facts(scheme, cycle, scope_code):
        if subject_id != current:
            if current is not None:
                close(balance, hit, township)
            current, balance, hit, used = subject_id, start, set(), {}
        result.facts += 1
        township = division[:9]
        pts = points.get(code)
        if pts is None:
            result.ignored_facts += 1
            continue
        cap = caps.get(code)
        if cap is not None:
            key = (code, day.month if cap[1] == CapPeriod.MONTH else 0)
            room = max(0, cap[0] - abs(used.get(key, 0)))
            pts = max(-room, min(room, pts))
            used[key] = used.get(key, 0) + pts
        balance += pts
        for band, lo, hi in watch:
            if (lo is None or balance >= lo) and (hi is None or balance <= hi):
                hit.add(band)
    if current is not None:
        close(balance, hit, township)
    result.rows = [
        ThresholdRow(t.code, t.text(), dict(crossed.get(t.code, {})), dict(at_end.get(t.code, {}))) for t in thresholds
    ]
    return result


def _band(lo: int | None, hi: int | None) -> tuple[int, int]:
    return (-(10**9) if lo is None else lo, 10**9 if hi is None else hi)


def replay_sql(scheme: Scheme, rule_set: RuleSet, cycle: int, scope_code: str | None = None) -> SimulationResult:
    """The same replay as `replay`, computed by the database in one statement (window functions)."""
    from django.db import connection

    sql, params, watch, bands = replay_statement(scheme, rule_set, cycle, scope_code)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":  # sort a city's year in memory, not on disk
            cur.execute(f"SET LOCAL work_mem = '{ANALYTIC_WORK_MEM}'")
        cur.execute(sql, params)
        rows = cur.fetchall()
    result = SimulationResult(scheme.code, rule_set.version, cycle)
    crossed: dict[str, dict[str, int]] = defaultdict(dict)
    at_end: dict[str, dict[str, int]] = defaultdict(dict)
    for town, subjects, facts, ignored, *counts in rows:
        result.subjects += int(subjects)
        result.facts += int(facts)
        result.ignored_facts += int(ignored or 0)
        for i, (code, _lo, _hi) in enumerate(watch):
            if counts[i]:
                crossed[code][town] = int(counts[i])
        for k, (code, _lo, _hi) in enumerate(bands):
            if counts[len(watch) + k]:
                at_end[code][town] = int(counts[len(watch) + k])
    result.rows = [
        ThresholdRow(t.code, t.text(), crossed.get(t.code, {}), at_end.get(t.code, {}))
        for t in rule_set.thresholds.all()
    ]
    return result


Band = tuple[str, int, int]


def replay_statement(
    scheme: Scheme, rule_set: RuleSet, cycle: int, scope_code: str | None = None
) -> tuple[str, list[Any], list[Band], list[Band]]:
    """The SQL of `replay_sql`, its parameters, the bands watched for crossing and all bands."""
    from django.db import connection

    from civitas.credit.models import Rule

    draft_rules = {r.code: r for r in rule_set.rules.all()}
    codes = sorted({*draft_rules, *Rule.objects.filter(rule_set__scheme=scheme).values_list("code", flat=True)})
    start = scheme.starting_balance
    pg = connection.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if pg else ("MIN", "MAX")
    month = "EXTRACT(MONTH FROM day)" if pg else "CAST(strftime('%%m', day) AS INTEGER)"
    bands = [(t.code, *_band(t.min_points, t.max_points)) for t in rule_set.thresholds.all()]
    watch = [(code, lo, hi) for code, lo, hi in bands if not lo <= start <= hi]
    # Every rule row of the scheme (any version) -> the draft's points and cap for its code (by number).
    params: list[Any] = []
    rows = []
    for rule_id, code in Rule.objects.filter(rule_set__scheme=scheme).values_list("id", "code"):
        r = draft_rules.get(code)
        rows.append(
            "(CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER), "
            "CAST(%s AS INTEGER), CAST(%s AS INTEGER))"
        )
        params += [
            rule_id,
            codes.index(code),
            r.points if r else 0,
            -1 if r is None or r.cap_points is None else r.cap_points,
            1 if r is not None and r.cap_period == CapPeriod.MONTH else 0,
            0 if r else 1,
        ]
    draft = ", ".join(rows) or "(0, 0, 0, -1, 0, 1)"
    params += [scheme.pk, cycle, EntryKind.RULE]
    scope_sql = ""
    if scope_code:
        scope_sql = "AND f0.division_code LIKE %s"
        params.append(scope_code + "%")
    params += [scheme.pk, cycle]
    hits = (
        ", ".join(
            f"MAX(CASE WHEN run BETWEEN {lo} AND {hi} THEN 1 ELSE 0 END) AS h{i}"
            for i, (_c, lo, hi) in enumerate(watch)
        )
        or "0 AS h_none"
    )
    sums = ", ".join(
        [f"SUM(h{i})" for i in range(len(watch))]
        + [f"SUM(CASE WHEN final BETWEEN {lo} AND {hi} THEN 1 ELSE 0 END)" for _c, lo, hi in bands]
    )
    sql = f"""
    WITH d(rule_id, code, pts, cap, monthly, ignored) AS (VALUES {draft}),
    f AS (
      SELECT f0.subject_id AS s, f0.occurred_on AS day, f0.id AS id, f0.division_code AS town,
             d.code AS code, d.pts AS pts, d.cap AS cap, d.ignored AS ignored, d.monthly AS monthly
      FROM credit_ledgerentry f0
      JOIN d ON d.rule_id = f0.rule_id
      WHERE f0.scheme_id = %s AND f0.cycle = %s AND f0.kind = %s {scope_sql}
        AND f0.id NOT IN (SELECT x.reverses_id FROM credit_ledgerentry x
                          WHERE x.scheme_id = %s AND x.cycle = %s AND x.reverses_id IS NOT NULL)
    ),
    capped AS (
      SELECT s, day, id, town, ignored, pts, cap,
             SUM(pts) OVER (PARTITION BY s, code, CASE WHEN monthly = 1 THEN {month} ELSE 0 END
                            ORDER BY day, id ROWS UNBOUNDED PRECEDING) AS cum
      FROM f WHERE cap >= 0
    ),
    a AS (
      SELECT s, day, id, town, ignored, pts AS applied FROM f WHERE cap < 0
      UNION ALL
      SELECT s, day, id, town, ignored,
             CASE WHEN pts >= 0 THEN {least}(cap, cum) - {least}(cap, cum - pts)
                  ELSE {greatest}(-cap, cum) - {greatest}(-cap, cum - pts) END
      FROM capped
    ),
    rr AS (
      SELECT s, ignored, applied, town,
             {start} + SUM(applied) OVER w AS run,
             CASE WHEN LEAD(id) OVER w IS NULL THEN 1 ELSE 0 END AS is_last
      FROM a WINDOW w AS (PARTITION BY s ORDER BY day, id ROWS UNBOUNDED PRECEDING)
    ),
    per AS (
      SELECT s, SUBSTR(MAX(CASE WHEN is_last = 1 THEN town END), 1, 9) AS town, {start} + SUM(applied) AS final,
             COUNT(*) AS n, SUM(ignored) AS ign, {hits}
      FROM rr GROUP BY s
    )
    SELECT town, COUNT(*), SUM(n), SUM(ign), {sums} FROM per GROUP BY town
    """
    return sql, params, watch, bands
