"""With the credit app's consumer live: a confirmed hazard costs the landlord 3 points; annulment restores them."""

from __future__ import annotations

from typing import Any

import pytest

from civitas.inspections import actions
from civitas.inspections.tests.builders import T0, hazard

credit_queries = pytest.importorskip("civitas.credit.queries")


def test_a_blocked_escape_window_costs_the_landlord_three_points_until_annulled(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    landlord_id = personas["landlord_person"].pk
    before = credit_queries.balance("landlord-12", "landlord", landlord_id)
    with django_capture_on_commit_callbacks(execute=True):
        h = hazard(personas, "escape_window_blocked")
    assert credit_queries.balance("landlord-12", "landlord", landlord_id) == before - 3
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_annul_hazard(h, reason="appeal upheld", acting_user=personas["inspector"], now=T0)
    assert credit_queries.balance("landlord-12", "landlord", landlord_id) == before
