"""Small-cell suppression: no count under the threshold is published, nor one recoverable from totals."""

from __future__ import annotations

import itertools

import pandas as pd

from civitas.insight.suppression import suppress


def table(rows: dict[str, list[int]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=["a", "b", "c"])


def hidden_in(result, line):  # type: ignore[no-untyped-def]
    return [key for key in line if result.cells.get(key, 0) is None]


def test_it_publishes_a_table_without_small_counts_unchanged() -> None:
    result = suppress(table({"x": [10, 20, 30], "y": [15, 0, 12]}), threshold=10)
    assert result.cells["x", "a"] == 10 and result.cells["y", "b"] == 0 and result.grand_total == 87
    assert not result.primary and not result.secondary


def test_it_hides_every_count_under_the_threshold() -> None:
    result = suppress(table({"x": [3, 20, 30], "y": [15, 9, 12], "z": [40, 50, 60]}), threshold=10)
    assert result.cells["x", "a"] is None and result.cells["y", "b"] is None
    assert {("x", "a"), ("y", "b")} <= result.primary


def test_it_hides_a_second_cell_so_a_small_one_cannot_be_recovered_from_the_total() -> None:
    result = suppress(table({"x": [3, 20, 30], "y": [15, 40, 12], "z": [40, 50, 60]}), threshold=10)
    assert result.cells["x", "a"] is None
    assert result.secondary, "a lone hidden cell in a row with a published total must get a partner"
    for row in ["x", "y", "z"]:
        if result.row_totals[row] is not None:
            assert len([c for c in "abc" if result.cells[row, c] is None]) != 1
    for column in "abc":
        if result.column_totals[column] is not None:
            assert len([r for r in "xyz" if result.cells[r, column] is None]) != 1


def test_no_hidden_cell_can_be_worked_out_by_subtraction_in_random_tables() -> None:
    values = [0, 1, 4, 9, 10, 11, 25, 80]
    for seed, cells in enumerate(itertools.islice(itertools.product(values, repeat=6), 0, 4000, 37)):
        frame = pd.DataFrame([cells[:3], cells[3:]], index=["r1", "r2"], columns=["a", "b", "c"])
        result = suppress(frame, threshold=10)
        lines = [[(r, c) for c in "abc"] + [(r, "T")] for r in ("r1", "r2")]
        lines += [[("r1", c), ("r2", c), ("T", c)] for c in "abc"]
        shown = dict(result.cells)
        shown.update({(r, "T"): result.row_totals[r] for r in ("r1", "r2")})
        shown.update({("T", c): result.column_totals[c] for c in "abc"})
        for line in lines:
            *members, total = line
            if shown[total] is not None:
                assert sum(shown[m] is None for m in members) != 1, (seed, cells, line)
        for key, value in shown.items():
            if value is not None:
                assert value == 0 or value >= 10, (cells, key)


def test_it_hides_a_small_total_as_well() -> None:
    result = suppress(table({"x": [3, 2, 0], "y": [15, 40, 12]}), threshold=10)
    assert result.row_totals["x"] is None
    assert result.cells["x", "c"] == 0


def test_the_threshold_is_configurable() -> None:
    frame = table({"x": [3, 20, 30], "y": [15, 40, 12]})
    assert suppress(frame, threshold=3).cells["x", "a"] == 3
    assert suppress(frame, threshold=4).cells["x", "a"] is None
