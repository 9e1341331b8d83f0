"""Issue 3 benchmark: check-in submissions through gunicorn beside the trivial /ping endpoint (same server,
same run), and how fast the event worker drains the events the check-ins leave behind.

    flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_checkin.py --scale small
    flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_checkin.py --scale full [--residents N]
    ... --reuse     # keep the database loaded by the previous run of the same scale (no regeneration)

Each check-in is a hotel system's token-authenticated POST /api/residence/declarations for a new guest
(the same action as the tenant's final submit): document validation, person registration (encrypted,
blind-indexed), room lock, all six verification rules, results, audit chain, domain events. The server runs
as in production: gunicorn (sync workers) with `CIVITAS_EVENTS_DISPATCH=worker`, plus one event worker
process (`manage.py events_work`) delivering the events (credit ledger, SMS, services) beside it, on the
same 2 cores; the load generator also runs on this machine. The bulk import is measured by
bench/residence_bulk.py.

Then, in the same run, the asynchronous intake: the same POST with `Prefer: respond-async` (202, one stored
submission each). Its peak is taken in `--pairs` pairs of rounds (`--async-seconds` each), `/ping` then the
accept, and the median pair's ratio is reported with the range; a probe records for each round the cores'
busy share and the CPU per request of gunicorn, PostgreSQL and the load generator, and for the accepts the
write-ahead log and its flushes per request, checkpoints, disk writes and what the backends waited on
(`--pg-set` and `--server-nice` try database settings and server priorities). Then an open loop at
half the median peak, with `--intake-workers` processes of `manage.py residence_intake_work` filing beside
it (or only after it, `--defer-intake`); the drain rate is the number filed divided by the time from the
first to the last `processed_at`, so the deferred work is reported beside the accepted rate. Each intake
worker files its claims of `--claim` submissions set-based (see civitas/residence/intake.py).

    ... --worker-class gthread --threads 8   # gunicorn gthread workers (default: sync)
    ... --async-only                         # /ping and the asynchronous rounds only (a shorter run)
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import subprocess
import threading
import time

from _common import ROOT, machine, percentile, write_section

SCALES = {
    "small": {"residents": 8_000, "seconds": 15, "threads": 6},
    "medium": {"residents": 100_000, "seconds": 20, "threads": 6},
    "full": {"residents": 2_000_000, "seconds": 30, "threads": 6},
}
PORT = 8765
DISK = os.environ.get("BENCH_DISK", "vda")  # the block device under PostgreSQL's data directory


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


def server_env(db: str, dispatch: str) -> dict[str, str]:
    return {
        **os.environ,
        "CIVITAS_DB": "postgres",
        "CIVITAS_PG_NAME": db,
        "CIVITAS_DEBUG": "0",
        "CIVITAS_LOG_LEVEL": "ERROR",
        "CIVITAS_EVENTS_DISPATCH": dispatch,
    }


def start_server(
    workers: int, env: dict[str, str], worker_class: str = "sync", threads: int = 1, nice: int = 0
) -> subprocess.Popen:
    """gunicorn with `workers` processes: sync, or gthread with `threads` threads each (a request waiting on
    its commit then leaves the process to the others); with `nice`, at that lower CPU priority than the
    database server on the same cores."""
    proc = subprocess.Popen(
        [
            *(["nice", "-n", str(nice)] if nice else []),
            str(ROOT / ".venv/bin/gunicorn"),
            "civitas.wsgi:application",
            "-w",
            str(workers),
            "-k",
            worker_class,
            *(["--threads", str(threads)] if worker_class == "gthread" else []),
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


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "manage.py", "events_work", "--sleep", "0.2"],
        cwd=ROOT,
        env={**env, "CIVITAS_LOG_LEVEL": "ERROR"},
        stdout=subprocess.DEVNULL,
    )


def start_intake_worker(env: dict[str, str], claim: int, defer_above: float | None = None) -> subprocess.Popen:
    """The asynchronous intake's worker (files `Prefer: respond-async` submissions in claims of `claim`; waits
    out peaks above `defer_above` submissions/s, the command's default when None, 0: never)."""
    pace = [] if defer_above is None else ["--defer-above", str(defer_above)]
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "residence_intake_work",
            "--sleep",
            "0.2",
            "--claim",
            str(claim),
            *pace,
        ],
        cwd=ROOT,
        env={**env, "CIVITAS_LOG_LEVEL": "ERROR"},
        stdout=subprocess.DEVNULL,
    )


