"""Database helpers shared by the hot paths that write plain SQL (the card scan, the asynchronous check-in)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


def _bound_cursor() -> tuple[Any, bool]:
    """A cursor that sends the parameters apart from the SQL (PostgreSQL's extended protocol).

    Django's psycopg backend binds parameters on the client: every call sent the statement as new text,
    with each parameter escaped into it (for a long value, such as an encrypted body, a measurable cost), and
    PostgreSQL parsed and planned it again each time. A psycopg `Cursor` binds on the server, and psycopg
    prepares a statement that a connection has run `prepare_threshold` times (5 by default), so a worker's
    persistent connection plans the statement once and then only executes it. The cursor goes through
    Django's wrapper, so the statement is still counted, logged in debug and wrapped by
    `connection.execute_wrapper` like any other. One psycopg cursor is kept per database connection (Django's
    connections are per thread) and reused by every call on it; a new connection gets a new one. When queries
    are being logged (debug, tests capturing them) each call gets a fresh debug cursor instead, for the caller
    to close: the second value is True for the kept cursor.
    """
    import psycopg

    db = connections[DEFAULT_DB_ALIAS]  # this thread's wrapper itself, not `connection`'s per-attribute proxy
    db.ensure_connection()
    db.validate_thread_sharing()
    raw_connection = db.connection
    # django-stubs type these wrappers as taking a CursorWrapper; Django passes them the DB-API cursor.
    if db.queries_logged:
        return db.make_debug_cursor(psycopg.Cursor(raw_connection)), False  # type: ignore[arg-type]
    kept = getattr(db, "_bound_cursor", None)
    if kept is None or kept[0] is not raw_connection or kept[1].closed:
        kept = (raw_connection, psycopg.Cursor(raw_connection))
        db._bound_cursor = kept  # type: ignore[attr-defined]
    return db.make_cursor(kept[1]), True  # type: ignore[arg-type]


@contextmanager
def bound_cursor() -> Iterator[Any]:
    """On PostgreSQL a server-binding cursor (see `_bound_cursor`), elsewhere Django's own cursor; use it as
    `with bound_cursor() as cursor:` like `connection.cursor()`."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    cursor, kept = _bound_cursor()
    try:
        yield cursor
    finally:
        if not kept:  # the kept cursor stays open for the connection's next call
            cursor.close()
