"""Issue 3 benchmark: check-in submissions through gunicorn beside the trivial /ping endpoint, and a bulk
import of declarations vs PostgreSQL COPY of the same rows.

    .venv/bin/python bench/residence_checkin.py --scale small   # ~2 minutes
    .venv/bin/python bench/residence_checkin.py --scale full    # ~10 minutes

Each check-in is a hotel system's token-authenticated POST /api/residence/declarations for a new guest:
document validation, person registration (encrypted, blind-indexed), room lock, all six verification
rules, audit chain and events — the same path as the tenant's final submit. The load generator runs on
the same machine as the server and PostgreSQL, so it competes for the same cores.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import subprocess
import tempfile
import threading
import time

from _common import ROOT, machine, percentile, use_postgres, write_section

SCALES = {
    "small": {"residents": 8_000, "seconds": 10, "threads": 6, "bulk_rows": 2_000, "batch": 500},
    "full": {"residents": 200_000, "seconds": 30, "threads": 8, "bulk_rows": 100_000, "batch": 2_000},
}
PORT = 8765
DB = "civitas_bench_residence"


def guest_rows(n: int, room_ids: list[int], rng: random.Random, today: datetime.date) -> list[dict]:
    from civitas.documents.idnumbers import make_resident_id

    rows, seen = [], set()
    while len(rows) < n:
        birth = datetime.date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
        number = make_resident_id(rng.choice(("360102", "341881", "522601", "410102")), birth, rng.randint(0, 999))
        if number in seen:
            continue
        seen.add(number)
        rows.append(
            {
                "room_id": rng.choice(room_ids),
                "move_in": today.isoformat(),
                "purpose": "work",
                "employer": "义乌小商品城",
                "members": [{"doc_kind": "resident_id", "doc_number": number, "name": "测试" + str(len(rows))}],
            }
        )
    return rows


def start_server(workers: int) -> subprocess.Popen:
    env = {**os.environ, "CIVITAS_DEBUG": "0", "CIVITAS_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "civitas.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "error",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
            c.request("GET", "/ping")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def hammer(
    method: str,
    path: str,
    bodies: list[bytes] | None,
    headers: dict,
    seconds: float,
    threads: int,
    rate: float | None = None,
) -> tuple[int, list[float], int]:
    """Closed loop (rate None: as fast as possible) or open loop at `rate` requests/s over all threads."""
    lat: list[float] = []
    errors = [0]
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        interval = threads / rate if rate else 0.0
        next_at = time.perf_counter() + k * (interval / threads if rate else 0)
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            if rate:
                if now < next_at:
                    time.sleep(next_at - now)
                next_at += interval
            i = next(counter)
            body = bodies[i % len(bodies)] if bodies else None
            t = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                done[0] += 1
                if resp.status >= 400:
                    errors[0] += 1
        conn.close()

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return done[0], lat, errors[0]


def copy_ratio(tables: list[str], where: dict[str, str]) -> float:
    """Seconds to COPY the rows the import wrote (exported, then loaded into identical empty tables)."""
    from django.db import connection

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
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=SCALES, default="small")
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    cfg = SCALES[args.scale]
    use_postgres(DB)
    from django.db import connection

    from civitas.accounts.apiauth import do_issue_api_token
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.places.models import Room
    from civitas.residence.api import DeclarationIn, _input
    from civitas.residence.bulk import do_import_batch
    from civitas.residence.choices import DeclarationSource
    from civitas.residence.models import Declaration
    from civitas.synthetic.city import generate

    today = datetime.date.today()
    t0 = time.perf_counter()
    ctx = generate(seed=2026, residents=cfg["residents"], today=today, populate_apps=False, log=lambda m: None)
    from civitas.residence import synthetic

    synthetic.populate(ctx)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    history = Declaration.objects.count()
    print(f"city: {cfg['residents']:,} residents, {history:,} declarations in {time.perf_counter() - t0:.0f} s")
    hotel = User(username="bench_hotel", role=Role.PARTNER)
    hotel.set_unusable_password()
    hotel.save()
    token = do_issue_api_token(hotel, "bench", acting_user=None)
    room_ids = list(Room.objects.values_list("pk", flat=True))
    rng = random.Random(3)
    connection.close()

    server = start_server(args.workers)
    try:
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        # Warm every worker (URL conf, API schema, templates) before measuring.
        warm = [json.dumps(r).encode() for r in guest_rows(40, room_ids, random.Random(9), today)]
        hammer("GET", "/ping", None, {}, 3, args.workers * 2)
        hammer("POST", "/api/residence/declarations", warm, auth, 3, args.workers * 2)
        n_ping, lat_ping, _ = hammer("GET", "/ping", None, {}, cfg["seconds"], cfg["threads"])
        ping_rps = n_ping / cfg["seconds"]
        bodies = [json.dumps(r).encode() for r in guest_rows(20_000, room_ids, rng, today)]
        n_chk, lat_chk, err = hammer(
            "POST", "/api/residence/declarations", bodies, auth, cfg["seconds"], cfg["threads"]
        )
        chk_rps = n_chk / cfg["seconds"]
        half = chk_rps / 2
        bodies2 = [json.dumps(r).encode() for r in guest_rows(20_000, room_ids, random.Random(4), today)]
        n_half, lat_half, err2 = hammer(
            "POST", "/api/residence/declarations", bodies2, auth, cfg["seconds"], cfg["threads"], rate=half
        )
    finally:
        server.terminate()
        server.wait()
    print(
        f"ping {ping_rps:.0f}/s, check-in {chk_rps:.1f}/s ({err} errors), at half rate p99 "
        f"{percentile(lat_half, 99):.1f} ms ({err2} errors)"
    )

    # Bulk import vs COPY of the same rows.
    from django.db import connection as conn2

    with conn2.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM residence_declaration")
        first_decl = c.fetchone()[0]
        c.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_person = c.fetchone()[0]
    rows = guest_rows(cfg["bulk_rows"], room_ids, random.Random(5), today)
    t = time.perf_counter()
    accepted = 0
    for i in range(0, len(rows), cfg["batch"]):
        payload = [_input(DeclarationIn(**r), DeclarationSource.HOTEL_API) for r in rows[i : i + cfg["batch"]]]
        out = do_import_batch(f"bench-{i}", payload, acting_user=hotel)
        accepted += len(out["created"])
    bulk_s = time.perf_counter() - t
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
    }
    copy_s = copy_ratio(tables, where)
    print(f"bulk {accepted:,} rows in {bulk_s:.1f} s vs COPY {copy_s:.2f} s")

    p50, p99 = percentile(lat_chk, 50), percentile(lat_chk, 99)
    h50, h99 = percentile(lat_half, 50), percentile(lat_half, 99)
    run = f"`.venv/bin/python bench/residence_checkin.py --scale {args.scale}`"
    half_row = f"Latency at half the peak rate ({half:.1f} req/s, {n_half} requests)"
    bulk_row = f"Bulk import ({accepted:,} declarations, batches of {cfg['batch']:,})"
    text = f"""# Residence (issue 3) benchmarks

Scale `{args.scale}`: {cfg['residents']:,} residents, {history:,} declarations of history, PostgreSQL,
gunicorn with {args.workers} sync workers, {cfg['threads']} client threads for {cfg['seconds']} s per run,
load generator on the same machine ({machine()}). Run: {run}.

| Measure | Result | Goal |
|---|---|---|
| Trivial `/ping` throughput | {ping_rps:,.0f} req/s (p50 {percentile(lat_ping, 50):.1f} ms) | — |
| Check-in submissions, peak | {chk_rps:,.1f} req/s (p50 {p50:.0f} ms, p99 {p99:.0f} ms, {err} errors) | — |
| Check-in / ping throughput | {chk_rps / ping_rps:.1%} | ≥ 50% |
| {half_row} | p50 {h50:.0f} ms, p99 {h99:.0f} ms | p99 < 100 ms |
| {bulk_row} | {bulk_s:.1f} s ({accepted / bulk_s:,.0f} rows/s) | — |
| PostgreSQL COPY of the same rows (5 tables) | {copy_s:.2f} s | — |
| Bulk import / COPY | {bulk_s / copy_s:.0f}× | ≤ 3× |
"""
    write_section("residence", text)
    print(text)


if __name__ == "__main__":
    main()
