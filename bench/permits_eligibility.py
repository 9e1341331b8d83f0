"""Issue 5 benchmark: residence-permit eligibility for every resident as one batch vs the raw SQL that
reads the same period rows; scoring and allocating 20,000 school applicants to 200 schools.

    .venv/bin/python bench/permits_eligibility.py --scale small   # 20,000 residents
    .venv/bin/python bench/permits_eligibility.py --scale full    # 2,000,000 residents

The period rows live in a stand-in table with the columns `permits.batch.residence_rows_sql` reads from
residence_residency ⋈ residence_declaration (person, start, end, verified, purpose, employer), loaded
with COPY into a throw-away PostgreSQL database; both sides run the identical ordered SELECT.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

from _common import ROOT, machine, write_section

SCALES = {"small": 20_000, "full": 2_000_000}
SQL = (
    "SELECT person_id, start - DATE '1970-01-01', \"end\" - DATE '1970-01-01', confirmed, purpose, "
    "employer <> '' FROM bench_residency ORDER BY person_id, start, id"
)
TODAY = datetime.date(2026, 11, 1)


def _connect(dbname: str):  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={dbname}")


def _load(conn, residents: int, rng: random.Random) -> int:  # type: ignore[no-untyped-def]
    conn.execute("""CREATE TABLE bench_residency (id bigserial PRIMARY KEY, person_id bigint NOT NULL,
        start date NOT NULL, "end" date, confirmed boolean NOT NULL, purpose varchar(10) NOT NULL,
        employer varchar(120) NOT NULL)""")
    n = 0
    with (
        conn.cursor() as cur,
        cur.copy('COPY bench_residency (person_id, start, "end", confirmed, purpose, ' "employer) FROM STDIN") as copy,
    ):
        for pid in range(1, residents + 1):
            day = TODAY - datetime.timedelta(days=rng.randint(30, 2500))
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                end = None if rng.random() < 0.35 else day + datetime.timedelta(days=rng.randint(20, 700))
                if end is not None and end > TODAY:
                    end = None
                purpose = rng.choice(("work", "work", "business", "family", "study"))
                copy.write_row((pid, day, end, rng.random() < 0.9, purpose, "" if rng.random() < 0.2 else "某公司"))
                n += 1
                if end is None:
                    break
                day = end + datetime.timedelta(days=rng.choice((0, 1, 5, 20, 45)))
    conn.execute("CREATE INDEX bench_residency_person_start ON bench_residency (person_id, start)")
    conn.commit()
    conn.execute("ANALYZE bench_residency")
    return n


def _best(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _eligibility(scale: str) -> list[str]:
    from civitas.permits.batch import evaluate
    from civitas.permits.eligibility import Period, eligibility

    residents = SCALES[scale]
    rng = random.Random(2026)
    conn = _connect("civitas_bench_permits")
    t = time.perf_counter()
    rows_loaded = _load(conn, residents, rng)
    print(f"  loaded {rows_loaded:,} period rows for {residents:,} residents in {time.perf_counter() - t:.1f}s")

    def raw() -> list[tuple]:
        with conn.cursor() as cur:
            cur.execute(SQL)
            return cur.fetchall()

    def batch() -> object:
        return evaluate(raw(), TODAY)

    raw_s, rows = _best(raw)
    batch_s, result = _best(batch)
    print(f"  raw SQL {raw_s:.2f}s, batch {batch_s:.2f}s, eligible {result.count:,}")  # type: ignore[attr-defined]
    # the per-person function (evidence and reasons) on a sample, for scale
    sample = {}
    for pid, start, end, confirmed, purpose, has_employer in rows[:30_000]:  # type: ignore[index]
        epoch = datetime.date(1970, 1, 1)
        sample.setdefault(pid, []).append(
            Period(
                epoch + datetime.timedelta(days=start),
                None if end is None else epoch + datetime.timedelta(days=end),
                verified=confirmed,
                purpose=purpose,
                employer="x" if has_employer else "",
            )
        )
    t = time.perf_counter()
    for periods in sample.values():
        eligibility(periods, [], TODAY)
    per_person = (time.perf_counter() - t) / max(1, len(sample))
    conn.close()
    return [
        f"| eligibility, {residents:,} residents ({rows_loaded:,} period rows) | raw ordered SELECT + fetch "
        f"{raw_s:.2f} s | batch (same SELECT + numpy) {batch_s:.2f} s | **{batch_s / raw_s:.2f}×** (goal ≤ 3×) |",
        f"| per-person function with evidence (for pages) | {per_person * 1e6:.0f} µs/person | "
        f"would take {per_person * residents:.1f} s for all | {per_person * residents / raw_s:.1f}× |",
    ]


def _allocation() -> list[str]:
    from civitas.permits.schoolpoints import (
        DEFAULT_SCHEME_DATA,
        Applicant,
        PointsScheme,
        School,
        TieBreakRule,
        allocate,
    )

    rng = random.Random(7)
    scheme = PointsScheme.from_dict(DEFAULT_SCHEME_DATA)
    facts = []
    for _ in range(20_000):
        since = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randint(0, 3300))
        periods = [
            {"type": t, "from": f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}", "to": None, "in_district": True}
            for t in rng.sample(["pension", "medical", "unemployment", "work_injury", "maternity"], rng.randint(0, 5))
        ]
        facts.append(
            {
                "as_of": "2026-06-01",
                "permit_continuous_since": since.isoformat(),
                "job_in_district": True,
                "insurance_in_district": bool(periods),
                "insurance_periods": periods,
                "housing": rng.choice(["owned", "registered_rental", None]),
                "parent_education": rng.choice([None, "college", "bachelor_or_above"]),
                "municipal_honours": rng.choice([0, 0, 1, 2]),
                "credit_dishonest_record": rng.random() < 0.02,
            }
        )
    t = time.perf_counter()
    scores = [scheme.score(f).total for f in facts]
    score_s = time.perf_counter() - t
    schools = [School(id=f"s{i}", quotas={1: rng.randint(40, 120)}) for i in range(200)]
    applicants = [
        Applicant(
            id=f"a{i}",
            score=scores[i],
            grade=1,
            preferences=tuple(rng.sample([s.id for s in schools], 3)),
            permit_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500)),
        )
        for i in range(20_000)
    ]
    alloc_s, result = _best(lambda: allocate(applicants, schools, TieBreakRule(seed="2026")), repeat=3)
    placed = sum(1 for p in result.placements.values() if p.school_id)  # type: ignore[attr-defined]
    print(f"  scoring {score_s:.2f}s, allocation {alloc_s:.2f}s, placed {placed:,}")
    return [
        f"| score 20,000 applicants (default scheme, insurance periods) | {score_s:.2f} s | | |",
        f"| allocate 20,000 applicants to 200 schools, 3 preferences | **{alloc_s:.2f} s** (goal < 10 s) | "
        f"{placed:,} placed | |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=SCALES, default="small")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
    import django

    django.setup()
    print(f"eligibility ({args.scale})")
    lines = _eligibility(args.scale)
    print("allocation")
    lines += _allocation()
    table = "\n".join(["| measure | baseline | Civitas | ratio |", "|---|---|---|---|", *lines])
    print(table)
    _record(
        args.scale,
        f"### --scale {args.scale} ({SCALES[args.scale]:,} residents)\n\n"
        f"Run: `.venv/bin/python bench/permits_eligibility.py --scale {args.scale}` on {machine()}, "
        f"{datetime.date.today()}.\n\n{table}\n",
    )


INTRO = """# Permits benchmarks (issue 5)

