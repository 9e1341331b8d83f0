"""Small-cell suppression of count tables published without login.

Primary suppression hides every count from 1 to ``threshold - 1`` (and every total in that range).
Complementary suppression then makes sure no hidden value can be recovered by subtraction: in every row and
column whose total is published, and among the row (column) totals when the grand total is published, a
line never has exactly one hidden entry — if it does, the smallest other published entry is hidden too
(a non-zero one when there is one), or the line's total when nothing else is left.
Zeros are published: a zero singles out no one (the rule is configurable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

DEFAULT_THRESHOLD = 10
TOTAL = "__total__"


@dataclass
class SuppressedTable:
    """Counts with hidden entries as None; ``primary``/``secondary`` name what was hidden and why."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int | None]
    row_totals: dict[str, int | None]
    column_totals: dict[str, int | None]
    grand_total: int | None
    threshold: int
    primary: set[tuple[str, str]] = field(default_factory=set)
    secondary: set[tuple[str, str]] = field(default_factory=set)

    def as_rows(self) -> list[dict[str, Any]]:
        return [
            {"row": row, "cells": [self.cells[row, column] for column in self.columns], "total": self.row_totals[row]}
            for row in self.rows
        ]


def suppress(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, hide_zeros: bool = False) -> SuppressedTable:
    """Suppress a table of counts (rows = units, columns = categories) with its row, column and grand totals."""
    table = counts.fillna(0).astype(int)
    rows, columns = [str(r) for r in table.index], [str(c) for c in table.columns]
    values: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            values[row, column] = int(table.iat[i, j])
        values[row, TOTAL] = int(table.iloc[i].sum())
    for j, column in enumerate(columns):
        values[TOTAL, column] = int(table.iloc[:, j].sum())
    values[TOTAL, TOTAL] = int(table.to_numpy().sum())

    def small(value: int) -> bool:
        return value < threshold and (value > 0 or hide_zeros)

    hidden = {key for key, value in values.items() if small(value)}
    primary = set(hidden)
    lines = [[(row, column) for column in [*columns, TOTAL]] for row in [*rows, TOTAL]]
    lines += [[(row, column) for row in [*rows, TOTAL]] for column in [*columns, TOTAL]]
    changed = True
    while changed:
        changed = False
        for line in lines:
            *members, total = line
            if total in hidden:
                continue
            inside = [key for key in members if key in hidden]
            if len(inside) != 1:
                continue
            candidates = [key for key in members if key not in hidden]
            if candidates:
                nonzero = [key for key in candidates if values[key] > 0]
                pick = min(nonzero or candidates, key=lambda key: (values[key], key))
            else:
                pick = total
            hidden.add(pick)
            changed = True

    def shown(key: tuple[str, str]) -> int | None:
        return None if key in hidden else values[key]

    return SuppressedTable(
        rows=rows,
        columns=columns,
        cells={(row, column): shown((row, column)) for row in rows for column in columns},
        row_totals={row: shown((row, TOTAL)) for row in rows},
        column_totals={column: shown((TOTAL, column)) for column in columns},
        grand_total=shown((TOTAL, TOTAL)),
        threshold=threshold,
        primary=primary,
        secondary=hidden - primary,
    )
