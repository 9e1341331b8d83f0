"""Issue 3 benchmark: the bulk API import of declarations vs PostgreSQL COPY of the same rows (goal ≤ 3×).

    flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_bulk.py                 # 100,000 rows
    flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_bulk.py --rows 10000 --residents 20000

A synthetic city (`civitas.synthetic.city.generate` + `civitas.residence.synthetic.populate`) gives the rooms,
the residents and their declaration history. A hotel (partner) account then imports the rows in batches
through the real import function (`civitas.residence.bulk.do_import_batch`, what `POST /api/residence/import`
calls after parsing): JSON rows parsed by the API schema, documents validated, persons registered (encrypted,
blind-indexed), rooms locked, all six rules, results, events, one audit record per batch. The rows the import
wrote are then exported and COPYed into identical empty tables (same columns and indexes): that time is the
baseline. Events are delivered by the worker (`CIVITAS_EVENTS_DISPATCH=worker`, the production setting), so
subscribers' work (the credit ledger) is not part of the import and is not measured here.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import random
import tempfile
import time

from _common import machine, use_postgres, write_section

DB = "civitas_bench_residence_bulk"
AREAS = ("360102", "341881", "522601", "410102", "420106", "511502")


def guest_rows(n: int, room_ids: list[int], rng: random.Random, today: datetime.date) -> list[dict]:
    """What hotel and employer systems push: mostly one Chinese guest, some families, some foreigners."""
    from civitas.documents.idnumbers import make_resident_id

    rows: list[dict] = []
    seen: set[str] = set()

    def resident(name: str, birth: datetime.date) -> dict:
        while True:
            number = make_resident_id(rng.choice(AREAS), birth, rng.randint(0, 999))
            if number not in seen:
                seen.add(number)
                return {"doc_kind": "resident_id", "doc_number": number, "name": name}

    while len(rows) < n:
        k = len(rows)
        kind = rng.random()
        arrived = datetime.datetime.combine(today, datetime.time(8), tzinfo=datetime.UTC) - datetime.timedelta(
            hours=rng.choice((2, 6, 20, 30, 80))
        )
        base = {
            "room_id": rng.choice(room_ids),
            "move_in": arrived.date().isoformat(),
            "arrived_at": arrived.isoformat(),
            "purpose": rng.choice(("work", "work", "business", "study")),
            "employer": "义乌小商品城",
        }
        if kind < 0.06:
            number = f"E{k:08d}"
            if number in seen:
                continue
            seen.add(number)
            base["purpose"] = "business"
            base["members"] = [
                {
                    "doc_kind": "passport",
                    "doc_number": number,
                    "name": f"GUEST {k}",
                    "sex": rng.choice("MF"),
                    "birth_date": datetime.date(rng.randint(1960, 2000), rng.randint(1, 12), 10).isoformat(),
                    "nationality": rng.choice(("RUS", "YEM", "IND", "EGY", "KOR")),
                    "doc_expiry": (today + datetime.timedelta(days=rng.randint(-30, 3000))).isoformat(),
                }
            ]
        elif kind < 0.16:
            adult = datetime.date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
            child = datetime.date(rng.randint(2012, 2022), rng.randint(1, 12), rng.randint(1, 28))
            base["members"] = [
                resident(f"家长{k}", adult),
                {**resident(f"孩子{k}", child), "relation": "child"},
            ]
        else:
            birth = datetime.date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
            base["members"] = [resident(f"客人{k}", birth)]
        rows.append(base)
    return rows


def copy_seconds(tables: list[str], where: dict[str, str]) -> float:
    """Seconds to COPY the rows the import wrote (exported first, then loaded into identical empty tables)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for t in tables:
            files[t] = f"{tmp}/{t}.copy"
            q = f'COPY (SELECT * FROM "{t}" WHERE {where[t]}) TO STDOUT'
            with open(files[t], "wb") as f, raw.cursor().copy(q) as cp:
                for chunk in cp:
                    f.write(chunk)
            with raw.cursor() as c:
                c.execute(f'DROP TABLE IF EXISTS "raw_{t}"')
                c.execute(f'CREATE TABLE "raw_{t}" (LIKE "{t}" INCLUDING ALL)')
        raw.commit()
        t0 = time.perf_counter()
        for t in tables:
            with raw.cursor() as c, c.copy(f'COPY "raw_{t}" FROM STDIN') as cp, open(files[t], "rb") as f:
                while chunk := f.read(1 << 20):
                    cp.write(chunk)
        raw.commit()
        elapsed = time.perf_counter() - t0
        with raw.cursor() as c:
            for t in tables:
                c.execute(f'DROP TABLE IF EXISTS "raw_{t}"')
        raw.commit()
        return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=50_000)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=2_000)
    ap.add_argument("--profile", type=int, default=0, help="profile the first N batches and print the top calls")
    ap.add_argument(
        "--sort", default="cumulative", help="profile order: cumulative (default), tottime, ncalls (pstats keys)"
    )
    ap.add_argument("--profile-file", default="", help="also save the profile (pstats format) to this file")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks/residence-bulk.md")
    args = ap.parse_args()
    os.environ["CIVITAS_EVENTS_DISPATCH"] = "worker"
    use_postgres(DB)
    from django.db import connection

    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.core import events
    from civitas.places.models import Room
    from civitas.residence import synthetic
    from civitas.residence.api import DeclarationIn, _input
    from civitas.residence.bulk import do_import_batch
    from civitas.residence.choices import DeclarationSource, DeclarationStatus
    from civitas.residence.models import Declaration
    from civitas.synthetic.city import generate

    today = datetime.date.today()
    t0 = time.perf_counter()
    ctx = generate(seed=2026, residents=args.residents, today=today, populate_apps=False, log=lambda m: None)
    synthetic.populate(ctx)
    events.work(once=True, batch=2000)  # the history's events: delivered before measuring
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    history = Declaration.objects.count()
    room_ids = list(Room.objects.values_list("pk", flat=True))
    print(
        f"city: {args.residents:,} residents, {len(room_ids):,} rooms, {history:,} declarations "
        f"in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    hotel = User(username="bench_hotel", role=Role.PARTNER)
    hotel.set_unusable_password()
    hotel.save()

    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM residence_declaration")
        first_decl = c.fetchone()[0]
        c.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_person = c.fetchone()[0]
        c.execute("SELECT COALESCE(MAX(id), 0) FROM core_domainevent")
        first_event = c.fetchone()[0]
    rows = guest_rows(args.rows, room_ids, random.Random(5), today)
    profiler = cProfile.Profile() if args.profile else None
    created = rejected = 0
    t = time.perf_counter()
    for batches, i in enumerate(range(0, len(rows), args.batch), start=1):
        if profiler is not None and batches <= args.profile:
            profiler.enable()
        payload = [_input(DeclarationIn(**r), DeclarationSource.HOTEL_API) for r in rows[i : i + args.batch]]
        out = do_import_batch(f"bench-{i}", payload, acting_user=hotel)
        if profiler is not None:
            profiler.disable()
        created += len(out["created"])
        rejected += len(out["rejected"])
        if batches % 10 == 0:
            print(f"  {i + args.batch:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
    bulk_s = time.perf_counter() - t
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
        if args.profile_file:
            profiler.dump_stats(args.profile_file)
    new = Declaration.objects.filter(pk__gt=first_decl)
    verified = new.filter(status=DeclarationStatus.VERIFIED).count()
    flagged = new.filter(status=DeclarationStatus.FLAGGED).count()

    tables = [
        "people_person",
        "residence_declaration",
        "residence_declarationmember",
        "residence_residency",
        "residence_verificationresult",
    ]
    where = {
        "people_person": f"id > {first_person}",
        "residence_declaration": f"id > {first_decl}",
        "residence_declarationmember": f"declaration_id > {first_decl}",
        "residence_residency": f"declaration_id > {first_decl}",
        "residence_verificationresult": f"declaration_id > {first_decl}",
        "core_domainevent": f"id > {first_event}",
    }
    with connection.cursor() as c:
        counts = {}
        for tname in [*tables, "core_domainevent"]:
            c.execute(f'SELECT count(*) FROM "{tname}" WHERE {where[tname]}')
            counts[tname] = c.fetchone()[0]
    copy_s = copy_seconds(tables, where)
    copy_ev_s = copy_seconds([*tables, "core_domainevent"], where)
    ratio = bulk_s / copy_s
    print(f"bulk {created:,} rows in {bulk_s:.1f} s vs COPY {copy_s:.2f} s: {ratio:.1f}×", flush=True)
    if args.no_write:
        return
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    run = (
        "`flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_bulk.py --residents "
        f"{args.residents} --rows {args.rows} --batch {args.batch}`"
    )
    written = ", ".join(f"{counts[t]:,} {t.split('_', 1)[1]}" for t in tables)
    met = "**met**" if ratio <= 3 else "**missed**"
    import_row = f"Bulk import, {args.rows:,} declarations in batches of {args.batch:,} (`do_import_batch`, hotel)"
    events_row = f"… COPY including the {counts['core_domainevent']:,} domain events the import wrote"
    text = f"""# Residence bulk import (issue 3)

Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: {run}
City: {args.residents:,} residents, {len(room_ids):,} rooms, {history:,} declarations of history; PostgreSQL on the
same machine ({machine()}; load average at the end {" / ".join(load)}: the machine was shared with other helpers).

| Measure | Result | Goal |
|---|---|---|
| {import_row} | {bulk_s:.1f} s ({created / bulk_s:,.0f} rows/s) | — |
| Rows: accepted / of them verified / flagged / rejected | {created:,} / {verified:,} / {flagged:,} / {rejected:,} | — |
| Rows written (5 tables) | {written} | — |
| PostgreSQL COPY of the same rows into identical empty tables (5 tables) | {copy_s:.2f} s | — |
| **Bulk import / COPY** | **{ratio:.1f}×** | ≤ 3× ({met}) |
| {events_row} | {copy_ev_s:.2f} s ({bulk_s / copy_ev_s:.1f}×) | — |

The import is the set-based path of `civitas/residence/bulk_plan.py`: rows validated with the single check-in's
validators, one query per kind for known persons, their residencies and declarations, watch-list hits and the
batch's rooms (locked in id order), the same rule functions of `rules.py` on in-memory occupancy, one bulk
insert per table, one audit record per batch, events with `events.emit_many`. Its timing includes parsing each
JSON row with the API schema. The per-row path (`import_per_row`, each row through `do_declare`) stays the
reference; `tests/test_bulk_import.py` asserts both give identical statuses, reasons, persons and events.
"""
    write_section("residence-bulk", text)
    print(text)


if __name__ == "__main__":
    main()