def intake_state(db: str, after_id: int) -> dict[str, object]:
    """Submissions of this run (id > after_id): by status, and the first and last processed timestamps."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}", autocommit=True) as conn:
        row = conn.execute(
            "SELECT COALESCE(MAX(id), 0), COUNT(*) FILTER (WHERE status = 'received'),"
            " COUNT(*) FILTER (WHERE status = 'processed'), COUNT(*) FILTER (WHERE status = 'rejected'),"
            " MIN(processed_at), MAX(processed_at) FROM residence_checkinsubmission WHERE id > %s",
            (after_id,),
        ).fetchone()
    assert row is not None
    return {
        "max_id": int(row[0]),
        "received": int(row[1]),
        "processed": int(row[2]),
        "rejected": int(row[3]),
        "first": row[4],
        "last": row[5],
    }


def hammer(
    method: str,
    path: str,
    bodies: list[bytes] | None,
    headers: dict,
    seconds: float,
    threads: int,
    rate: float | None = None,
) -> tuple[int, list[float], int]:
    """Closed loop (rate None: as fast as possible) or open loop at `rate` requests/s over all threads.
    In the open loop a request's latency counts from when it was due, so a backlog shows in the figures."""
    lat: list[float] = []
    errors = [0]
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        interval = threads / rate if rate else 0.0
        next_at = time.perf_counter() + k * (interval / threads if rate else 0)
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            due = now
            if rate:
                if now < next_at:
                    time.sleep(next_at - now)
                due = next_at
                next_at += interval
            i = next(counter)
            body = bodies[i % len(bodies)] if bodies else None
            t = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            end = time.perf_counter()
            ms = (end - min(t, due)) * 1000
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


