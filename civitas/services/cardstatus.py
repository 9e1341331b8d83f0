"""The statements of an online card check: the card's live status and the row in the holder's log.

On PostgreSQL a genuine scan by an allowed partner is one statement (`check_and_log`: the status is read,
judged and logged in a data-modifying CTE, one round trip and one commit); elsewhere, and for every other
outcome, the two statements `card_status` and `log_scan`.

All of it is plain SQL on purpose. A partner's scan is the hottest path of the app (a bus validator, a
market stall), and building the same queries through the ORM cost several times their database time
(profiled: ~0.9 ms of CPU for `select_related(...).first()` against ~0.14 ms for the same SELECT). The
SQL is portable where it has to be, and the table and column names come from the models' metadata.

Nothing here is cached: a revoked, suspended or renewed card is seen by the very next scan.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from civitas.core.db import bound_cursor
from civitas.people.models import Person, display_name_of
from civitas.services.choices import CardStatus, VerificationResult
from civitas.services.models import CardVerification, MerchantCard


@dataclass(frozen=True)
class CardSnapshot:
    """What a scan needs of a card and its holder, read in one query."""

    pk: int
    number: str
    status: str
    serial: int
    expires_on: datetime.date | None
    person_id: int
    name: str
    name_latin: str
    nationality: str
    doc_masked: str

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def holder(self) -> str:
        """The holder's display name, by the people app's own rule."""
        return display_name_of(self.name, self.name_latin, self.nationality)


def _col(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return connection.ops.quote_name(field.column)


@lru_cache(maxsize=1)
def _select_sql() -> str:
    c, p = MerchantCard, Person
    card, person = connection.ops.quote_name(c._meta.db_table), connection.ops.quote_name(p._meta.db_table)
    cols = ", ".join(
        [f"c.{_col(c, f)}" for f in ("id", "number", "status", "serial", "expires_on", "person")]
        + [f"p.{_col(p, f)}" for f in ("name", "name_latin", "nationality", "doc_masked")]
    )
    return (
        f"SELECT {cols} FROM {card} c INNER JOIN {person} p ON p.{_col(p, 'id')} = c.{_col(c, 'person')} "
        f"WHERE c.{_col(c, 'number')} = %s"
    )


@lru_cache(maxsize=1)
def _insert_sql() -> str:
    v = CardVerification
    cols = ", ".join(_col(v, f) for f in ("card", "partner", "scenario", "result", "at", "by"))
    return f"INSERT INTO {connection.ops.quote_name(v._meta.db_table)} ({cols}) VALUES (%s, %s, %s, %s, %s, %s)"


# The log row of a genuine scan is committed with synchronous_commit off (PostgreSQL, this one statement's
# transaction only: `set_config(..., true)` inside the statement itself, read by PostgreSQL when the implicit
# transaction commits). The row is committed and visible to the holder at once, and the database stays
# consistent; what is given up is durability across a crash of the database server itself: the scans
# answered in the last ~0.6 s before such a crash (3 x wal_writer_delay) may be missing from the holders'
# logs. The answer to the partner never depends on that row. A durable commit waits for a WAL flush (5-6 ms
# on the benchmark machine, more under load), which capped a sync worker at a few scans per flush; see
# docs/benchmarks/services.md. Set to False to make every log row durable.
ASYNC_COMMIT = True


def fused_check_available() -> bool:
    """Data-modifying CTEs (INSERT inside WITH) are a PostgreSQL feature."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"  # the wrapper itself: no per-attribute proxy


def credit_file_sql(person_id_sql: str) -> str | None:
    """The credit app's "has a merchant file" test, or None when the credit app is not installed."""
    try:
        from civitas.credit.queries import merchant_file_sql
    except ImportError:
        return None
    return merchant_file_sql(person_id_sql)


def _credit_app_installed() -> bool:
    """Whether the credit app offers its merchant-file test (the import only: building the SQL is left to the
    statement's cache)."""
    try:
        from civitas.credit.queries import merchant_file_sql  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=2)
