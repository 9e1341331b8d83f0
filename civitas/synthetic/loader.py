"""Bulk writing of generated rows: PostgreSQL COPY, or executemany on SQLite.

Rows carry explicit primary keys so related tables can be generated without reading anything back;
`reset_sequences` moves PostgreSQL's id sequences past them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models


def table_columns(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    opts = model._meta
    return opts.db_table, [opts.get_field(f).column for f in fields]


def write_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
               batch: int = 5000) -> int:
    table, cols = table_columns(model, fields)
    n = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            col_sql = ", ".join(f'"{c}"' for c in cols)
            with raw.copy(f'COPY "{table}" ({col_sql}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n
    placeholders = ", ".join(["%s"] * len(cols))
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({placeholders})'
    it = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(it, batch)):
            cursor.executemany(sql, chunk)
            n += len(chunk)
    return n


def reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
                f"COALESCE((SELECT MAX(\"{pk}\") FROM \"{table}\"), 1))"
            )
