"""Dispatch latency through the Django path (load on-duty mediators, rank, store the decision and offer).

    .venv/bin/python bench/mediation_db.py --scale small|full

Builds a throw-away SQLite database (`--pg`: a scratch PostgreSQL database `bench_mediation`),
registers the mediators in bulk, then files disputes through `actions.do_file_case` and times
`actions.offer_next` (the dispatch decision) and the whole filing separately. Wall-clock times
include waiting for a shared CPU; the CPU-time row is this process's own work.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=["small", "full"], default="small")
    ap.add_argument("--pg", action="store_true", help="a scratch PostgreSQL database bench_mediation")
    args = ap.parse_args()
    n_med, n_cases = (2000, 400) if args.scale == "full" else (300, 100)
    import logging

    import django

    if args.pg:
        from bench._common import use_postgres

        use_postgres("bench_mediation")
    else:
        tmp = tempfile.mkdtemp(prefix="civitas-mediation-bench-")
        os.environ.setdefault("CIVITAS_SQLITE_PATH", str(Path(tmp) / "bench.sqlite3"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    logging.disable(logging.CRITICAL)
    from civitas.mediation import actions
    from civitas.mediation.actions import CaseInput, PartyInput
    from civitas.mediation.models import Mediator
    from civitas.testing import factories

    rng = random.Random(7)
    city = factories.small_city()
    langs = ["ar", "ru", "en", "es", "fr", "fa"]
    cats = ["trade", "wages", "rental", "family", "traffic", "consumer"]
    Mediator.objects.bulk_create(
        [
            Mediator(
                name=f"m{i}",
                kind=rng.choice(["peoples", "peoples", "hometown", "foreign", "lawyer"]),
                languages=["zh", *rng.sample(langs, rng.randint(0, 2))],
                skills=rng.sample(cats, 3),
                home_province=rng.choice(["36", "41", "51", ""]),
                division=city["t1"],
                on_duty=True,
                max_load=50,
                latitude=29.3 + rng.random() / 10,
                longitude=120.0 + rng.random() / 10,
            )
            for i in range(n_med)
        ]
    )
    decide: list[float] = []
    decide_cpu: list[float] = []
    original = actions.offer_next

    def timed(*a, **kw):  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return original(*a, **kw)
        finally:
            decide.append((time.perf_counter() - t0) * 1000)
            decide_cpu.append((time.process_time() - c0) * 1000)

    actions.offer_next = timed
    filing: list[float] = []
    for i in range(n_cases):
        foreign = rng.random() < 0.3
        data = CaseInput(
            channel="web",
            category=rng.choice(cats),
            description="bench",
            division_code=city["g1"].code,
            parties=[
                PartyInput(
                    role="claimant",
                    name=f"c{i}",
                    foreign=foreign,
                    languages=[rng.choice(langs)] if foreign else ["zh"],
                    phone="13800000001",
                ),
                PartyInput(role="respondent", name=f"r{i}", company=f"shop{i}", kind="merchant", languages=["zh"]),
            ],
            amount=Decimal(rng.choice([500, 5000, 20000])),
            latitude=29.35,
            longitude=120.05,
        )
        t0 = time.perf_counter()
        actions.do_file_case(data, acting_user=None)
        filing.append((time.perf_counter() - t0) * 1000)
    d, f, c = np.array(decide), np.array(filing), np.array(decide_cpu)
    print(
        f"## Mediation dispatch through Django ({args.scale}: {n_med} on-duty mediators, {n_cases} filings, "
        f"{django.db.connection.vendor})\n"
    )
    print("| measure | p50 | p99 |\n|---|---|---|")
    print(f"| dispatch decision (offer_next) | {np.percentile(d, 50):.1f} ms | {np.percentile(d, 99):.1f} ms |")
    print(
        f"| dispatch decision, CPU time of this process | {np.percentile(c, 50):.1f} ms | "
        f"{np.percentile(c, 99):.1f} ms |"
    )
    print(
        f"| whole filing (validate, save, audit, warnings, dispatch) | {np.percentile(f, 50):.1f} ms | "
        f"{np.percentile(f, 99):.1f} ms |"
    )


if __name__ == "__main__":
    main()
