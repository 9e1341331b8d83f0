"""Shared helpers for benchmarks: a throw-away PostgreSQL database, timers, percentiles, markdown output."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def use_postgres(dbname: str, template: str | None = None) -> None:
    """Point Django at a fresh PostgreSQL database `dbname` (dropped and recreated) and migrate it; with
    `template`, the new database is a copy of that one (CREATE DATABASE ... TEMPLATE: the source is only read,
    and must have no connections)."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if template is not None:
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (template,)).fetchone()
            if busy and busy[0]:
                raise SystemExit(f"{template} has {busy[0]} connection(s); a TEMPLATE copy needs none")
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"' + (f' TEMPLATE "{template}"' if template else ""))
    os.environ["CIVITAS_DB"] = "postgres"
    os.environ["CIVITAS_PG_NAME"] = dbname
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")


def copy_out(raw: Any, query: str, path: str) -> None:
    """Write the rows of `query` (a table name in quotes or a parenthesised SELECT) to `path` in COPY format."""
    with open(path, "wb") as f, raw.cursor().copy(f"COPY {query} TO STDOUT") as cp:
        for chunk in cp:
            f.write(chunk)


def copy_in(raw: Any, target: str, path: str) -> None:
    """Load a file written by `copy_out` into `target` (a table name in quotes, optionally with its columns)."""
    with raw.cursor() as c, c.copy(f"COPY {target} FROM STDIN") as cp, open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            cp.write(chunk)


@contextmanager
def timer(label: str, results: dict[str, float]) -> Iterator[None]:
    t = time.perf_counter()
    yield
    results[label] = time.perf_counter() - t
    print(f"  {label}: {results[label]:.2f} s", flush=True)


def percentile(samples: list[float], p: float) -> float:
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def latency_ms(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(samples: list[float]) -> str:
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (mean {statistics.mean(samples):.2f})"


def machine() -> str:
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cpu} cores, PostgreSQL 15, Python {sys.version.split()[0]}"


def write_section(name: str, text: str) -> None:
    out = ROOT / "docs" / "benchmarks" / f"{name}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"wrote {out}")
