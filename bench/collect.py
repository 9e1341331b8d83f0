"""Merge docs/benchmarks/*.md (one file per benchmark, written by each bench script) into docs/benchmarks.md."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = [
    "registry",
    "residence",
    "residence-bulk",
    "credit",
    "permits",
    "services",
    "mediation",
    "inspections",
    "insight",
]


def _nested(part: str) -> str:
    """Each section's own title becomes a level-2 heading, its sub-headings go one level deeper."""
    if not part.startswith("# "):
        return part
    return "\n".join("#" + line if line.startswith("#") else line for line in part.splitlines())


def main() -> None:
    parts = sorted(
        (ROOT / "docs" / "benchmarks").glob("*.md"),
        key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem),
    )
    head = (
        "# Benchmarks\n\nMeasured on this project's reference machine (2 cores, 24 GiB, PostgreSQL 15 on the same "
        "host). Every figure is a ratio or latency taken in one run beside its baseline, so it compares like with "
        "like on the same loaded machine. Each section names the command that reproduces it; "
        "`bench/collect.py` merges the sections into this file.\n\n"
    )
    text = head + "\n".join(_nested(p.read_text().strip()) + "\n" for p in parts)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    print(f"docs/benchmarks.md: {len(parts)} sections")


if __name__ == "__main__":
    main()
