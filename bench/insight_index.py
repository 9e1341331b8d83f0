"""Issue 9 benchmark: every registry indicator for the 14 townships and 544 communities over 24 months,
beside the raw SQL aggregates they run, and the ZJU-template index with 1,000 Monte Carlo runs.

    .venv/bin/python bench/insight_index.py --scale small   # 20,000 residents, 100,000 events
    .venv/bin/python bench/insight_index.py --scale full    # 200,000 residents, 5,000,000 events

"full" loads the event volume of the 2 M-resident city's two years (≈ 2.5 domain events per resident)
over a registry of 200,000 residents (generating 2 M encrypted residents alone takes ~10 min; residents
only feed the "per 10,000 residents" denominators). Events are written with COPY into a throw-away
PostgreSQL database, spread over the grid units in proportion to their rented rooms.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
import zoneinfo
from typing import Any

from _common import machine, timer, use_postgres, write_section

SCALES = {"small": (20_000, 100_000), "full": (200_000, 5_000_000)}
TODAY = datetime.date(2026, 11, 1)
START = datetime.date(2024, 11, 1)
END = datetime.date(2026, 10, 1)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
KINDS = [  # kind, weight, payload maker
    ("residence.declaration_verified", 40, lambda r: {"foreign": r.random() < 0.04}),
    ("residence.declaration_late", 6, lambda r: {"foreign": r.random() < 0.06, "days_late": r.randint(1, 30)}),
    ("residence.checked_out", 25, lambda r: {"foreign": False}),
    ("residence.over_capacity", 1, lambda r: {"capacity": 2, "occupants": 3}),
    ("inspections.hazard_confirmed", 3, lambda r: {"credit": {"rule": "fire_hazard"}}),
    ("inspections.hazard_closed", 2.5, lambda r: {}),
    ("mediation.agreement_breached", 0.3, lambda r: {"credit": {"rule": "agreement_breached"}}),
    ("credit.consequence_started", 1, lambda r: {}),
    (
        "credit.points_awarded",
        4,
        lambda r: {
            "credit": {"rule": r.choice(["self_inspection_clean", "helping_out", "smart_access", "fraud_stopped"])}
        },
    ),
]


def _load_events(n: int, rng: random.Random) -> int:
    """``n`` events over 24 months, grids weighted by rented rooms; vectorised draws, COPY in text form."""
    import numpy as np
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from civitas.core.models import DomainEvent
    from civitas.places.models import Room
    from civitas.synthetic.loader import write_rows

    grids = list(Room.objects.values_list("property__division_id").annotate(n=Count("id")))
    codes = np.array([g for g, _ in grids])
    gen = np.random.default_rng(rng.randrange(2**32))
    grid_weights = np.array([w for _, w in grids], dtype=float)
    kind_weights = np.array([w for _, w, _ in KINDS], dtype=float)
    grid_pick = gen.choice(len(codes), size=n, p=grid_weights / grid_weights.sum())
    kind_pick = gen.choice(len(KINDS), size=n, p=kind_weights / kind_weights.sum())
    base = datetime.datetime(START.year, START.month, START.day, tzinfo=TZ)
    seconds = gen.integers(0, (END - START).days * 86400 + 30 * 86400, size=n)
    variants = [[json.dumps(maker(rng)) for _ in range(8)] for _, _, maker in KINDS]
    variant_pick = gen.integers(0, 8, size=n)
    subjects = gen.integers(1, 10**6, size=n)
    now = timezone.now().isoformat()

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            kind = int(kind_pick[i])
            when = (base + datetime.timedelta(seconds=int(seconds[i]))).isoformat()
            yield (
                KINDS[kind][0],
                when,
                codes[grid_pick[i]],
                "person",
                str(subjects[i]),
                variants[kind][variant_pick[i]],
                now,
            )

    count = write_rows(
        DomainEvent,
        ["kind", "occurred_at", "division_code", "subject_type", "subject_id", "payload", "created_at"],
        rows(),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_domainevent")
    return count


def _raw_seconds(indicator: Any, extract: Any) -> float:
    """The indicator's grouped queries, executed as raw SQL and fetched (no Django, no pandas)."""
    from django.db import connection

    total = 0.0
    for tally in indicator.tallies():
        sql, params = tally.queryset(extract).query.sql_with_params()
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        total += time.perf_counter() - t
    return total