Eligibility: the batch reads the period rows with one ordered SELECT (the same statement as the baseline,
which only fetches them) and evaluates continuity, the six-month rule and job/home/study with numpy
(`civitas/permits/batch.py`, checked equal to the per-person function by `tests/test_batch.py`). The
per-person function, which also builds the evidence and reasons shown on pages, is timed on a sample.
The rows sit in a stand-in table with the columns the production query reads from
residence_residency ⋈ residence_declaration. Allocation: `schoolpoints.allocate` (serial dictatorship by
score, published tie-break); scoring uses the default scheme with social-insurance periods.
"""


def _record(scale: str, text: str) -> None:
    """Replace this scale's section of docs/benchmarks/permits.md, keeping the other scale's."""
    path = ROOT / "docs" / "benchmarks" / "permits.md"
    old = path.read_text() if path.exists() else ""
    sections = {}
    for other in SCALES:
        start, end = f"<!-- {other} -->", f"<!-- /{other} -->"
        if start in old and end in old:
            sections[other] = old[old.index(start) + len(start) : old.index(end)].strip("\n")
    sections[scale] = text.strip("\n")
    body = "\n\n".join(f"<!-- {k} -->\n{sections[k]}\n<!-- /{k} -->" for k in SCALES if k in sections)
    write_section("permits", INTRO + "\n" + body + "\n")


if __name__ == "__main__":
    main()
