"""Two counters filing for the same person at once give one application, not two (PostgreSQL)."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from civitas.permits import actions
from civitas.permits.eligibility import Period
from civitas.permits.models import PermitApplication
from civitas.testing.factories import person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_applications_for_one_person_create_exactly_one(personas: Any, residence: Any) -> None:
    p = person("并发", division=personas["g1"])
    residence[p.pk] = [Period(datetime.date(2025, 1, 1), None, purpose="work", employer="X")]
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def file() -> None:
        barrier.wait()
        try:
            actions.do_apply(p, acting_user=None, today=datetime.date(2026, 1, 1))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("duplicate")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate"] * 5 + ["ok"]
    assert PermitApplication.objects.filter(person=p).count() == 1
