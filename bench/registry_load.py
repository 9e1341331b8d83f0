"""Issue 2 benchmark: generate and load N residents into PostgreSQL vs raw COPY of the same rows;
people-search latency by blind index and by name/pinyin vs the equivalent indexed SELECT.

    .venv/bin/python bench/registry_load.py --residents 2000000
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import tempfile
import time

from _common import copy_in, copy_out, latency_ms, machine, percentile, summary, timer, use_postgres, write_section

TABLES = ["people_person", "places_building", "places_rentalproperty", "places_room"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument(
        "--search-only",
        nargs=2,
        type=float,
        metavar=("LOAD_S", "COPY_S"),
        help="reuse the loaded database; report these earlier load and raw COPY times",
    )
    args = ap.parse_args()
    if args.search_only:
        import django

        os.environ.update(
            CIVITAS_DB="postgres", CIVITAS_PG_NAME="civitas_bench_registry", DJANGO_SETTINGS_MODULE="civitas.settings"
        )
        django.setup()
    else:
        use_postgres("civitas_bench_registry")
    r: dict[str, float] = {}
    if args.search_only:
        r["generate+load"], r["raw COPY"] = args.search_only
    else:
        load_and_copy(args, r)
    search(args, r)


def load_and_copy(args: argparse.Namespace, r: dict[str, float]) -> None:
    from django.db import connection

    from civitas.synthetic.city import generate

    print(f"generating and loading {args.residents:,} residents")
    with timer("generate+load", r):
        generate(
            seed=2026,
            residents=args.residents,
            today=datetime.date(2026, 11, 1),
            populate_apps=False,
            log=lambda m: print("   ", m),
        )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    raw = connection.connection
    # Raw COPY: the very same rows, exported, then loaded into identical tables (same indexes).
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for t in TABLES:
            files[t] = f"{tmp}/{t}.copy"
            copy_out(raw, f'"{t}"', files[t])
            with raw.cursor() as c:
                c.execute(f'DROP TABLE IF EXISTS "raw_{t}"')
                c.execute(f'CREATE TABLE "raw_{t}" (LIKE "{t}" INCLUDING ALL)')
            raw.commit()
        t0 = time.perf_counter()
        for t in TABLES:
            copy_in(raw, f'"raw_{t}"', files[t])
        raw.commit()
        r["raw COPY"] = time.perf_counter() - t0
        print(f"  raw COPY: {r['raw COPY']:.2f} s")


def search(args: argparse.Namespace, r: dict[str, float]) -> None:
    from django.db import connection

    from civitas.people.identity import reveal_document
    from civitas.people.models import Person
    from civitas.people.search import search_people

    rng = random.Random(1)
    n_people = Person.objects.count()
    ids = rng.sample(range(1, n_people + 1), min(args.queries, n_people))
    sample = list(Person.objects.filter(pk__in=ids).values_list("doc_number_enc", "doc_index", "name", "name_pinyin"))
    numbers = [reveal_document(s[0]) for s in sample]
    scope = Person.objects.in_scope("330782")
    it = iter(range(10**9))

    def by_doc() -> None:
        list(search_people(scope, numbers[next(it) % len(numbers)]))

    def by_name() -> None:
        list(search_people(scope, sample[next(it) % len(sample)][2]))

    def by_pinyin() -> None:
        list(search_people(scope, sample[next(it) % len(sample)][3][:6]))

    cur = connection.cursor()

    def raw_doc() -> None:
        cur.execute("SELECT id, name FROM people_person WHERE doc_index = %s", [sample[next(it) % len(sample)][1]])
        cur.fetchall()

    def raw_name() -> None:
        cur.execute(
            "SELECT id, name FROM people_person WHERE name LIKE %s LIMIT 50",
            [sample[next(it) % len(sample)][2] + "%"],
        )
        cur.fetchall()

    def raw_pinyin() -> None:
        cur.execute(
            "SELECT id, name FROM people_person WHERE name_pinyin LIKE %s LIMIT 50",
            [sample[next(it) % len(sample)][3][:6] + "%"],
        )
        cur.fetchall()

    lat = {}
    for label, fn in [
        ("search by identity number (blind index)", by_doc),
        ("raw SELECT by doc_index", raw_doc),
        ("search by Chinese name", by_name),
        ("raw SELECT name LIKE", raw_name),
        ("search by pinyin prefix", by_pinyin),
        ("raw SELECT pinyin LIKE", raw_pinyin),
    ]:
        latency_ms(fn, 50)  # warm up
        lat[label] = latency_ms(fn, args.queries)
        print(f"  {label}: {summary(lat[label])}")

    ratio = r["generate+load"] / r["raw COPY"]
    lines = [
        "## Registry (issue 2): load and people search",
        "",
        f"Command: `.venv/bin/python bench/registry_load.py --residents {args.residents}` · {machine()} · "
        f"{datetime.date.today()}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| residents generated and loaded | {n_people:,} |",
        "| load run | machine shared with other jobs (load average ~10 on 2 cores); both timings in the same run |",
        f"| generate + load (Python generator, encryption, COPY) | {r['generate+load']:.1f} s |",
        f"| raw PostgreSQL COPY of the same rows into identical tables | {r['raw COPY']:.1f} s |",
        f"| **ratio (goal ≤ 3×)** | **{ratio:.2f}×** |",
    ]
    for label, samples in lat.items():
        lines.append(f"| {label} | p50 {percentile(samples, 50):.2f} ms · p99 {percentile(samples, 99):.2f} ms |")
    lines += [
        "",
        "Search goal: p99 < 50 ms. Search runs through `civitas.people.search.search_people` (the same "
        "code as the page and API) with the city-wide scope filter.",
        "",
    ]
    write_section("registry", "\n".join(lines))


if __name__ == "__main__":
    main()
