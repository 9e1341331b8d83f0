import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civitas.core import audit
from civitas.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


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
    AuditEvent.objects.filter(seq=2).update(new={"n": 99})
    problems = list(audit.verify_chain())
    assert [(p.seq, "edited" in p.problem) for p in problems] == [(2, True)]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verification_fails_after_a_row_is_deleted():
    _three_events()
    AuditEvent.objects.filter(seq=2).delete()
    problems = list(audit.verify_chain())
    assert any("deleted" in p.problem for p in problems)


def test_verification_fails_after_the_last_row_is_deleted():
    _three_events()
    AuditEvent.objects.filter(seq=3).delete()
    assert any("head" in p.problem for p in audit.verify_chain())
