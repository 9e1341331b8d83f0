"""Concurrent check-ins into one room on PostgreSQL: the room row lock keeps capacity honest."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from civitas.places.models import Room
from civitas.residence.choices import DeclarationStatus, RuleCode
from civitas.residence.models import Declaration
from civitas.residence.tests.builders import chinese, declare

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CIVITAS_DB=postgres)"),
]


def test_concurrent_check_ins_never_leave_more_unflagged_residents_than_capacity(transactional_db, personas):
    room = Room.objects.create(property=personas["property"], number="901", area_m2=Decimal("14"), beds=2)
    tenants = [chinese(f"并发{i}", phone="") for i in range(8)]
    barrier = threading.Barrier(len(tenants))
    errors: list[BaseException] = []

    def check_in(tenant):
        try:
            barrier.wait()
            declare(room, tenant, source="landlord", acting_user=personas["landlord"])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(t,)) for t in tenants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    decls = Declaration.objects.filter(room=room)
    assert decls.count() == 8
    assert decls.filter(status=DeclarationStatus.VERIFIED).count() == 2
    flagged = decls.filter(status=DeclarationStatus.FLAGGED)
    assert flagged.count() == 6
    assert all(not d.results.get(current=True, rule=RuleCode.WITHIN_CAPACITY).passed for d in flagged)
