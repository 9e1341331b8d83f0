"""Credit linkage through domain events: one deduction per hazard, reversed if the hazard is annulled."""

from __future__ import annotations

from typing import Any

from civitas.core.models import DomainEvent
from civitas.inspections import actions
from civitas.inspections.tests.builders import T0, hazard, inspect, photo, rental_premises
from civitas.testing.factories import person


def test_each_hazard_emits_one_confirmed_event_with_the_landlord_credit_rule(personas: Any) -> None:
    inspection = inspect(
        rental_premises(personas),
        personas["inspector"],
        {"escape_window_blocked": True, "ebike_indoor_charging": True},
    )
    events = DomainEvent.objects.filter(kind="inspections.hazard_confirmed").order_by("id")
    assert events.count() == 2
    by_rule = {e.payload["credit"]["rule"]: e for e in events}
    assert set(by_rule) == {"escape_window_blocked", "ebike_indoor_charging"}
    e = by_rule["escape_window_blocked"]
    landlord_id = personas["landlord_person"].pk
    assert e.payload["credit"] == {
        "scheme": "landlord-12",
        "rule": "escape_window_blocked",
        "subject_type": "landlord",
        "subject_id": landlord_id,
        "note": e.payload["credit"]["note"],
    }
    assert (e.subject_type, e.subject_id) == ("landlord", str(landlord_id))
    assert e.division_code == personas["g1"].code
    assert e.payload["property_id"] == personas["property"].pk
    assert {h.credit_event_id for h in inspection.hazards.all()} == {ev.pk for ev in events}


def test_a_shop_hazard_deducts_merchant_credit(personas: Any) -> None:
    merchant = person("陈老板", division=personas["g1"])
    shop = actions.do_register_premises(
        kind="small_shop",
        name="小吃店",
        address="稠城街道工人路1号",
        division_code=personas["g1"].code,
        owner_id=merchant.pk,
        acting_user=personas["inspector"],
    )
    inspect(shop, personas["inspector"], {"exits_clear": True})
    e = DomainEvent.objects.get(kind="inspections.hazard_confirmed")
    assert e.payload["credit"]["scheme"] == "merchant-credit"
    assert e.payload["credit"]["rule"] == "safety_hazard"
    assert e.payload["credit"]["subject_type"] == "merchant" and e.payload["credit"]["subject_id"] == merchant.pk


def test_annulling_on_appeal_emits_a_reversal_of_the_original_event(personas: Any) -> None:
    h = hazard(personas)
    actions.do_annul_hazard(h, reason="photo showed the neighbour's window", acting_user=personas["inspector"], now=T0)
    annulled = DomainEvent.objects.get(kind="inspections.hazard_annulled")
    assert annulled.payload["credit_reverse_event"] == h.credit_event_id
    assert "credit" not in annulled.payload


def test_the_loop_emits_no_further_credit_events_and_a_closed_event_at_the_end(personas: Any) -> None:
    h = hazard(personas)
    actions.do_fix_on_spot(h, after_photo=photo(), acting_user=personas["inspector"], now=T0)
    actions.do_reinspect(h, passed=True, acting_user=personas["inspector"], now=T0)
    kinds = list(DomainEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["inspections.hazard_confirmed", "inspections.hazard_closed"]
    closed = DomainEvent.objects.get(kind="inspections.hazard_closed")
    assert "credit" not in closed.payload and closed.payload["reinspection_passed"] is True
