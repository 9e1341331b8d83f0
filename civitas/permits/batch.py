"""Eligibility of every resident in one pass: numpy over period rows read in one ordered query.

Gives the same verdicts as `eligibility.eligibility` (tested against it) without building evidence:
a person's page computes the evidence on demand. Rows are (person_id, start, end, verified, purpose,
has_employer) ordered by person then start; dates as days since 1970-01-01, open end as None.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from civitas.permits.eligibility import Rules

EPOCH = datetime.date(1970, 1, 1)
OPEN = np.int64(2**40)  # an end far in the future stands for "still living there"
Row = tuple[int, int, int | None, bool, str, bool]


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


@dataclass(frozen=True)
class BatchResult:
    person_id: NDArray[np.int64]
    eligible: NDArray[np.bool_]
    residence: NDArray[np.bool_]
    since: NDArray[np.int64]  # days since epoch of the current run's start (-1 = none)
    job: NDArray[np.bool_]
    home: NDArray[np.bool_]
    study: NDArray[np.bool_]

    def as_dict(self) -> dict[int, bool]:
        return dict(zip(self.person_id.tolist(), self.eligible.tolist(), strict=True))

    @property
    def count(self) -> int:
        return int(self.eligible.sum())


def _add_months(days: NDArray[np.int64], months: int) -> NDArray[np.int64]:
    """Vectorised `eligibility.add_months` (clamped to the month's end)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_in_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    return (target.astype("datetime64[D]") + np.minimum(day_in_month, last)).astype(np.int64)


def evaluate(
    rows: Sequence[Row] | Iterable[Row],
    today: datetime.date,
    rules: Rules | None = None,
    facts: Mapping[str, set[int]] | None = None,
) -> BatchResult:
    """`facts` maps "employment" / "owned_home" / "study" to ids of people with such a fact current today."""
    rules = rules or Rules()
    facts = facts or {}
    data = rows if isinstance(rows, list) else list(rows)
    t = day_number(today)
    if not data:
        empty = np.zeros(0, dtype=np.int64)
        no = np.zeros(0, dtype=bool)
        return BatchResult(empty, no, no, empty, no, no, no)
    columns = list(zip(*data, strict=True))
    person = np.fromiter(columns[0], dtype=np.int64, count=len(data))
    start = np.fromiter(columns[1], dtype=np.int64, count=len(data))
    end = np.fromiter((OPEN if e is None else e for e in columns[2]), dtype=np.int64, count=len(data))
    verified = np.fromiter(columns[3], dtype=bool, count=len(data))
    purpose = np.asarray(columns[4], dtype=object)
    employer = np.fromiter(columns[5], dtype=bool, count=len(data))
    everyone = np.unique(person)

    keep = verified & (start <= t)
    person, start, end, purpose, employer = person[keep], start[keep], end[keep], purpose[keep], employer[keep]
    n = person.shape[0]
    result_residence = np.zeros(everyone.shape[0], dtype=bool)
    since_all = np.full(everyone.shape[0], -1, dtype=np.int64)
    flags = {k: np.zeros(everyone.shape[0], dtype=bool) for k in ("job", "home", "study")}
    if n:
        new_person = np.ones(n, dtype=bool)
        new_person[1:] = person[1:] != person[:-1]
        # running max of ends within a person: persons ascend, so offsetting by person keeps groups apart
        span = np.int64(2**41)
        reach = np.maximum.accumulate((person - person.min()) * span + end) - (person - person.min()) * span
        prev_reach = np.empty(n, dtype=np.int64)
        prev_reach[0] = -OPEN
        prev_reach[1:] = reach[:-1]
        gap_break = (start - prev_reach) > rules.gap_tolerance_days
        run_start = new_person | gap_break
        run_id = np.cumsum(run_start) - 1
        last_row = np.empty(n, dtype=bool)
        last_row[-1] = True
        last_row[:-1] = new_person[1:]
        ids = person[last_row]
        last_run = run_id[last_row]
        run_first = np.flatnonzero(run_start)  # row index where each run begins
        since = start[run_first[last_run]]
        current = (reach[last_row] == OPEN) | ((t - reach[last_row]) <= rules.gap_tolerance_days)
        ready = _add_months(since, rules.min_residence_months)
        residence = current & (t >= ready)
        pos = np.searchsorted(everyone, ids)
        result_residence[pos] = residence
        since_all[pos] = np.where(current, since, -1)
        # rows of the current run that cover today
        in_last_run = run_id == np.repeat(last_run, np.diff(np.append(np.flatnonzero(new_person), n)))
        covering = in_last_run & (end > t)
        job_rows = covering & np.isin(purpose, list(rules.job_purposes)) & employer
        study_rows = covering & np.isin(purpose, list(rules.study_purposes))
        home_rows = covering if rules.tenancy_is_home else np.zeros(n, dtype=bool)
        for name, row_flags in (("job", job_rows), ("home", home_rows), ("study", study_rows)):
            hit = np.unique(person[row_flags & np.repeat(current, np.diff(np.append(np.flatnonzero(new_person), n)))])
            flags[name][np.searchsorted(everyone, hit)] = True
    for name, kind in (("job", "employment"), ("home", "owned_home"), ("study", "study")):
        extra = facts.get(kind)
        if extra:
            flags[name] |= np.isin(everyone, np.fromiter(extra, dtype=np.int64))
    eligible = result_residence & (flags["job"] | flags["home"] | flags["study"])
    return BatchResult(everyone, eligible, result_residence, since_all, flags["job"], flags["home"], flags["study"])


def current_facts(today: datetime.date) -> dict[str, set[int]]:
    """People with an officer-recorded fact current today, by kind."""
    from django.db.models import Q

    from civitas.permits.models import EvidenceFact

    out: dict[str, set[int]] = {"employment": set(), "owned_home": set(), "study": set()}
    rows = EvidenceFact.objects.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)
    for person_id, kind in rows.values_list("person_id", "kind"):
        out[kind].add(person_id)
    return out


def residence_rows_sql(vendor: str) -> str:
    """The one ordered query over the residence app's tables (same rows `residence_periods` reads)."""
    days = (
        ("(r.start - DATE '1970-01-01')", "(r.\"end\" - DATE '1970-01-01')")
        if vendor == "postgresql"
        else ("CAST(julianday(r.start) - 2440587.5 AS INTEGER)", 'CAST(julianday(r."end") - 2440587.5 AS INTEGER)')
    )
    return (
        f"SELECT r.person_id, {days[0]}, {days[1]}, r.confirmed, d.purpose, d.employer <> '' "
        "FROM residence_residency r JOIN residence_declaration d ON d.id = r.declaration_id "
        "WHERE NOT r.cancelled ORDER BY r.person_id, r.start, r.id"
    )


def evaluate_all(today: datetime.date, rules: Rules | None = None) -> BatchResult:
    """Every person with residence rows, from the database in one query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(residence_rows_sql(connection.vendor))
        rows: list[Any] = cursor.fetchall()
    return evaluate(rows, today, rules, current_facts(today))
