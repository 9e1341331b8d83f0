"""Issue 9 benchmark: every registry indicator for the 14 townships and 544 communities over 24 months,
beside the raw SQL aggregates they run, and the ZJU-template index with 1,000 Monte Carlo runs.

    flock /tmp/civitas-bench.lock .venv/bin/python bench/insight_index.py --scale small
    flock /tmp/civitas-bench.lock .venv/bin/python bench/insight_index.py --scale full
    flock /tmp/civitas-bench.lock .venv/bin/python bench/insight_index.py --reuse-db civitas_bench_residence_full

The city is the registry generator's with its residence history (declarations, residencies), built into a
throw-away database ``civitas_bench_insight`` — or, with ``--reuse-db SRC``, that database is a copy of an
already loaded one (``CREATE DATABASE … TEMPLATE SRC``: the source is only read, never changed; nobody may
be connected to it). Then everything else the registered indicators read is written set-based in PostgreSQL
(INSERT … SELECT over generate_series, see LOAD_SQL): domain events spread over the grids in proportion to
their rented rooms, late declarations, permits for the eligible, schools, mediation cases, online service
applications, credit ledger entries and balances, inspections and hazards. Loading is not measured.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import zoneinfo
from typing import Any

from _common import machine, timer, use_postgres, write_section

SCALES = {"small": (20_000, 100_000), "full": (2_000_000, 5_000_000)}  # residents, domain events
DB = "civitas_bench_insight"
START = datetime.date(2024, 11, 1)
END = datetime.date(2026, 10, 1)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


# Everything the registered indicators read, written set-based in PostgreSQL (INSERT … SELECT over
# generate_series; not measured). %(start)s / %(after)s bound the 24 months in local time, %(today)s is the
# date the stock indicators count on (permits, balances: today, as the indicators do).
LOAD_SQL: list[tuple[str, str]] = [
    (
        "rooms by row number",
        """CREATE TEMP TABLE bench_room AS
           SELECT row_number() OVER (ORDER BY r.id) AS n, p.division_id AS grid, p.landlord_id AS landlord
           FROM places_room r JOIN places_rentalproperty p ON p.id = r.property_id WHERE p.status = 'active';
           CREATE UNIQUE INDEX ON bench_room (n); ANALYZE bench_room""",
    ),
    (
        "domain events",
        """INSERT INTO core_domainevent
               (kind, occurred_at, division_code, subject_type, subject_id, payload, created_at, attempts, last_error)
           SELECT k.kind, e.at, b.grid, 'person', (1 + floor(random() * 2000000))::bigint::text, k.payload,
                  now(), 0, ''
           FROM (SELECT g, random() AS pick, random() AS flag,
                        %(start)s::timestamptz + random() * (%(after)s::timestamptz - %(start)s::timestamptz) AS at,
                        1 + floor(random() * (SELECT count(*) FROM bench_room))::bigint AS room
                 FROM generate_series(1, %(events)s) g) e
           JOIN bench_room b ON b.n = e.room
           CROSS JOIN LATERAL (SELECT CASE
               WHEN e.pick < 0.48 THEN 'residence.declaration_verified'
               WHEN e.pick < 0.55 THEN 'residence.declaration_late'
               WHEN e.pick < 0.85 THEN 'residence.checked_out'
               WHEN e.pick < 0.862 THEN 'residence.over_capacity'
               WHEN e.pick < 0.898 THEN 'inspections.hazard_confirmed'
               WHEN e.pick < 0.928 THEN 'inspections.hazard_closed'
               WHEN e.pick < 0.932 THEN 'mediation.agreement_breached'
               WHEN e.pick < 0.944 THEN 'credit.consequence_started'
               ELSE 'credit.points_awarded' END AS kind) kk
           CROSS JOIN LATERAL (SELECT kk.kind, CASE kk.kind
               WHEN 'residence.declaration_verified' THEN jsonb_build_object('foreign', e.flag < 0.04)
               WHEN 'residence.declaration_late' THEN jsonb_build_object('foreign', e.flag < 0.06,
                    'days_late', 1 + floor(e.flag * 30)::int)
               WHEN 'residence.checked_out' THEN '{"foreign": false}'::jsonb
               WHEN 'residence.over_capacity' THEN '{"capacity": 2, "occupants": 3}'::jsonb
               WHEN 'inspections.hazard_confirmed' THEN '{"credit": {"rule": "fire_hazard"}}'::jsonb
               WHEN 'mediation.agreement_breached' THEN '{"credit": {"rule": "agreement_breached"}}'::jsonb
               WHEN 'credit.points_awarded' THEN jsonb_build_object('credit', jsonb_build_object('rule',
                    (ARRAY['self_inspection_clean', 'helping_out', 'smart_access', 'fraud_stopped'])
                    [1 + floor(e.flag * 4)::int]))
               ELSE '{}'::jsonb END AS payload) k""",
    ),
]

LOAD_SQL += [
    (
        "declarations late (days_late > 0): 8 % of those in the window, 10 % of foreigners'",
        """UPDATE residence_declaration SET days_late = 1 + floor(random() * 30)::int
           WHERE declared_at >= %(start)s AND declared_at < %(after)s
             AND random() < CASE WHEN "foreign" THEN 0.10 ELSE 0.08 END""",
    ),
    (
        "permits: 60 % of the residents eligible for one (90 % valid, 10 % suspended)",
        """INSERT INTO permits_permit (number, status, issued_on, valid_until, residence_years_since, cancel_reason,
                                      division_id, person_id)
           SELECT 'B' || lpad(x.person_id::text, 12, '0'), CASE WHEN random() < 0.9 THEN 'valid' ELSE 'suspended' END,
                  x.start + 190, x.start + 555, x.start, '', x.division_id, x.person_id
           FROM (SELECT DISTINCT ON (r.person_id) r.person_id, r.division_id, r.start
                 FROM residence_residency r JOIN people_person p ON p.id = r.person_id
                 WHERE r."end" IS NULL AND NOT r.cancelled AND r.confirmed AND r.start <= %(today)s::date - 183
                   AND p.nationality = 'CHN' AND p.hometown_province <> '33'
                 ORDER BY r.person_id, r.start DESC) x
           WHERE random() < 0.6""",
    ),
    (
        "schools: 6 per township",
        """INSERT INTO permits_school (name, grade1_places, grade7_places, grade1_points_quota, grade7_points_quota,
                                      township_id)
           SELECT left(d.name, 60) || ' ' || g, 150 + floor(random() * 200)::int, 200, 40, 40, d.code
           FROM places_division d CROSS JOIN generate_series(1, 6) g WHERE length(d.code) = 9""",
    ),
    (
        "mediation cases: 60,000 over the window, 90 % closed",
        """INSERT INTO mediation_case (code, channel, category, amount, claimants, threats, repeat_parties, risk,
                    simple, description, language, hometown_province, status, strikes, queue_reason, queue_detail,
                    same_day, needs_person, created_at, closed_at, division_id)
           SELECT 'B' || g, 'online', 'rent', 1000, 1, false, false, 'low', true, '', 'zh', '', c.status, 0, '',
                  '{}'::jsonb, false, false, c.at, CASE WHEN c.status IN ('settled', 'referred', 'closed')
                  THEN c.at + (1 + random() * 40) * interval '1 day' END, b.grid
           FROM generate_series(1, 60000) g
           CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + random() * (%(after)s::timestamptz
                    - %(start)s::timestamptz - interval '45 days') AS at,
                  (ARRAY['settled', 'settled', 'settled', 'settled', 'settled', 'settled', 'referred', 'closed',
                         'closed', 'active'])[1 + floor(random() * 10)::int] AS status,
                  1 + floor(random() * (SELECT count(*) FROM bench_room))::bigint AS room, g AS k) c
           JOIN bench_room b ON b.n = c.room""",
    ),
    (
        "online service applications: 200,000, 95 % decided",
        """INSERT INTO services_application (reference, division_code, status, language, answers, submitted_at,
                    submitted_on, decision_note, person_id, service_id, decided_at, processing_days)
           SELECT 'B' || g, b.grid, a.status, 'zh-hans', '{}'::jsonb, a.at, (a.at AT TIME ZONE 'Asia/Shanghai')::date,
                  '', a.person, a.service, CASE WHEN a.status <> 'submitted' THEN a.at + a.days * interval '1 day' END,
                  CASE WHEN a.status <> 'submitted' THEN a.days END
           FROM generate_series(1, 200000) g
           CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + random() * (%(after)s::timestamptz
                    - %(start)s::timestamptz - interval '20 days') AS at,
                  CASE WHEN random() < 0.05 THEN 'submitted' WHEN random() < 0.9 THEN 'approved' ELSE 'refused' END
                    AS status,
                  (1 + floor(random() * 18))::int AS days,
                  (SELECT min(id) FROM people_person) + floor(random() * 2000000)::bigint AS person,
                  ((SELECT array_agg(id ORDER BY id) FROM services_service))[1 + floor(random() * 5)::int] AS service,
                  1 + floor(random() * (SELECT count(*) FROM bench_room))::bigint AS room, g AS k) a
           JOIN bench_room b ON b.n = a.room
           WHERE EXISTS (SELECT 1 FROM people_person p WHERE p.id = a.person)""",
    ),
    (
        "credit ledger: 120,000 landlord-scheme rule entries over the window",
        """INSERT INTO credit_ledgerentry (kind, subject_type, subject_id, division_code, points, requested_points,
                    cycle, occurred_on, recorded_at, evidence_note, evidence_photo, explanation, rule_id, rule_set_id,
                    scheme_id)
           SELECT 'rule', 'landlord', b.landlord, b.grid, r.points, r.points,
                  extract(year FROM l.day)::int, l.day, now(), '', '', '{}'::jsonb, r.id, r.rule_set_id, s.id
           FROM (SELECT g, (%(start)s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
                          + floor(random() * 730)::int AS day,
                        1 + floor(random() * 4)::int AS pick,
                        1 + floor(random() * (SELECT count(*) FROM bench_room))::bigint AS room
                 FROM generate_series(1, 120000) g) l
           JOIN bench_room b ON b.n = l.room
           JOIN credit_scheme s ON s.code = 'landlord-12'
           JOIN credit_rule r ON r.rule_set_id = (SELECT max(rule_set_id) FROM credit_rule WHERE code = 'helping_out')
             AND r.code = (ARRAY['self_inspection_clean', 'helping_out', 'smart_access', 'fraud_stopped'])[l.pick]""",
    ),
    (
        "credit balances: every landlord this year",
        """INSERT INTO credit_balance (subject_type, subject_id, cycle, points, division_code, updated_at, scheme_id)
           SELECT 'landlord', p.landlord_id, extract(year FROM %(today)s::date)::int,
                  CASE WHEN random() < 0.15 THEN floor(random() * 9)::int ELSE 9 + floor(random() * 4)::int END,
                  min(p.division_id), now(), (SELECT id FROM credit_scheme WHERE code = 'landlord-12')
           FROM places_rentalproperty p WHERE p.status = 'active' GROUP BY p.landlord_id
           ON CONFLICT DO NOTHING""",
    ),
    (
        "inspections: 80,000 rental premises inspected once",
        """CREATE TEMP TABLE bench_premises AS
             SELECT p.id AS property, p.division_id AS grid, row_number() OVER () AS n
             FROM places_rentalproperty p WHERE p.status = 'active' ORDER BY random() LIMIT 80000;
           INSERT INTO inspections_premises (kind, name, address, created_at, division_id, rental_property_id)
             SELECT 'rental_house', 'B' || n, '', now(), grid, property FROM bench_premises;
           INSERT INTO inspections_inspection (department, township_code, inspected_at, note, acknowledgement,
                    acknowledged_by, hazards_found, idempotency_key, checklist_id, division_id, inspector_id,
                    premises_id)
             SELECT 'grid', left(x.division_id, 9), %(start)s::timestamptz + random() * (%(after)s::timestamptz
                    - %(start)s::timestamptz - interval '30 days'), '', '', '', 1, 'B' || x.id,
                    (SELECT min(id) FROM inspections_checklist), x.division_id,
                    (SELECT min(id) FROM accounts_user), x.id
             FROM inspections_premises x WHERE left(x.name, 1) = 'B'""",
    ),
    (
        "hazards: one per inspection, 85 % with a deadline, 80 % of those fixed on time",
        """INSERT INTO inspections_hazard (township_code, severity, status, note, found_at, round, escalation_level,
                    department, annul_reason, division_id, item_id, inspection_id, premises_id, deadline,
                    fixed_on_time, closed_at)
           SELECT i.township_code, 'major', h.status, '', i.inspected_at, 1, 0, 'grid', '', i.division_id,
                  (SELECT min(id) FROM inspections_checklistitem), i.id, i.premises_id,
                  CASE WHEN h.status <> 'fixed_on_spot' THEN (i.inspected_at + interval '7 days')::date END,
                  CASE WHEN h.status = 'closed' THEN h.pick < 0.8 END,
                  CASE WHEN h.status = 'closed' THEN i.inspected_at + interval '5 days' END
           FROM inspections_inspection i
           CROSS JOIN LATERAL (SELECT random() AS pick, CASE WHEN random() < 0.1 THEN 'fixed_on_spot'
                  WHEN random() < 0.05 THEN 'annulled' WHEN random() < 0.85 THEN 'closed'
                  ELSE 'notice_issued' END AS status, i.id AS k) h
           WHERE left(i.idempotency_key, 1) = 'B'""",
    ),
]
TABLES = [
    "core_domainevent",
    "residence_declaration",
    "residence_residency",
    "permits_permit",
    "permits_school",
    "mediation_case",
    "services_application",
    "credit_ledgerentry",
    "credit_balance",
    "inspections_hazard",
    "people_person",
    "places_room",
    "places_rentalproperty",
]


def _load(events: int, today: datetime.date) -> dict[str, int]:
    """Run LOAD_SQL (each statement timed on the console), ANALYZE, and count the rows of every source table."""
    from django.db import connection, transaction

    first = datetime.datetime(START.year, START.month, 1, tzinfo=TZ)
    after_month = (END.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = datetime.datetime(after_month.year, after_month.month, 1, tzinfo=TZ)
    params = {"start": first, "after": after, "today": today, "events": events}
    with transaction.atomic(), connection.cursor() as cursor:
        for label, sql in LOAD_SQL:
            t = time.perf_counter()
            for statement in filter(str.strip, sql.split(";")):
                cursor.execute(statement, {k: v for k, v in params.items() if f"%({k})s" in statement} or None)
            print(f"  load {label}: {time.perf_counter() - t:.1f} s", flush=True)
    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


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
    ap.add_argument("--events", type=int, help="override the scale's domain events")
    ap.add_argument("--reuse-db", metavar="SRC", help="copy this loaded database instead of generating a city")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for each extraction and its raw SQL")
    args = ap.parse_args()
    residents, events = SCALES[args.scale]
    residents, events = args.residents or residents, args.events or events
    today = datetime.date.today()
    r: dict[str, float] = {}
    if args.reuse_db:
        with timer(f"copy {args.reuse_db}", r):
            use_postgres(DB, template=args.reuse_db)
        source = f"a copy of `{args.reuse_db}` (registry and residence history as loaded there)"
    else:
        use_postgres(DB)
        from civitas.residence import synthetic
        from civitas.synthetic.city import generate

        with timer("generate registry and residence history", r):
            ctx = generate(seed=2026, residents=residents, today=today, populate_apps=False, log=lambda m: None)
            synthetic.populate(ctx)
        source = "the registry generator with its residence history (`civitas.residence.synthetic`)"
    from civitas.insight import actions, coin, indicators
    from civitas.insight.choices import UnitLevel
    from civitas.insight.datasets import build_dataset, units_of
    from civitas.insight.frameworks import framework_records, to_coin
    from civitas.insight.indicators import Extract

    with timer("load (set-based SQL)", r):
        counts = _load(events, today)
    print("  rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()), flush=True)

    rows = []
    totals = {"extract": 0.0, "raw": 0.0}
    for level, label in ((UnitLevel.TOWNSHIP, "townships"), (UnitLevel.COMMUNITY, "communities")):
        units = list(units_of(level, "330782"))
        extract = Extract(level, "330782", START, END)
        for indicator in indicators.available():
            if indicator.levels and level not in indicator.levels:
                continue
            raw, _ = _best(lambda ind=indicator, ex=extract: _raw_seconds(ind, ex), args.repeat)
            ours, out = _best(
                lambda ind=indicator, ex=extract, us=units: indicators.extract(ind, ex, us).period_values(), args.repeat
            )
            values = out[0].dropna()
            spread = f"{values.min():.1f}–{values.max():.1f}" if len(values) else "no value"
            totals["extract"] += ours
            totals["raw"] += raw
            rows.append((label, len(units), indicator.code, raw, ours, spread))
            print(
                f"  {label} {indicator.code}: raw {raw * 1000:.1f} ms, extract {ours * 1000:.1f} ms, values {spread}",
                flush=True,
            )

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
    load = os.getloadavg()
    lines = [
        "# Insight benchmarks (issue 9)",
        "",
        f"Run: `flock /tmp/civitas-bench.lock .venv/bin/python bench/insight_index.py {' '.join(sys.argv[1:])}` "
        f"on {machine()}, {datetime.date.today()} (load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f}).",
        "",
        f"City: {counts['people_person']:,} residents from {source}; 24 months ({START:%Y-%m} – {END:%Y-%m}), "
        "14 townships, 544 communities. Rows in the tables the indicators read:",
        "",
        "| table | rows |",
        "|---|---|",
        *[f"| `{table}` | {n:,} |" for table, n in counts.items()],
        "",
        "Each indicator is extracted for all units and months through `civitas.insight.indicators.extract` "
        "(grouped SQL + pandas, period value and reasons for gaps) beside the very same grouped SQL statements "
        f"run raw through a cursor and fetched. Best of {args.repeat}. *values*: the period values' range over "
        "the units.",
        "",
        "| units | indicator | raw SQL aggregates | extraction | ratio | values |",
        "|---|---|---|---|---|---|",
    ]
    for label, count, code, raw, ours, spread in rows:
        lines.append(
            f"| {count} {label} | {code} | {raw * 1000:.1f} ms | {ours * 1000:.1f} ms | "
            f"{ours / raw if raw else float('nan'):.2f}× | {spread} |"
        )
    lines += [
        f"| **all** | **{len(rows)} extractions** | **{totals['raw']:.2f} s** | **{totals['extract']:.2f} s** | "
        f"**{ratio:.2f}×** (goal ≤ 2×) | |",
        "",
        "| step | time |",
        "|---|---|",
    ]
    for label, seconds in r.items():
        goal = " (goal < 60 s)" if label.startswith("Monte Carlo") else ""
        note = " (not measured against a goal)" if label.startswith(("copy", "generate", "load")) else ""
        lines.append(f"| {label} | {seconds:.2f} s{goal}{note} |")
    lines += [
        "",
        "Indicators left out of the index run: "
        + ("; ".join(f"{e['indicator']} ({e.get('reason', '')})" for e in run.details.get("excluded", [])) or "none")
        + ".",
        "",
    ]
    write_section("insight", "\n".join(lines))


if __name__ == "__main__":
    main()