def _check_and_log_sql(credit_file: bool = False) -> str:
    """The status rules of do_verify_card for a genuine, allowed scan, written once in SQL.

    Kept equal to the Python rules in actions.do_verify_card (same order: suspended, not active, older
    serial, expired, valid); the card tests run on PostgreSQL against this statement.
    """
    c, v = MerchantCard, CardVerification
    status, serial, expires = (f"c.{_col(c, f)}" for f in ("status", "serial", "expires_on"))
    judged = (
        f"CASE WHEN {status} = '{CardStatus.SUSPENDED.value}' THEN '{VerificationResult.SUSPENDED.value}' "
        f"WHEN {status} <> '{CardStatus.ACTIVE.value}' THEN '{VerificationResult.REVOKED.value}' "
        f"WHEN {serial} <> %s THEN '{VerificationResult.SUPERSEDED.value}' "
        f"WHEN {expires} IS NOT NULL AND {expires} < %s THEN '{VerificationResult.EXPIRED.value}' "
        f"ELSE '{VerificationResult.VALID.value}' END"
    )
    extra = f", {judged} AS verdict"
    if credit_file:  # the market seller's scenario: whether to ask the credit app for the grade at all
        extra += f", {credit_file_sql('c.' + _col(c, 'person'))} AS credit_file"
    select = _select_sql().replace(" FROM ", f"{extra} FROM ", 1)
    log_cols = ", ".join(_col(v, f) for f in ("card", "partner", "scenario", "result", "at", "by"))
    return (
        f"WITH card AS ({select}), "
        f"logged AS (INSERT INTO {connection.ops.quote_name(v._meta.db_table)} ({log_cols}) "
        f"SELECT card.{_col(c, 'id')}, %s, %s, card.verdict, %s, %s FROM card) "
        f"SELECT * FROM card"
    )


@lru_cache(maxsize=4)
def _check_and_log_statement(asynchronous: bool, credit_file: bool) -> str:
    """The statement as sent: with the asynchronous commit of its own transaction when asked."""
    if not asynchronous:
        return _check_and_log_sql(credit_file)
    # A volatile function in the FROM list is evaluated once, before the row is returned and the
    # implicit transaction commits; the extra column is never read.
    return _check_and_log_sql(credit_file) + ", (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"


def check_and_log(
    number: str,
    *,
    serial: int,
    today: datetime.date,
    partner_id: int,
    scenario: str,
    by_id: int | None,
    credit_file: bool = False,
) -> tuple[CardSnapshot, str, bool | None] | None:
    """Read, judge and log a genuine scan in one statement; None (and nothing logged) for an unknown card.

    Returns the card, the verdict and, with `credit_file`, whether the holder has a merchant credit file
    (None when not asked or when the credit app is absent). Outside a surrounding transaction the statement
    commits asynchronously (see ASYNC_COMMIT).
    """
    credit_file = credit_file and _credit_app_installed()
    params: list[Any] = [serial, today, number, partner_id, scenario, timezone.now(), by_id]
    asynchronous = ASYNC_COMMIT and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    with bound_cursor() as cursor:  # parameters bound on the server, the statement prepared once per connection
        cursor.execute(_check_and_log_statement(asynchronous, credit_file), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _snapshot(row), row[10], (bool(row[11]) if credit_file else None)


def card_status(number: str) -> CardSnapshot | None:
    """The card with this number as it is now (one indexed query on the unique card number)."""
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(), [number])
        row = cursor.fetchone()
    return None if row is None else _snapshot(row)


def _snapshot(row: tuple) -> CardSnapshot:
    expires_on = row[4]
    if isinstance(expires_on, str):  # SQLite without converters returns the ISO text
        expires_on = datetime.date.fromisoformat(expires_on)
    return CardSnapshot(
        pk=row[0],
        number=row[1],
        status=row[2],
        serial=row[3],
        expires_on=expires_on,
        person_id=row[5],
        name=row[6],
        name_latin=row[7],
        nationality=row[8],
        doc_masked=row[9],
    )


def log_scan(*, card_id: int | None, partner_id: int, scenario: str, result: str, by_id: int | None) -> None:
    """One row in the holder's verification log (the same row `CardVerification.objects.create` writes)."""
    at = timezone.now()
    value = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), [card_id, partner_id, scenario, result, value, by_id])
