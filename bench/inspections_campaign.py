"""Benchmark: campaign generation for N rental properties and the accountability aggregates over M hazards,
each beside the equivalent raw SQL in the same run.

    .venv/bin/python bench/inspections_campaign.py --scale small            # SQLite, 50k properties, 200k hazards
    CIVITAS_DB=postgres flock /tmp/civitas-bench.lock \
        .venv/bin/python bench/inspections_campaign.py --scale full --explain  # 500k / 2M on PostgreSQL

It uses its own database (SQLite file in /tmp, or the PostgreSQL database `civitas_bench_inspections`), loads
the registry and the hazards set-based (`INSERT … SELECT` over a generated series; loading is not measured),
rebuilds the accountability rollups, then measures. Prints a markdown table; `--explain` prints the
EXPLAIN ANALYZE of the page's queries and of the raw baseline to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCALES = {"tiny": (5_000, 20_000), "small": (50_000, 200_000), "full": (500_000, 2_000_000)}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    if os.environ.get("CIVITAS_DB") == "postgres":
        os.environ.setdefault("CIVITAS_PG_NAME", "civitas_bench_inspections")
    else:
        os.environ.setdefault("CIVITAS_SQLITE_PATH", "/tmp/civitas_bench_inspections.sqlite3")
    import django

    django.setup()


def fresh_database() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        name = db["NAME"]
        connection.close()
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def clone_rows(model: Any, template_pk: int, copies: int, overrides: dict[str, str], params: list[Any]) -> None:
    """INSERT `copies` copies of one row, numbered by `i` (1…copies), with some columns computed from `i`
    (`overrides`: column -> SQL expression using i and `g.code`, the grid numbered i % grids)."""
    from django.db import connection

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    cols = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    select = ", ".join(overrides.get(c, f"t.{quote(c)}") for c in cols)
    pg = connection.vendor == "postgresql"
    series = "generate_series(1, %s) AS s(i)" if pg else "s"
    with_seq = "" if pg else "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
    grids = "(SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM places_division WHERE level = 6) g"
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM places_division WHERE level = 6")
        n_grids = cur.fetchone()[0]
        cur.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in cols)}) {with_seq}"
            f"SELECT {select} FROM {table} t, {series}, {grids} WHERE t.id = %s AND g.k = s.i %% {n_grids}",
            [copies, *params, template_pk] if not pg else [*params, copies, template_pk],
        )


def build_registry(n_properties: int) -> None:
    """Divisions (14 townships × 10 villages × 5 grids), one grid worker per grid, landlords, buildings,
    properties: set-based (one template row each, copied by INSERT … SELECT over a generated series)."""
    from django.db import connection, transaction

    from civitas.accounts.models import User
    from civitas.people.models import Person
    from civitas.places.models import Building, Division, RentalProperty

    towns = ["001", "002", "003", "004", "005", "006", "007", "008", "100", "101", "102", "104", "105", "106"]
    concat = "||"
    with transaction.atomic():
        city = Division.objects.create(code="330782", level=3, kind="city", name="义乌市")
        rows = []
        for t in towns:
            rows.append(Division(code=f"330782{t}", parent=city, level=4, kind="street", name=f"镇{t}"))
        Division.objects.bulk_create(rows)
        rows = [
            Division(code=f"330782{t}{v:03d}", parent_id=f"330782{t}", level=5, kind="community", name=f"村{v}")
            for t in towns
            for v in range(1, 11)
        ]
        Division.objects.bulk_create(rows)
        grids = [f"330782{t}{v:03d}{g:03d}" for t in towns for v in range(1, 11) for g in range(1, 6)]
        Division.objects.bulk_create(
            [Division(code=c, parent_id=c[:12], level=6, kind="grid", name=f"网格{c[-3:]}") for c in grids]
        )
        User.objects.bulk_create(
            [User(username=f"grid{c}", role="grid_worker", division_id=c, password="!") for c in grids]
        )
        n_landlords = max(1, n_properties // 3)
        template = Person.objects.create(
            name="房东0",
            sex="M",
            birth_date=datetime.date(1970, 1, 1),
            doc_kind="resident_id",
            doc_number_enc="x",
            doc_index="bench-0",
            doc_masked="3307**",
            division_id=grids[0],
        )
        clone_rows(
            Person,
            template.pk,
            n_landlords - 1,
            {"name": f"'房东' {concat} s.i", "doc_index": f"'bench-' {concat} s.i", "division_id": "g.code"},
            [],
        )
        building = Building.objects.create(division_id=grids[0], address="路0号")
        clone_rows(
            Building,
            building.pk,
            n_properties - 1,
            {"address": f"'路' {concat} s.i {concat} '号'", "division_id": "g.code"},
            [],
        )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO places_rentalproperty (building_id, division_id, landlord_id, label, status, registered_at) "
            "SELECT b.id, b.division_id, %s + ((b.id - %s) %% %s), '', 'active', '2024-01-01' FROM places_building b",
            [template.pk, building.pk, n_landlords],
        )
    assert RentalProperty.objects.count() == n_properties
    assert Person.objects.count() == n_landlords


RAW_PREMISES = (
    "INSERT INTO inspections_premises (kind, name, address, division_id, rental_property_id, owner_id, latitude, "
    "longitude, created_at) SELECT 'rental_house', '', b.address || ' ' || p.label, p.division_id, p.id, "
    "p.landlord_id, b.latitude, b.longitude, %s FROM places_rentalproperty p JOIN places_building b "
    "ON b.id = p.building_id LEFT JOIN inspections_premises x ON x.rental_property_id = p.id "
    "WHERE p.division_id LIKE %s AND x.id IS NULL"
)
RAW_TASKS = (
    "INSERT INTO inspections_task (campaign_id, premises_id, kind, status, division_id, township_code, "
    "assigned_to_id, due_on, created_at) SELECT %s, pr.id, 'routine', 'open', pr.division_id, "
    "substr(pr.division_id, 1, 9), (SELECT min(u.id) FROM accounts_user u WHERE u.role = 'grid_worker' "
    "AND u.division_id = pr.division_id), %s, %s FROM inspections_premises pr "
    "WHERE pr.division_id LIKE %s AND pr.kind = 'rental_house'"
)


def bench_campaign(repeat: int) -> list[tuple[str, float, float]]:
    from django.db import connection, transaction
    from django.utils import timezone

    from civitas.inspections.actions import generate_tasks
    from civitas.inspections.models import Campaign, Task
    from civitas.places.models import RentalProperty

    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 6, 8)
    now = timezone.now()

    def raw() -> int:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name="raw", division_id="330782", premises_types=["rental_house"], starts_on=start, ends_on=end
            )
            with connection.cursor() as cur:
                cur.execute(RAW_PREMISES, [now, "330782%"])
                cur.execute(RAW_TASKS, [campaign.pk, end, now, "330782%"])
                n = cur.rowcount
            transaction.set_rollback(True)
        return n

    def orm() -> int:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name="orm", division_id="330782", premises_types=["rental_house"], starts_on=start, ends_on=end
            )
            generate_tasks(campaign)
            n = Task.objects.filter(campaign=campaign).count()
            transaction.set_rollback(True)
        return n

    raw_times, orm_times, n_orm = [], [], 0
    for _ in range(repeat):  # alternate, both rolled back, so neither profits from the other's warm cache
        t, n_raw = timed(raw)
        raw_times.append(t)
        t, n_orm = timed(orm)
        orm_times.append(t)
        assert n_raw == n_orm == RentalProperty.objects.count(), (n_raw, n_orm)
    t_raw, t_orm = statistics.median(raw_times), statistics.median(orm_times)
    generate_tasks(
        Campaign.objects.create(
            name="kept", division_id="330782", premises_types=["rental_house"], starts_on=start, ends_on=end
        )
    )  # premises for the hazards below
    return [(f"campaign for {n_orm:,} rental properties (premises + tasks, assigned)", t_orm, t_raw)]


def build_hazards(m: int) -> None:
    """M hazards spread over the premises, in every state, with deadlines and departments (raw bulk insert)."""
    from django.db import connection, transaction

    from civitas.accounts.models import User
    from civitas.inspections.models import Checklist, Premises

    item_id = Checklist.current("rental_house").items.order_by("id").values_list("id", flat=True).first()
    checklist_id = Checklist.current("rental_house").pk
    inspector = User.objects.create(username="bench-inspector", role="inspector", division_id="330782", password="!")
    lo = Premises.objects.order_by("id").values_list("id", flat=True).first()
    n_premises = Premises.objects.count()
    pg = connection.vendor == "postgresql"
    series = "generate_series(0, %s) AS s(i)" if pg else "seq"
    with_seq = "" if pg else "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %s) "
    day = "(DATE '2026-01-01' + (s.i %% 300))" if pg else "date('2026-01-01', '+' || (i %% 300) || ' days')"
    ts = (
        "(TIMESTAMPTZ '2026-01-01 02:00+00' + (s.i %% 300) * INTERVAL '1 day')"
        if pg
        else "datetime('2026-01-01 02:00', '+' || (i %% 300) || ' days')"
    )
    i = "s.i" if pg else "i"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO inspections_inspection (premises_id, checklist_id, inspector_id, department, division_id, "
            f"township_code, inspected_at, note, acknowledgement, acknowledged_by, hazards_found, idempotency_key) "
            f"{with_seq}SELECT p.id, %s, %s, 'grid', p.division_id, substr(p.division_id, 1, 9), {ts}, '', 'signed',"
            f" '', 1, 'bench-' || {i} FROM {series} JOIN inspections_premises p ON p.id = %s + ({i} %% %s)",
            [
                *([] if pg else [n_premises - 1]),
                checklist_id,
                inspector.pk,
                *([n_premises - 1] if pg else []),
                lo,
                n_premises,
            ],
        )
        cur.execute("SELECT min(id) FROM inspections_inspection")
        first_inspection = cur.fetchone()[0]
        statuses = (
            f"CASE {i} %% 7 WHEN 0 THEN 'logged' WHEN 1 THEN 'notice_issued' WHEN 2 THEN 'fix_reported' "
            "WHEN 3 THEN 'fixed_on_spot' WHEN 6 THEN 'annulled' ELSE 'closed' END"
        )
        depts = f"CASE {i} %% 4 WHEN 0 THEN 'grid' WHEN 1 THEN 'safety' WHEN 2 THEN 'fire' ELSE 'market' END"
        cur.execute(
            f"INSERT INTO inspections_hazard (inspection_id, item_id, premises_id, owner_id, division_id, "
            f"township_code, severity, status, note, found_at, deadline, round, fixed_on_time, escalation_level, "
            f"responsible_id, department, annul_reason) "
            f"{with_seq}SELECT x.id, %s, x.premises_id, NULL, x.division_id, x.township_code, 'major', {statuses}, '',"
            f" x.inspected_at, {day}, 1, CASE WHEN {i} %% 3 = 0 THEN TRUE ELSE NULL END, 0, %s, {depts}, '' "
            f"FROM {series} JOIN inspections_inspection x ON x.id = %s + ({i} %% %s)",
            [*([] if pg else [m - 1]), item_id, inspector.pk, *([m - 1] if pg else []), first_inspection, n_premises],
        )
        cur.execute(
            "INSERT INTO inspections_reinspection (hazard_id, inspector_id, township_code, inspected_at, passed, note) "
            "SELECT id, responsible_id, township_code, found_at, status = 'closed', '' FROM inspections_hazard "
            "WHERE status IN ('closed', 'notice_issued')"
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    from civitas.inspections.rollups import rebuild

    t = time.perf_counter()
    rows = rebuild()
    print(f"rollups rebuilt in {time.perf_counter() - t:.1f}s: {rows}", file=sys.stderr)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


RAW_TOWNSHIP = (
    "SELECT township_code, count(*), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN fixed_on_time THEN 1 ELSE 0 END), "
    "sum(CASE WHEN status = 'notice_issued' AND deadline < %s THEN 1 ELSE 0 END), "
    "sum(CASE WHEN status = 'annulled' THEN 1 ELSE 0 END) FROM inspections_hazard "
    "WHERE township_code LIKE %s GROUP BY township_code"
)
RAW_INSPECTIONS = "SELECT township_code, count(*) FROM inspections_inspection WHERE township_code LIKE %s GROUP BY 1"
RAW_REINSPECTIONS = (
    "SELECT township_code, count(*), sum(CASE WHEN passed THEN 1 ELSE 0 END) FROM "
    "inspections_reinspection WHERE township_code LIKE %s GROUP BY 1"
)
RAW_DEPARTMENT = RAW_TOWNSHIP.replace("township_code, count", "department, count").replace(
    "GROUP BY township_code", "GROUP BY department"
)
RAW_OFFICIAL = RAW_TOWNSHIP.replace("township_code, count", "responsible_id, count").replace(
    "GROUP BY township_code", "GROUP BY responsible_id"
)


RAW_ALL = (  # the page's three tables in one scan: hazards grouped by (township, department, official)
    "SELECT township_code, department, responsible_id, count(*), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN fixed_on_time THEN 1 ELSE 0 END), "
    "sum(CASE WHEN status = 'notice_issued' AND deadline < %s THEN 1 ELSE 0 END), "
    "sum(CASE WHEN status = 'annulled' THEN 1 ELSE 0 END) FROM inspections_hazard "
    "WHERE township_code LIKE %s GROUP BY 1, 2, 3"
)


def raw_trend(vendor: str) -> list[str]:
    """Hazards found and closed per month (local time) since the first month shown: two grouped scans."""
    if vendor == "postgresql":
        month = "date_trunc('month', {col} AT TIME ZONE 'Asia/Shanghai')"
    else:
        month = "strftime('%%Y-%%m', {col}, '+8 hours')"
    return [
        f"SELECT {month.format(col=col)}, count(*) FROM inspections_hazard WHERE township_code LIKE %s "
        f"AND {col} >= '2025-11-30 16:00:00+00' GROUP BY 1"
        for col in ("found_at", "closed_at")
    ]


def bench_accountability(repeat: int, explain: bool) -> list[tuple[str, float, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civitas.accounts.models import User
    from civitas.inspections import accountability

    today = datetime.date(2026, 11, 1)  # every deadline of the bench data (2026-01-01 + 0…299 days) has passed

    def raw(sql: str, extra: list[str] | None = None, scope: str = "330782") -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cur:
                cur.execute(sql, [today, scope + "%"])
                out = cur.fetchall()
                for q in extra or []:
                    cur.execute(q, [scope + "%"])
                    out += cur.fetchall()
            return out

        return run

    def show_plans(label: str, sqls: list[tuple[str, list[Any]]]) -> None:
        if not explain or connection.vendor != "postgresql":
            return
        print(f"\n===== EXPLAIN ANALYZE: {label}", file=sys.stderr)
        with connection.cursor() as cur:
            for sql, params in sqls:
                print(sql[:300], file=sys.stderr)
                try:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None)
                except Exception as exc:  # a plan is a diagnostic: never lose the measurements over it
                    print(f"(no plan: {exc})", file=sys.stderr)
                    continue
                print("\n".join(r[0] for r in cur.fetchall()), "\n", file=sys.stderr)

    trend = raw_trend(connection.vendor)
    rows = []
    for label, orm, sql, extra in (
        (
            "accountability by township (hazards + inspections + re-inspections)",
            lambda: accountability.by_township("330782", today),
            RAW_TOWNSHIP,
            [RAW_INSPECTIONS, RAW_REINSPECTIONS],
        ),
        (
            "accountability by department",
            lambda: accountability.by_department("330782", today),
            RAW_DEPARTMENT,
            [RAW_INSPECTIONS.replace("township_code, count", "department, count")],
        ),
        (
            "accountability by official",
            lambda: accountability.by_official("330782", today),
            RAW_OFFICIAL,
            [
                RAW_INSPECTIONS.replace("township_code, count", "inspector_id, count"),
                RAW_REINSPECTIONS.replace("township_code, count", "inspector_id, count"),
            ],
        ),
    ):
        t_raw, _ = timed(raw(sql, extra), repeat)
        t_orm, _ = timed(orm, repeat)
        rows.append((label, t_orm, t_raw))
    page_raw = [
        RAW_INSPECTIONS.replace("township_code, count", "township_code, department, inspector_id, count").replace(
            "GROUP BY 1", "GROUP BY 1, 2, 3"
        ),
        RAW_REINSPECTIONS.replace("township_code, count", "township_code, inspector_id, count").replace(
            "GROUP BY 1", "GROUP BY 1, 2"
        ),
        *trend,
    ]
    t_raw_page, _ = timed(raw(RAW_ALL, page_raw), repeat)
    admin = User.objects.create(username="bench-admin", role="city_admin", division_id="330782", password="!")
    client = Client()
    client.force_login(admin)

    def page() -> int:
        resp = client.get("/inspections/accountability/")
        assert resp.status_code == 200
        return len(resp.content)

    t_fn, _ = timed(
        lambda: (accountability.summary("330782", today), accountability.monthly_trend("330782", today)), repeat
    )
    rows.append(("accountability page's figures (whole city: 3 tables + 12-month trend, no HTTP)", t_fn, t_raw_page))
    print(f"page figures {t_fn * 1000:.0f} ms, raw {t_raw_page * 1000:.0f} ms", file=sys.stderr)
    mid = datetime.date(2026, 6, 1)  # half of the open notices not yet due: the notice range scan is at its widest

    def raw_mid() -> Any:
        with connection.cursor() as cur:
            cur.execute(RAW_ALL, [mid, "330782%"])
            out = cur.fetchall()
            for q in page_raw:
                cur.execute(q, ["330782%"])
                out += cur.fetchall()
        return out

    t_mid_raw, _ = timed(raw_mid, repeat)
    t_mid, _ = timed(
        lambda: (accountability.summary("330782", mid), accountability.monthly_trend("330782", mid)), repeat
    )
    rows.append(("the same figures as of 2026-06-01 (half of the open notices not yet due)", t_mid, t_mid_raw))
    page()  # warm-up: the first request imports every URLconf and view module
    t_view, _ = timed(page, repeat)
    rows.append(
        (
            "accountability page (whole city, HTTP: 3 tables + 12-month trend; raw: one grouped scan of the hazards "
            "+ inspections + re-inspections + trend)",
            t_view,
            t_raw_page,
        )
    )
    with CaptureQueriesContext(connection) as ctx:
        accountability.summary("330782", today)
        accountability.monthly_trend("330782", today)
    show_plans(
        "the page's queries (rollups)",
        [(q["sql"], []) for q in ctx.captured_queries if "rollup" in q["sql"]],
    )
    show_plans(
        "the raw baseline (hazards, inspections, re-inspections)",
        [(RAW_ALL, [today, "330782%"]), *[(q, ["330782%"]) for q in page_raw]],
    )
    live = accountability.live_rollup("330782", today)
    kept = accountability.rollup("330782", today)
    for name in ("hazards", "inspections", "reinspections"):
        assert sorted(map(repr, (sorted(r.items()) for r in getattr(live, name)))) == sorted(
            map(repr, (sorted(r.items()) for r in getattr(kept, name)))
        ), f"the rollup differs from a fresh aggregate ({name})"
    print("rollup == fresh aggregate of the hazards, inspections and re-inspections (whole city)", file=sys.stderr)
    township = "330782001"
    t_one_raw, _ = timed(raw(RAW_TOWNSHIP, [RAW_INSPECTIONS, RAW_REINSPECTIONS], township), repeat)
    t_one, _ = timed(lambda: accountability.by_township(township, today), repeat)
    rows.append((f"accountability by township, one township ({township})", t_one, t_one_raw))
    community = "330782001001"
    raw_community = RAW_ALL.replace("WHERE township_code LIKE %s", "WHERE division_id LIKE %s")
    t_com_raw, _ = timed(
        raw(raw_community, [q.replace("township_code LIKE", "division_id LIKE") for q in trend], community), repeat
    )
    t_com, _ = timed(
        lambda: (accountability.summary(community, today), accountability.monthly_trend(community, today)), repeat
    )
    rows.append((f"accountability tables + trend, one community ({community}, grid-code prefix)", t_com, t_com_raw))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--campaign-repeat", type=int, default=2)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the page's and raw queries")
    args = parser.parse_args()
    n, m = SCALES[args.scale]
    setup_django()
    from django.db import connection

    t0 = time.perf_counter()
    fresh_database()
    build_registry(n)
    print(f"registry of {n:,} properties ready in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    rows = bench_campaign(args.campaign_repeat)
    print(rows, file=sys.stderr)
    t1 = time.perf_counter()
    build_hazards(m)
    print(f"{m:,} hazards ready in {time.perf_counter() - t1:.0f}s", file=sys.stderr)
    rows += bench_accountability(args.repeat, args.explain)
    print(
        f"\nScale {args.scale}: {n:,} rental properties, {m:,} hazards, database {connection.vendor}, "
        f"median of {args.repeat} (campaign: median of {args.campaign_repeat}, alternating, rolled back)\n"
    )
    print("| measurement | Civitas (ORM) | raw SQL | ratio |")
    print("|---|---:|---:|---:|")
    for label, t_orm, t_raw in rows:
        print(f"| {label} | {t_orm * 1000:,.0f} ms | {t_raw * 1000:,.0f} ms | {t_orm / t_raw if t_raw else 0:.2f}× |")


if __name__ == "__main__":
    main()
