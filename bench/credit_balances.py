"""Issue 4 benchmark: recompute every landlord balance from the ledger, and replay a full year under a draft
rule set, each against a single SQL aggregate over the same ledger in the same run.

    .venv/bin/python bench/credit_balances.py --scale small   # 50,000 landlords  (~2 min)
    .venv/bin/python bench/credit_balances.py --scale full    # 500,000 landlords (PostgreSQL)

The ledger is loaded with COPY into a throw-away PostgreSQL database (`civitas_bench_credit`): about
three facts per landlord per year over two years, helping-out bursts that hit the monthly cap, 1% of
deductions reversed; then VACUUM ANALYZE (an established ledger has been vacuumed). Loading is not timed.
Timed, best of three:
  aggregate        SELECT subject_id, SUM(points) … GROUP BY subject_id (the floor: no caching, no checks)
  recompute (warm) ledger.recompute_balances: the ledger's sums compared with the cache in one statement
                   (a full outer join), nothing to repair
  recompute (cold) the same with an empty cache (its rows deleted and vacuumed away): every balance row
                   written by one INSERT … SELECT … GROUP BY
  replay numpy     replay_batch.replay_numpy of last year under a draft (one fetch, one vectorised pass)
  replay SQL       simulation.replay_sql, the same in one SQL statement (window functions)
  replay Python    simulation.replay, the streaming reference (one run; all three checked equal)
The machine's load average is printed before and after the timings (the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time
from collections.abc import Callable
from typing import cast

from _common import ROOT, machine, use_postgres, write_section

SCALES = {"small": 50_000, "full": 500_000}
NOTES = "## Reading the results"
TOWNS = [
    "330782001",
    "330782002",
    "330782003",
    "330782004",
    "330782005",
    "330782006",
    "330782007",
    "330782008",
    "330782100",
    "330782101",
    "330782102",
    "330782104",
    "330782105",
    "330782106",
]
MIX = {
    "helping_out": 10,
    "self_inspection_clean": 6,
    "smart_access": 1,
    "fraud_stopped": 1,
    "tenant_undeclared": 8,
    "tenant_late": 12,
    "false_information": 2,
    "group_renting": 3,
    "household_file_incomplete": 3,
    "household_file_missing": 1,
    "ebike_window_charging": 4,
    "escape_window_blocked": 2,
    "ebike_indoor_charging": 4,
    "fire_hazard": 5,
    "foreigner_unregistered": 2,
    "rooms_unregistered_3plus": 1,
    "agreement_breached": 1,
}


def best_of(fn: Callable[[], object], n: int = 3, setup: Callable[[], object] | None = None) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        if setup is not None:
            setup()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def load(landlords: int, year: int, rng: random.Random) -> int:
    from django.db import connection

    from civitas.credit.models import Rule, Scheme

    scheme = Scheme.objects.get(code="landlord-12")
    rules = {r.code: r for r in Rule.objects.filter(rule_set__scheme=scheme)}
    codes, weights = list(MIX), list(MIX.values())
    n = 0
    cols = (
        "scheme_id, rule_set_id, rule_id, kind, subject_type, subject_id, division_code, points, "
        "requested_points, cycle, occurred_on, recorded_at, evidence_note, evidence_photo, explanation"
    )
    now = datetime.datetime.now(datetime.UTC)
    with (
        connection.cursor() as cur,
        cur.connection.cursor().copy(f"COPY credit_ledgerentry ({cols}) FROM STDIN") as copy,
    ):
        for sid in range(1, landlords + 1):
            division = rng.choice(TOWNS) + "001001"
            for cycle in (year - 1, year):
                used: dict[tuple[str, int], int] = {}
                facts = sorted(
                    (datetime.date(cycle, rng.randint(1, 12), rng.randint(1, 28)), rng.choices(codes, weights)[0])
                    for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5, 6)))
                )
                if rng.random() < 0.05:  # a keen helper: a burst that hits the +3/month cap
                    day = datetime.date(cycle, rng.randint(1, 12), 1)
                    facts += [(day + datetime.timedelta(days=i), "helping_out") for i in range(5)]
                for day, code in facts:
                    r = rules[code]
                    pts = r.points
                    if r.cap_points is not None:
                        key = (code, day.month)
                        room = max(0, r.cap_points - used.get(key, 0))
                        pts = min(room, pts)
                        used[key] = used.get(key, 0) + pts
                    copy.write_row(
                        (
                            scheme.pk,
                            r.rule_set_id,
                            r.pk,
                            "rule",
                            "landlord",
                            sid,
                            division,
                            pts,
                            r.points,
                            cycle,
                            day,
                            now,
                            "",
                            "",
                            "{}",
                        )
                    )
                    n += 1
    with connection.cursor() as cur:
        # 1% of last year's deductions annulled by a compensating entry.
        cur.execute(
            """INSERT INTO credit_ledgerentry (scheme_id, rule_set_id, rule_id, kind, subject_type, subject_id,
            division_code, points, requested_points, cycle, occurred_on, recorded_at, evidence_note, evidence_photo,
            explanation, reverses_id)
            SELECT scheme_id, rule_set_id, rule_id, 'reversal', subject_type, subject_id, division_code, -points,
                   -requested_points, cycle, occurred_on, recorded_at, '', '', '{}', id
            FROM credit_ledgerentry WHERE cycle = %s AND points < 0 AND id %% 100 = 7""",
            [year - 1],
        )
        n += cur.rowcount
        cur.execute("VACUUM ANALYZE credit_ledgerentry")
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--landlords", type=int, help="override the scale's number (quick checks; no report)")
    args = parser.parse_args()
    landlords = args.landlords or SCALES[args.scale]
    use_postgres("civitas_bench_credit")

    from django.db import connection, transaction
    from django.utils import timezone

    from civitas.credit import ledger, replay_batch, simulation
    from civitas.credit.models import Balance, RuleSet, Scheme

    year = timezone.localdate().year
    cycle = year - 1
    t = time.perf_counter()
    rows = load(landlords, year, random.Random(4))
    print(f"loaded {rows:,} ledger rows for {landlords:,} landlords in {time.perf_counter() - t:.1f}s", flush=True)
    scheme = Scheme.objects.get(code="landlord-12")
    v1 = RuleSet.objects.get(scheme=scheme, version=1)
    draft = RuleSet.objects.create(scheme=scheme, version=2, effective_from=datetime.date(year + 1, 1, 1), note="bench")
    for r in v1.rules.all():
        points = {"tenant_late": -2, "group_renting": -6}.get(r.code, r.points)
        draft.rules.create(
            code=r.code,
            description=r.description,
            points=points,
            cap_points=r.cap_points,
            cap_period=r.cap_period,
            mode=r.mode,
            evidence_required=r.evidence_required,
        )
    for th in v1.thresholds.all():
        draft.thresholds.create(
            code=th.code,
            min_points=th.min_points,
            max_points=7 if th.code == "training" else th.max_points,
            consequences=th.consequences,
            description=th.description,
        )

    def aggregate() -> int:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL work_mem = '{simulation.ANALYTIC_WORK_MEM}'")  # same memory as the others
            cur.execute(
                "SELECT subject_id, SUM(points) FROM credit_ledgerentry WHERE scheme_id = %s AND cycle = %s "
                "GROUP BY subject_id",
                [scheme.pk, cycle],
            )
            return len(cur.fetchall())

    def empty_cache() -> None:
        Balance.objects.filter(scheme=scheme, cycle=cycle).delete()
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {Balance._meta.db_table}")

    load_before = os.getloadavg()
    t_agg, subjects = best_of(aggregate)
    t_cold, written = best_of(lambda: ledger.recompute_balances(scheme, cycle), setup=empty_cache)
    t_warm, repaired = best_of(lambda: ledger.recompute_balances(scheme, cycle))
    t_np, out_np = best_of(lambda: replay_batch.replay_numpy(scheme, draft, cycle))
    t_sql, out_sql = best_of(lambda: simulation.replay_sql(scheme, draft, cycle))
    t_agg2, _ = best_of(aggregate)  # the floor again, after the others: the lower of the two is used
    t_agg = min(t_agg, t_agg2)
    t_py, out_py = best_of(lambda: simulation.replay(scheme, draft, cycle), n=1)
    load_after = os.getloadavg()
    sim_np, sim_sql, sim_py = (cast(simulation.SimulationResult, o) for o in (out_np, out_sql, out_py))
    assert sim_sql.as_dict() == sim_py.as_dict(), "the SQL and Python replays disagree"
    assert sim_np.as_dict() == sim_py.as_dict(), "the numpy and Python replays disagree"
    assert written == subjects and repaired == 0

    rows_md = [
        ("single SQL aggregate (floor)", t_agg),
        ("recompute all balances, cache warm (verify, 0 repairs)", t_warm),
        ("recompute all balances, cache empty (write every row)", t_cold),
        ("full-year simulation replay under a draft, numpy (used by the pages and API)", t_np),
        ("full-year simulation replay under a draft, one SQL statement", t_sql),
        ("full-year simulation replay under a draft, Python reference", t_py),
    ]
    crossed = {r.code: r.crossed_total for r in sim_sql.rows}
    table = "\n".join(f"| {label} | {secs:.3f} | {secs / t_agg:.1f}× |" for label, secs in rows_md)
    loads = f"{load_before[0]:.1f} before the timings, {load_after[0]:.1f} after"
    text = f"""# Credit ledger benchmark (issue 4)

`flock /tmp/civitas-bench.lock .venv/bin/python bench/credit_balances.py --scale {args.scale}` — {landlords:,}
landlords, {rows:,} ledger rows over two cycles (last year: {subjects:,} landlords with entries, {sim_py.facts:,}
facts to replay), PostgreSQL; {machine()}; load average {loads}.
Best of three runs (the Python replay: one run; the aggregate: best of six, three before and three after
the others). Ratio = time ÷ the single SQL aggregate over the same ledger, in the same run.

| operation | seconds | × aggregate |
|---|---:|---:|
{table}

Goal: within 3× of the raw aggregate. The numpy, SQL and Python replays give identical counts
(asserted). Under the draft (tenant_late −2, group_renting −6, training at ≤ 7) last year's facts would have
taken {crossed.get('reminder', 0):,} landlords to the reminder band, {crossed.get('training', 0):,} to training
and {crossed.get('suspension', 0):,} to suspension.
"""
    print(text)
    if not args.landlords:
        # keep the hand-written reading of the results that follows the generated part
        doc = ROOT / "docs" / "benchmarks" / "credit.md"
        old = doc.read_text() if doc.exists() else ""
        notes = old[old.index(NOTES) :] if NOTES in old else ""
        write_section("credit", text + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    main()