class Probe:
    """What PostgreSQL, the cores and the disk did during one round: write-ahead log bytes and flushes,
    checkpoints, the cores' busy share (/proc/stat), disk writes and their mean latency (/proc/diskstats), and
    what the active client backends of `db` were waiting on (pg_stat_activity sampled every 20 ms; no wait
    event counts as running)."""

    def __init__(self, db: str) -> None:
        import psycopg

        self.db = db
        self.conn = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True)
        self.waits: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _counters(self) -> tuple[int, ...]:
        row = self.conn.execute(
            "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, checkpoints_timed + checkpoints_req, wal_sync"
            " FROM pg_stat_bgwriter, pg_stat_wal"
        ).fetchone()
        assert row is not None
        writes = write_ms = 0
        with open("/proc/diskstats") as f:
            for line in f:
                parts = line.split()
                if parts[2] == DISK:
                    writes, write_ms = int(parts[7]), int(parts[10])
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle and iowait
        return int(row[0]), int(row[1]), int(row[2]), writes, write_ms, sum(ticks) - idle, sum(ticks)

    def _sample(self) -> None:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as c:
            while not self._stop.wait(0.02):
                for etype, event in c.execute(
                    "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s"
                    " AND backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()",
                    (self.db,),
                ):
                    key = f"{etype}:{event}" if event else "running"
                    self.waits[key] = self.waits.get(key, 0) + 1

    @staticmethod
    def _cpu_by_process() -> dict[int, tuple[str, int, int]]:
        """Each process's part of the run (PostgreSQL, the gunicorn server, this load generator, or other: the
        event and intake workers, the system), the CPU ticks (user + system) it has used so far,
        and those of its children that have exited (a database connection closed by `CONN_MAX_AGE`)."""
        me = os.getpid()
        procs: dict[int, tuple[str, int, int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()  # fields from the state on: 3rd of proc(5) is [0]
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            part = (
                "postgres"
                if name == "postgres"
                else "load generator"
                if int(entry) == me
                else "gunicorn"
                if b"gunicorn" in cmd
                else "other"
            )
            own, children = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
            procs[int(entry)] = (part, own, children)
        return procs

    @staticmethod
    def _cpu_used(before: dict[int, tuple[str, int, int]], after: dict[int, tuple[str, int, int]]) -> dict[str, int]:
        """CPU ticks each part used between two readings: a process alive at both counts its growth and that
        of its exited children (whose whole lives the kernel adds to the parent when it reaps them, so what
        an exited child had used before the first reading is taken off); a new one counts all it used."""
        used = dict.fromkeys(("gunicorn", "postgres", "load generator", "other"), 0)
        for pid, (part, own, children) in after.items():
            if pid in before:
                used[part] += own - before[pid][1] + children - before[pid][2]
            else:
                used[part] += own + children
        for pid, (part, own, _children) in before.items():
            if pid not in after:
                used[part] -= own
        return used

    def __enter__(self) -> Probe:
        self.t0 = time.perf_counter()
        self.cpu0 = self._cpu_by_process()
        self.start = self._counters()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        end = self._counters()
        used = self._cpu_used(self.cpu0, self._cpu_by_process())
        self.cpu_ticks = {k: used[k] for k in ("gunicorn", "postgres", "load generator")}
        self.seconds = time.perf_counter() - self.t0
        delta = [b - a for a, b in zip(self.start, end, strict=True)]
        self.wal_bytes, self.checkpoints, self.wal_syncs, self.disk_writes, disk_ms, busy, ticks = delta
        self.cpu_busy = busy / ticks if ticks else 0.0
        self.write_ms = disk_ms / self.disk_writes if self.disk_writes else 0.0
        self.conn.close()

    def summary(self, requests: int) -> dict[str, object]:
        total = sum(self.waits.values()) or 1
        top = sorted(self.waits.items(), key=lambda kv: -kv[1])[:4]
        return {
            "wal_per_request": self.wal_bytes / requests if requests else 0.0,
            "checkpoints": self.checkpoints,
            "flushes_per_request": self.wal_syncs / requests if requests else 0.0,
            "cpu_busy": self.cpu_busy,
            "cpu_ms": {  # CPU milliseconds per request by part (ticks are 1/100 s)
                k: v * 1000 / os.sysconf("SC_CLK_TCK") / requests if requests else 0.0
                for k, v in self.cpu_ticks.items()
            },
            "disk_writes_per_s": self.disk_writes / self.seconds,
            "disk_write_ms": self.write_ms,
            "waits": ", ".join(f"{k} {v / total:.0%}" for k, v in top),
        }


def pg_settings(db: str, assignments: list[str]) -> str:
    """Give the run's database exactly `assignments` (NAME=VALUE) over the server's settings; describe the
    write-ahead log flush settings in effect."""
    import psycopg
    from psycopg import sql

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} RESET ALL").format(sql.Identifier(db)))
        for item in assignments:
            name, _eq, value = item.partition("=")
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(db), sql.Identifier(name.strip()), sql.Literal(value.strip())
                )
            )
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}", autocommit=True) as conn:
        names = ("autovacuum", "commit_delay", "commit_siblings", "synchronous_commit", "wal_sync_method")
        return ", ".join(f"`{n} = {conn.execute(f'SHOW {n}').fetchone()[0]}`" for n in names)  # type: ignore[index]