def _best(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--mc", type=int, default=1000)
    ap.add_argument("--residents", type=int, help="override the scale's residents")
    ap.add_argument("--events", type=int, help="override the scale's events")
    args = ap.parse_args()
    residents, events = SCALES[args.scale]
    residents, events = args.residents or residents, args.events or events
    use_postgres("civitas_bench_insight")
    from civitas.insight import actions, coin, indicators
    from civitas.insight.choices import UnitLevel
    from civitas.insight.datasets import build_dataset, units_of
    from civitas.insight.frameworks import framework_records, to_coin
    from civitas.insight.indicators import Extract
    from civitas.synthetic.city import generate

    rng = random.Random(2026)
    r: dict[str, float] = {}
    print(f"city of {residents:,} residents, {events:,} events over 24 months")
    with timer("generate registry", r):
        generate(seed=2026, residents=residents, today=TODAY, populate_apps=False, log=lambda m: None)
    with timer("load events (COPY)", r):
        loaded = _load_events(events, rng)

    rows = []
    totals = {"extract": 0.0, "raw": 0.0}
    for level, label in ((UnitLevel.TOWNSHIP, "townships"), (UnitLevel.COMMUNITY, "communities")):
        units = list(units_of(level, "330782"))
        extract = Extract(level, "330782", START, END)
        for indicator in indicators.available():
            raw, _ = _best(lambda ind=indicator, ex=extract: _raw_seconds(ind, ex))
            ours, _ = _best(lambda ind=indicator, ex=extract, us=units: indicators.extract(ind, ex, us).period_values())
            totals["extract"] += ours
            totals["raw"] += raw
            rows.append((label, len(units), indicator.code, raw, ours))
            print(f"  {label} {indicator.code}: raw {raw * 1000:.1f} ms, extract {ours * 1000:.1f} ms", flush=True)

    framework = actions.do_install_template(acting_user=None)
    records = framework_records(framework)
    community = Extract(UnitLevel.COMMUNITY, "330782", START, END)
    with timer("dataset: all template indicators, 544 communities, 24 months", r):
        dataset = build_dataset(records, community)
    with timer("pipeline (impute, treat, normalise, aggregate)", r):
        built = actions.build_tolerant(dataset, actions.pipeline_options(actions.DEFAULT_OPTIONS, 12), True)
    with timer(f"Monte Carlo, {args.mc} runs", r):
        analysis = coin.run_sensitivity(built, runs=args.mc, seed=1, weight_noise=0.25)
    with timer(f"stored IndexRun end to end (extract + pipeline + {args.mc} MC + save)", r):
        run = actions.do_compute_run(
            framework,
            acting_user=None,
            level=UnitLevel.COMMUNITY,
            scope_code="330782",
            period_start=START,
            period_end=END,
            mc_runs=args.mc,
            seed=1,
        )
    assert run.status == "done", run.error
    assert len(analysis.summary) == len(dataset.table)
    to_coin(dataset.records)

    ratio = totals["extract"] / totals["raw"] if totals["raw"] else float("nan")
    lines = [
        "# Insight benchmarks (issue 9)",
        "",
        f"Run: `.venv/bin/python bench/insight_index.py {' '.join(sys.argv[1:])}` on {machine()}, "
        f"{datetime.date.today()}.",
        "",
        f"City: {residents:,} residents (registry generator), {loaded:,} domain events over 24 months "
        f"({START:%Y-%m} – {END:%Y-%m}), 14 townships, 544 communities. Each indicator is extracted for all "
        "units and months through `civitas.insight.indicators.extract` (grouped SQL + pandas, period value "
        "and reasons for gaps) beside the very same grouped SQL statements run raw through a cursor and "
        "fetched. Best of 3.",
        "",
        "| units | indicator | raw SQL aggregates | extraction | ratio |",
        "|---|---|---|---|---|",
    ]
    for label, count, code, raw, ours in rows:
        lines.append(
            f"| {count} {label} | {code} | {raw * 1000:.1f} ms | {ours * 1000:.1f} ms | "
            f"{ours / raw if raw else float('nan'):.2f}× |"
        )
    lines += [
        f"| **all** | **{len(rows)} extractions** | **{totals['raw']:.2f} s** | **{totals['extract']:.2f} s** | "
        f"**{ratio:.2f}×** (goal ≤ 2×) |",
        "",
        "| index step | time |",
        "|---|---|",
    ]
    for label, seconds in r.items():
        if label.startswith(("generate", "load")):
            continue
        goal = " (goal < 60 s)" if label.startswith("Monte Carlo") else ""
        lines.append(f"| {label} | {seconds:.2f} s{goal} |")
    lines += [
        "",
        f"Indicators left out of the index run (no spread or no data in this synthetic history): "
        f"{', '.join(e['indicator'] for e in run.details.get('excluded', [])) or 'none'}.",
        "",
    ]
    write_section("insight", "\n".join(lines))


if __name__ == "__main__":
    main()
