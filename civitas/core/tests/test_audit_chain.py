from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from civitas.core import audit
from civitas.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@contextmanager
def _as_attacker():
    """Tamper the way a database superuser could: with the append-only trigger bypassed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as c:
                c.execute("SET session_replication_role = DEFAULT")
    else:
        yield


def _three_events() -> None:
    for i in range(3):
        audit.record("test.thing", object_type="thing", object_id=i, new={"n": i}, actor_label="tester")


def test_a_fresh_chain_verifies():
    _three_events()
    assert list(audit.verify_chain()) == []
    call_command("audit_verify")


def test_each_event_links_to_the_previous_hash():
    _three_events()
    events = list(AuditEvent.objects.order_by("seq"))
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert AuditChainHead.objects.get().hash == events[-1].hash


def test_verification_fails_after_a_row_is_edited():
    _three_events()
    with _as_attacker():
        AuditEvent.objects.filter(seq=2).update(new={"n": 99})
    problems = list(audit.verify_chain())
    assert [(p.seq, "edited" in p.problem) for p in problems] == [(2, True)]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verification_fails_after_a_row_is_deleted():
    _three_events()
    with _as_attacker():
        AuditEvent.objects.filter(seq=2).delete()
    problems = list(audit.verify_chain())
    assert any("deleted" in p.problem for p in problems)


def test_verification_fails_after_the_last_row_is_deleted():
    _three_events()
    with _as_attacker():
        AuditEvent.objects.filter(seq=3).delete()
    assert any("head" in p.problem for p in audit.verify_chain())


def test_floats_dates_and_nested_values_verify_after_a_database_round_trip():
    import datetime
    from decimal import Decimal

    audit.record(
        "test.values",
        new={
            "f": 1e16,
            "g": 0.1,
            "d": datetime.date(2026, 1, 2),
            "x": Decimal("1.50"),
            "nested": {"k": [1, 2.5, None]},
            "nul": "a\x00b",
        },
    )
    assert list(audit.verify_chain()) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_to_edit_or_delete_audit_rows():
    _three_events()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(note="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


def test_deferred_appends_queue_records_and_chain_them_together_just_before_commit():
    from django.test.utils import CaptureQueriesContext

    AuditChainHead.objects.get_or_create(id=1)  # as in any database that has audited something
    with transaction.atomic():
        with CaptureQueriesContext(connection) as q, audit.deferred():
            first = audit.record("test.first", object_type="thing", object_id=1, actor_label="tester")
            with audit.deferred():  # nested blocks join the outer one
                audit.record("test.second", object_type="thing", object_id=2, actor_label="tester")
            assert first.seq is None and not AuditEvent.objects.exists()  # nothing written yet
        assert [e.action for e in AuditEvent.objects.order_by("seq")] == ["test.first", "test.second"]
        head_locks = [x for x in q.captured_queries if "core_auditchainhead" in x["sql"] and "FOR UPDATE" in x["sql"]]
        assert len(head_locks) <= 1  # the head is locked once, at the end
    assert list(audit.verify_chain()) == []


def test_a_deferred_block_that_raises_appends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic(), audit.deferred():
        audit.record("test.lost", object_type="thing", object_id=1, actor_label="tester")
        raise RuntimeError("action failed")
    assert not AuditEvent.objects.filter(action="test.lost").exists()
    audit.record("test.after", object_type="thing", object_id=2, actor_label="tester")  # not queued any more
    assert AuditEvent.objects.filter(action="test.after").exists()
    assert list(audit.verify_chain()) == []