def vacuum_dead(db: str, threshold: int = 10_000) -> str:
    """VACUUM (ANALYZE) the tables a reused database has left more than `threshold` dead rows in, as
    autovacuum would have by now in production. A server with autovacuum off (this benchmark machine's is)
    otherwise measures each run on the bloat of the runs before it: the intake's and the event outbox's
    updated rows, and the audit chain head's row versions. Returns what was done, for the report."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname, n_dead_tup FROM pg_stat_user_tables WHERE n_dead_tup > %s ORDER BY relname",
            (threshold,),
        ).fetchall()
        t0 = time.perf_counter()
        for name, _dead in rows:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(name)))
    if not rows:
        return ""
    dead = sum(int(n) for _name, n in rows)
    return f"; {dead:,} dead rows in {len(rows)} tables vacuumed first, {time.perf_counter() - t0:.0f} s"


def _same_keys_or_exit() -> None:
    """A reused database must have been loaded with this checkout's keys (var/keys.json outside production):
    under other keys its identity numbers and phones do not decrypt, and the event worker fails on them."""
    from cryptography.exceptions import InvalidTag

    from civitas.people.identity import reveal_phone
    from civitas.people.models import Person

    phone = Person.objects.exclude(phone_enc="").values_list("phone_enc", flat=True).first()
    if phone is None:
        return
    try:
        reveal_phone(phone)
    except InvalidTag:
        raise SystemExit(
            "the database was loaded with other keys (another checkout's var/keys.json): run without --reuse, "
            "or with the keys it was loaded with"
        ) from None


def prepare(db: str, residents: int, reuse: bool, today: datetime.date) -> str:
    """Load the city (or reuse the one a previous run loaded); return a description of the data."""
    import psycopg

    exists = False
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone() is not None
        if not (reuse and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
    os.environ.update({"CIVITAS_DB": "postgres", "CIVITAS_PG_NAME": db})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", "-v", "0")
    from civitas.people.models import Person

    t0 = time.perf_counter()
    if not (reuse and exists and Person.objects.exists()):
        from civitas.residence import synthetic
        from civitas.synthetic.city import generate

        ctx = generate(seed=2026, residents=residents, today=today, populate_apps=False, log=print)
        t1 = time.perf_counter()
        print(f"city generated in {t1 - t0:.0f} s; residence history ...", flush=True)
        synthetic.populate(ctx)
        print(f"residence history in {time.perf_counter() - t1:.0f} s", flush=True)
        with connection.cursor() as c:
            c.execute("ANALYZE")
        load = f"loaded in {time.perf_counter() - t0:.0f} s"
    else:
        load = "reused from the previous run"
        _same_keys_or_exit()
        load += vacuum_dead(db)
    from civitas.residence.models import Declaration, Residency

    people = Person.objects.count()
    decls = Declaration.objects.count()
    current = Residency.objects.current().count()
    return f"{people:,} persons, {decls:,} declarations of history, {current:,} current residencies ({load})"


def count_events(db: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}", autocommit=True) as conn:
        row = conn.execute(
            "SELECT COALESCE(MAX(id), 0), COUNT(*) FILTER (WHERE dispatched_at IS NULL) FROM core_domainevent"
        ).fetchone()
    return int(row[0]), int(row[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=SCALES, default="small")
    ap.add_argument("--residents", type=int, help="override the scale's number of residents")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="reuse the database of the previous run")
    ap.add_argument("--inline", action="store_true", help="also measure CIVITAS_EVENTS_DISPATCH=inline")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--intake-workers", type=int, default=2, help="intake worker processes (async round)")
    ap.add_argument("--async-seconds", type=int, default=10, help="length of each async round")
    ap.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the run's database (ALTER DATABASE ... SET; repeatable; "
        "default: the server's settings)",
    )
    ap.add_argument(
        "--server-nice",
        type=int,
        default=0,
        help="run gunicorn at this niceness (below PostgreSQL, which shares the cores; default 0: the same)",
    )
    ap.add_argument("--pairs", type=int, default=3, help="paired /ping and async accept rounds (median reported)")
    ap.add_argument(
        "--defer-intake",
        action="store_true",
        help="start the intake workers only after the async rounds (filing deferred off-peak)",
    )
    ap.add_argument("--drain-timeout", type=int, default=300, help="seconds to wait for the intake to drain")
    ap.add_argument("--claim", type=int, default=200, help="submissions an intake worker files together")
    ap.add_argument(
        "--defer-above",
        type=float,
        default=None,
        help="the intake workers' --defer-above (default: the command's, as in production; 0: file beside the load)",
    )
    ap.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker class")
    ap.add_argument("--threads", type=int, default=8, help="threads per gthread worker")
    ap.add_argument("--clients", type=int, default=0, help="load generator threads (default: the scale's)")
    ap.add_argument(
        "--async-only", action="store_true", help="skip the synchronous check-in rounds (/ping, then async only)"
    )
    args = ap.parse_args()
    cfg = dict(SCALES[args.scale])
    if args.residents:
        cfg["residents"] = args.residents
    if args.clients:
        cfg["threads"] = args.clients
    db = f"civitas_bench_residence_{args.scale}"
    today = datetime.date.today()
    data = prepare(db, cfg["residents"], args.reuse, today)
    print(data, flush=True)
    args.wal = pg_settings(db, args.pg_set)
    print(args.wal, flush=True)

    from django.db import connection

    from civitas.accounts.apiauth import do_issue_api_token
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.places.models import Room

    hotel = User.objects.filter(username="bench_hotel").first()
    if hotel is None:
        hotel = User(username="bench_hotel", role=Role.PARTNER)
        hotel.set_unusable_password()
        hotel.save()
    token = do_issue_api_token(hotel, "bench", acting_user=None)
    room_ids = list(Room.objects.values_list("pk", flat=True))
    connection.close()
    seed = int(time.time())  # new guests on every run (a reused database already has the earlier ones)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    path = "/api/residence/declarations"
    results: dict[str, object] = {}

    def run(dispatch: str) -> dict[str, object]:
        env = server_env(db, dispatch)
        server = start_server(args.workers, env, args.worker_class, args.threads, args.server_nice)
        worker = start_worker(env) if dispatch == "worker" else None
        out: dict[str, object] = {}
        try:
            rng = random.Random(seed + len(dispatch))
            warm = [json.dumps(r).encode() for r in guest_rows(60, room_ids, rng, today)]
            hammer("GET", "/ping", None, {}, 3, args.workers * 2)
            hammer("POST", path, warm, auth, 3, args.workers * 2)
            t_quiet = time.perf_counter()  # events an earlier run left undelivered must not compete with /ping
            while worker is not None and count_events(db)[1] and time.perf_counter() - t_quiet < 300:
                time.sleep(0.5)
            n_ping, lat_ping, _ = hammer("GET", "/ping", None, {}, cfg["seconds"], cfg["threads"])
            first_event, _ = count_events(db)
            n_chk, lat_chk, err, n_half, lat_half, err2 = 0, [0.0], 0, 0, [0.0], 0
            if not args.async_only:
                bodies = [json.dumps(r).encode() for r in guest_rows(30_000, room_ids, rng, today)]
                n_chk, lat_chk, err = hammer("POST", path, bodies, auth, cfg["seconds"], cfg["threads"])
            chk_rps = n_chk / cfg["seconds"]
            half = chk_rps / 2
            if not args.async_only:
                bodies2 = [json.dumps(r).encode() for r in guest_rows(30_000, room_ids, rng, today)]
                n_half, lat_half, err2 = hammer("POST", path, bodies2, auth, cfg["seconds"], cfg["threads"], rate=half)
            last_event, backlog = count_events(db)
            backlog_end_of_load = backlog
            t_drain = time.perf_counter()
            while worker is not None and backlog:
                time.sleep(0.1)
                _, backlog = count_events(db)
                if time.perf_counter() - t_drain > 600:
                    break
            drain_s = time.perf_counter() - t_drain
            _, backlog_after = count_events(db)
            # Asynchronous intake (Prefer: respond-async): accepted submissions/s beside the same /ping, then
            # how fast the intake worker(s) file them (they run during the load, as in production).
            a_sec = args.async_seconds
            first_sub = intake_state(db, 0)["max_id"]
            assert isinstance(first_sub, int)
            # Paired rounds, /ping then the accept, each pair in the same minute: the ratio is taken per pair and
            # the median pair is reported, with the range, since both rates move from minute to minute. No intake
            # worker runs in these rounds: at a peak the paced intake files nothing (see intake.Pacer), and
            # filing between rounds would slow the next /ping round and flatter the ratio.
            async_auth = {**auth, "Prefer": "respond-async"}
            per_round = 15_000
            bodies3 = [json.dumps(r).encode() for r in guest_rows(per_round * args.pairs + 200, room_ids, rng, today)]
            intakes: list[subprocess.Popen] = []
            try:
                hammer("POST", path, bodies3[-200:], async_auth, 2, args.workers * 2)  # warm-up
                pairs = []
                for i in range(args.pairs):
                    with Probe(db) as probe_ping:
                        n_p, lat_p, _ = hammer("GET", "/ping", None, {}, a_sec, cfg["threads"])
                    with Probe(db) as probe:
                        n_a, lat_a, err_a = hammer(
                            "POST",
                            path,
                            bodies3[i * per_round : (i + 1) * per_round],
                            async_auth,
                            a_sec,
                            cfg["threads"],
                        )
                    pair = {
                        "ping_rps": n_p / a_sec,
                        "as_rps": n_a / a_sec,
                        "ratio": n_a / n_p if n_p else 0.0,
                        "as_p50": percentile(lat_a, 50),
                        "as_p99": percentile(lat_a, 99),
                        "as_err": err_a,
                        "repeats": max(0, n_a - per_round),
                        "ping_cpu_busy": probe_ping.summary(n_p)["cpu_busy"],
                        "ping_cpu_ms": probe_ping.summary(n_p)["cpu_ms"],
                        **probe.summary(n_a),
                    }
                    print("pair", i + 1, json.dumps(pair), flush=True)
                    pairs.append(pair)
                median = sorted(pairs, key=lambda x: x["ratio"])[len(pairs) // 2]
                as_rps, lat_as_p50, lat_as_p99 = median["as_rps"], median["as_p50"], median["as_p99"]
                err_as = sum(int(x["as_err"]) for x in pairs)
                if not args.defer_intake:
                    intakes = [
                        start_intake_worker(env, args.claim, args.defer_above) for _ in range(args.intake_workers)
                    ]
                bodies4 = [json.dumps(r).encode() for r in guest_rows(30_000, room_ids, rng, today)]
                with Probe(db) as probe_half:
                    n_ash, lat_ash, err_ash = hammer(
                        "POST", path, bodies4, async_auth, a_sec, cfg["threads"], rate=as_rps / 2
                    )
                at_end = intake_state(db, first_sub)
                if args.defer_intake:
                    intakes = [
                        start_intake_worker(env, args.claim, args.defer_above) for _ in range(args.intake_workers)
                    ]
                t_in = time.perf_counter()
                state = at_end
                while state["received"] and time.perf_counter() - t_in < args.drain_timeout:
                    time.sleep(1)
                    state = intake_state(db, first_sub)
                intake_wait = time.perf_counter() - t_in
            finally:
                for p in intakes:
                    p.terminate()
                for p in intakes:
                    p.wait()
            state = intake_state(db, first_sub)
            filed = int(state["processed"]) + int(state["rejected"])  # type: ignore[call-overload]
            span = (state["last"] - state["first"]).total_seconds() if filed > 1 else 0.0  # type: ignore[operator]
            out_async = {
                "as_rps": as_rps,
                "as_ping_rps": median["ping_rps"],
                "as_ratio": median["ratio"],
                "as_pairs": pairs,
                "as_p50": lat_as_p50,
                "as_p99": lat_as_p99,
                "as_err": err_as,
                "as_half_probe": probe_half.summary(n_ash),
                "as_half": as_rps / 2,
                "as_n_half": n_ash,
                "as_half_p50": percentile(lat_ash, 50),
                "as_half_p99": percentile(lat_ash, 99),
                "as_half_err": err_ash,
                "as_submitted": filed + int(state["received"]),  # type: ignore[call-overload]
                "as_backlog_end_of_load": at_end["received"],
                "as_filed": filed,
                "as_processed": state["processed"],
                "as_rejected": state["rejected"],
                "as_left": state["received"],
                "as_wait_s": intake_wait,
                "as_drain_span_s": span,
                "as_drain_rate": filed / span if span else 0.0,
                "intake_workers": args.intake_workers,
                "claim": args.claim,
                "defer_above": args.defer_above,
                "worker_class": args.worker_class,
                "threads": args.threads if args.worker_class == "gthread" else 1,
                "defer_intake": args.defer_intake,
                "async_seconds": a_sec,
            }
            if state["received"]:  # the next run must not file this run's leftovers
                import psycopg

                with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}", autocommit=True) as c:
                    c.execute(
                        "DELETE FROM residence_checkinsubmission WHERE id > %s AND status = 'received'", (first_sub,)
                    )
            out = {
                "ping_rps": n_ping / cfg["seconds"],
                "ping_p50": percentile(lat_ping, 50),
                "ping_p99": percentile(lat_ping, 99),
                "chk_rps": chk_rps,
                "chk_p50": percentile(lat_chk, 50),
                "chk_p99": percentile(lat_chk, 99),
                "chk_err": err,
                "half": half,
                "n_half": n_half,
                "half_p50": percentile(lat_half, 50),
                "half_p99": percentile(lat_half, 99),
                "half_err": err2,
                "events": last_event - first_event,
                "window_s": 2 * cfg["seconds"],
                "backlog_end_of_load": backlog_end_of_load,
                "backlog_after_drain": backlog_after,
                "drain_s": drain_s,
                **out_async,
            }
        finally:
            server.terminate()
            server.wait()
            if worker is not None:
                worker.terminate()
                worker.wait()
        print(dispatch, json.dumps(out, default=str), flush=True)
        return out

    results["worker"] = run("worker")
    if args.inline:
        results["inline"] = run("inline")
    w = results["worker"]
    assert isinstance(w, dict)
    print(json.dumps(results, default=str, indent=1))
    if args.no_write:
        return
    write_section("residence", report(args, cfg, data, results))


def report(args: argparse.Namespace, cfg: dict, data: str, results: dict) -> str:
    from civitas.residence.intake import MAX_LAG, PEAK_RATE  # the intake command's defaults, named below

    w = results["worker"]
    run = (
        f"`flock /tmp/civitas-bench.lock .venv/bin/python bench/residence_checkin.py --scale {args.scale}"
        + (f" --residents {cfg['residents']}" if args.residents else "")
        + (" --reuse" if args.reuse else "")
        + (" --inline" if args.inline else "")
        + (f" --worker-class {args.worker_class} --threads {args.threads}" if args.worker_class != "sync" else "")
        + (" --async-only" if args.async_only else "")
        + (f" --claim {args.claim}" if args.claim != 200 else "")
        + (f" --defer-above {args.defer_above:g}" if args.defer_above is not None else "")
        + (f" --workers {args.workers}" if args.workers != 3 else "")
        + (f" --clients {args.clients}" if args.clients else "")
        + (" --defer-intake" if args.defer_intake else "")
        + (f" --pairs {args.pairs}" if args.pairs != 3 else "")
        + "".join(f" --pg-set {item}" for item in args.pg_set)
        + (f" --server-nice {args.server_nice}" if args.server_nice else "")
        + "`"
    )
    ratio = w["chk_rps"] / w["ping_rps"]
    rows = (
        []
        if args.async_only
        else [
            f"| Check-in submissions, peak | {w['chk_rps']:,.1f} req/s (p50 {w['chk_p50']:.0f} ms, "
            f"p99 {w['chk_p99']:.0f} ms, {w['chk_err']} errors) | — |",
            f"| Check-in / ping throughput | {ratio:.1%} | ≥ 50% |",
            f"| Latency at half the peak rate ({w['half']:.1f} req/s, {w['n_half']} requests) | "
            f"p50 {w['half_p50']:.0f} ms, p99 {w['half_p99']:.0f} ms | p99 < 100 ms |",
            f"| Events produced by the check-ins ({w['window_s']} s of load) | {w['events']:,} | — |",
            f"| Event worker: undelivered when the load stopped, then drained in | {w['backlog_end_of_load']:,} "
            f"events, {w['drain_s']:.1f} s ({w['backlog_after_drain']:,} left) | — |",
        ]
    )
    rows.insert(0, f"| Trivial `/ping` throughput | {w['ping_rps']:,.0f} req/s (p50 {w['ping_p50']:.1f} ms) | — |")
    if "inline" in results:
        i = results["inline"]
        rows.append(
            f"| Same run, `CIVITAS_EVENTS_DISPATCH=inline`: check-in peak | {i['chk_rps']:,.1f} req/s "
            f"({i['chk_rps'] / i['ping_rps']:.1%} of its /ping {i['ping_rps']:,.0f}), half-rate p99 "
            f"{i['half_p99']:.0f} ms | — |"
        )
    if "as_rps" in w:
        rows += [
            f"| Async intake (`Prefer: respond-async`), accepted, peak (median of {len(w['as_pairs'])} pairs of "
            f"{w['async_seconds']} s rounds) | {w['as_rps']:,.1f} req/s beside /ping {w['as_ping_rps']:,.0f} "
            f"(p50 {w['as_p50']:.0f} ms, p99 {w['as_p99']:.0f} ms, {w['as_err']} errors in all rounds) | — |",
            f"| Async accepted / ping throughput, median pair (range) | {w['as_ratio']:.1%} "
            f"({min(x['ratio'] for x in w['as_pairs']):.1%}–{max(x['ratio'] for x in w['as_pairs']):.1%}) "
            "| ≥ 50% |",
            f"| Async latency at half its peak ({w['as_half']:.1f} req/s, {w['as_n_half']} requests) | "
            f"p50 {w['as_half_p50']:.0f} ms, p99 {w['as_half_p99']:.0f} ms | p99 < 100 ms |",
            f"| Intake drain ({w['intake_workers']} worker processes, claims of {w['claim']}): filed per second, "
            "first to last | "
            f"{w['as_drain_rate']:,.1f}/s ({w['as_filed']:,} filed in {w['as_drain_span_s']:.0f} s, "
            f"{w['as_rejected']} rejected, {w['as_left']:,} left) | — |",
            f"| Intake: waiting to be filed when the load stopped; all filed after | "
            f"{w['as_backlog_end_of_load']:,}; {w['as_wait_s']:.0f} s | — |",
        ]
    table = "\n".join(rows)
    pairs = ""
    if "as_pairs" in w:
        lines = [
            "| Pair | `/ping` req/s | Accepted req/s | Ratio | Accept p99 | Cores busy (ping, accept) "
            "| CPU ms per request, ping → accept: gunicorn, PostgreSQL, load generator | WAL per accept "
            "| Log flushes per accept | Checkpoints | Disk writes/s, mean write "
            "| Active backends were (pg_stat_activity, 20 ms samples) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        rounds = [(str(k + 1), x) for k, x in enumerate(w["as_pairs"])]
        rounds.append(("half rate", {**w["as_half_probe"], "as_rps": w["as_half"], "as_p99": w["as_half_p99"]}))
        for name, x in rounds:
            lines.append(
                f"| {name} | {x['ping_rps']:,.0f} | {x['as_rps']:,.1f} | {x['ratio']:.1%} | "
                if "ratio" in x
                else f"| {name} | — | {x['as_rps']:,.1f} | — | "
            )
            parts = ("gunicorn", "postgres", "load generator")
            cpu = (
                ", ".join(f"{x['ping_cpu_ms'][k]:.2f} → {x['cpu_ms'][k]:.2f}" for k in parts)
                if "ping_cpu_ms" in x
                else ", ".join(f"{x['cpu_ms'][k]:.2f}" for k in parts)
            )
            busy = f"{x['ping_cpu_busy']:.0%}, {x['cpu_busy']:.0%}" if "ping_cpu_busy" in x else f"{x['cpu_busy']:.0%}"
            lines[-1] += (
                f"{x['as_p99']:.0f} ms | {busy} | {cpu} | {x['wal_per_request']:,.0f} B | "
                f"{x['flushes_per_request']:.2f} "
                f"| {x['checkpoints']} | "
                f"{x['disk_writes_per_s']:,.0f}, {x['disk_write_ms']:.2f} ms | {x['waits']} |"
            )
        pairs = (
            "\nThe asynchronous rounds, one by one (the half-rate round runs beside the intake workers):\n\n"
            + "\n".join(lines)
            + "\n"
        )
    server = f"{args.workers} {args.worker_class} workers" + (
        f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    pacing = (
        "filing started only after the load, `--defer-intake`"
        if args.defer_intake
        else "filing beside the load, `--defer-above 0`"
        if args.defer_above == 0
        else f"`--defer-above {args.defer_above if args.defer_above is not None else PEAK_RATE:g}`: filing waits "
        f"out arrivals above that many per second, for at most `--max-lag` {MAX_LAG:g} s"
    )
    return f"""# Residence (issue 3) check-in benchmark

Scale `{args.scale}`: {data}; PostgreSQL, gunicorn with {server} and
`CIVITAS_EVENTS_DISPATCH=worker` plus one event worker process, {cfg['threads']} client threads for
{cfg['seconds']} s per run, load generator on the same machine ({machine()}). The asynchronous accept is
measured in pairs of rounds, `/ping` then the accept, with no filing beside them (at a peak the paced intake
files nothing); the half-rate round and the drain run beside {args.intake_workers} intake worker processes
({pacing}). PostgreSQL: {args.wal}. Run: {run}.

| Measure | Result | Goal |
|---|---|---|
{table}
{pairs}"""


if __name__ == "__main__":
    main()
