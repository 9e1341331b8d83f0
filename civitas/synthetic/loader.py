"""Bulk writing of generated rows: PostgreSQL COPY, or executemany on SQLite.

Rows carry explicit primary keys so related tables can be generated without reading anything back;
`reset_sequences` moves PostgreSQL's id sequences past them afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models


def table_columns(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    opts = model._meta
    return opts.db_table, [str(opts.get_field(f).column) for f in fields]  # type: ignore[union-attr]


def write_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = 5000
) -> int:
    table, cols = table_columns(model, fields)
    n = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            col_sql = ", ".join(f'"{c}"' for c in cols)
            with raw.copy(f'COPY "{table}" ({col_sql}) FROM STDIN') as copy:
                buf: list[str] = []
                for row in rows:
                    buf.append("\t".join(map(_copy_text, row)))
                    n += 1
                    if len(buf) >= batch:
                        copy.write("\n".join(buf) + "\n")
                        buf.clear()
                if buf:
                    copy.write("\n".join(buf) + "\n")
        return n
    placeholders = ", ".join(["%s"] * len(cols))
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({placeholders})'
    it = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(it, batch)):
            cursor.executemany(sql, chunk)
            n += len(chunk)
    return n


def _copy_text(value: Any) -> str:
    """One field in COPY's text format (faster than per-value adaptation for millions of rows)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
                f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 1))'
            )
