"""Issue 6 benchmark: merchant-card verifications through gunicorn beside the trivial /ping endpoint in the
same run, and offline verification of a credential in pure Python (one core).

    .venv/bin/python bench/services_cards.py --scale small   # ~1 minute
    .venv/bin/python bench/services_cards.py --scale full    # ~5 minutes

A verification is a partner's token-authenticated POST /api/services/cards/verify: Ed25519 signature and
expiry check, the card's live status, the scenario's disclosure (a market seller: the credit grade), and
one row in the holder's verification log. The load generator shares the machine's cores with the server
and PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import subprocess
import threading
import time

from _common import ROOT, machine, percentile, use_postgres, write_section

PORT = 8766
SCALES = {
    "small": {"seconds": 8, "rounds": 2, "threads": 8, "offline": 20_000, "cards": 200},
    "full": {"seconds": 30, "rounds": 3, "threads": 16, "offline": 200_000, "cards": 5_000},
}


def setup(cards: int) -> tuple[str, list[str]]:
    """A partner with an API token and `cards` issued cards; return the token and the credentials."""
    from civitas.accounts.apiauth import do_issue_api_token
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.people.actions import PersonInput, do_register_person
    from civitas.services import actions
    from civitas.services.signing import card_token

    user = User.objects.create(username="bench_seller", role=Role.PARTNER)
    actions.do_register_partner("Bench stall", "market_seller", ["market", "bus"], acting_user=None, accounts=[user])
    token = do_issue_api_token(user, "bench", acting_user=None)
    credentials = []
    for i in range(cards):
        person = do_register_person(
            PersonInput(
                name=f"TRADER {i}",
                name_latin=f"TRADER {i}",
                doc_kind="passport",
                doc_number=f"B{i:08d}",
                sex="M",
                birth_date=datetime.date(1980, 1, 1),
                nationality="YEM",
                doc_country="YEM",
            ),
            acting_user=None,
        )
        card = actions.do_issue_card(actions.do_apply_card(person, acting_user=None), acting_user=None)
        credentials.append(card_token(card))
    return token, credentials


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
            "--preload",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/ping")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def hammer(
    method: str, path: str, bodies: list[bytes] | None, headers: dict, seconds: float, threads: int
) -> tuple[float, list[float], int]:
    """Closed loop: `threads` clients as fast as they can for `seconds`; requests/s, latencies, errors."""
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        i = k
        mine: list[float] = []
        while time.perf_counter() < stop:
            body = bodies[i % len(bodies)] if bodies else None
            i += threads
            t = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                ok = resp.status == 200 and (bodies is None or b'"valid": true' in data or b'"valid":true' in data)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            mine.append((time.perf_counter() - t) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(lat) / (time.perf_counter() - t0), lat, errors[0]


def offline_rate(credentials: list[str], n: int) -> tuple[float, float]:
    """Verifications per second of wall-clock time and per second of this thread's CPU time (one core)."""
    from civitas.services import credentials as cred
    from civitas.services.signing import public_keys

    keys, today = public_keys(), datetime.date.today()
    wall, cpu = time.perf_counter(), time.thread_time()
    for i in range(n):
        cred.verify_offline(credentials[i % len(credentials)], keys, today)
    return n / (time.perf_counter() - wall), n / (time.thread_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    cfg = SCALES[args.scale]
    print(f"services benchmark, scale {args.scale}", flush=True)
    use_postgres("bench_services")
    token, credentials = setup(cfg["cards"])
    offline, offline_cpu = offline_rate(credentials, cfg["offline"])
    print(f"  offline verification: {offline:,.0f}/s wall clock, {offline_cpu:,.0f}/s of CPU time", flush=True)
    proc = start_server(args.workers)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bodies = {
            sc: [json.dumps({"code": c, "scenario": sc}).encode() for c in credentials] for sc in ("bus", "market")
        }
        runs: dict[str, list[float]] = {"ping": [], "bus": [], "market": []}
        lats: dict[str, list[float]] = {"ping": [], "bus": [], "market": []}
        errors = 0
        hammer("GET", "/ping", None, {}, 2, cfg["threads"])  # warm up both paths
        hammer("POST", "/api/services/cards/verify", bodies["bus"], headers, 2, cfg["threads"])
        for _ in range(cfg["rounds"]):  # alternate, so every endpoint sees the same machine state
            for name in ("ping", "bus", "market"):
                if name == "ping":
                    rps, samples, _err = hammer("GET", "/ping", None, {}, cfg["seconds"], cfg["threads"])
                else:
                    rps, samples, err = hammer(
                        "POST", "/api/services/cards/verify", bodies[name], headers, cfg["seconds"], cfg["threads"]
                    )
                    errors += err
                runs[name].append(rps)
                lats[name] += samples
            print("  " + ", ".join(f"{k} {v[-1]:,.0f} req/s" for k, v in runs.items()), flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    rate = {k: sum(v) / len(v) for k, v in runs.items()}

    def lat(name: str) -> str:
        return f"p50 {percentile(lats[name], 50):.1f} ms, p99 {percentile(lats[name], 99):.1f} ms"

    load = os.getloadavg()[0]
    text = f"""# Services (issue 6) benchmarks

Scale `{args.scale}`: {cfg['cards']:,} issued merchant cards, PostgreSQL, gunicorn with {args.workers} sync
workers, {cfg['threads']} client threads, {cfg['rounds']} alternating rounds of {cfg['seconds']} s per endpoint,
load generator on the same machine ({machine()}; 1-minute load average at the end {load:.1f}).
{errors} failed verifications. Run: `.venv/bin/python bench/services_cards.py --scale {args.scale}`.

A verification is a market seller's token-authenticated `POST /api/services/cards/verify`: Ed25519 signature
and expiry, the card's live status, the scenario's disclosure (credit grade) and a row in the holder's log.

| Measure | Result | Goal |
|---|---|---|
| Trivial `/ping` throughput | {rate["ping"]:,.0f} req/s ({lat("ping")}) | — |
| Card verifications, bus (valid / not) | {rate["bus"]:,.0f} req/s ({lat("bus")}) | — |
| Card verifications, market seller (+ credit grade) | {rate["market"]:,.0f} req/s ({lat("market")}) | — |
| Bus verifications / ping throughput | {rate["bus"] / rate["ping"]:.1%} | ≥ 50% |
| Market verifications / ping throughput | {rate["market"] / rate["ping"]:.1%} | ≥ 50% |
| Offline verification, pure Python, one core (per CPU-second) | {offline_cpu:,.0f} per second | ≥ 5,000 per second |
| Offline verification, wall clock on the shared machine | {offline:,.0f} per second | — |

Reading the numbers: a verification makes 4 database round trips that `/ping` does not (API token, partner,
card with holder, insert into the holder's verification log; the market scenario adds the credit-file
lookup), and every round trip competes for the same 2 cores as the server, PostgreSQL and the load
generator. The offline check is measured in CPU time of the verifying thread (the per-core cost) and
in wall-clock time on the shared machine. Ways to close the HTTP gap if it matters in production:
cache the partner per API token for a few seconds, fold the card lookup and the log insert into one
`INSERT … SELECT … RETURNING`, or hand log rows to a batched writer.
"""
    print(text)
    write_section("services", text)


if __name__ == "__main__":
    main()
