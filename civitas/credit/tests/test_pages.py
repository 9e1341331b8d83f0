"""Pages: what landlords, officers and the public see; query budgets on the lists."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.credit import actions, merchant_card
from civitas.testing.factories import foreigner, person, rental_property


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_landlord_sees_each_entry_in_plain_words_and_how_to_appeal(personas: dict[str, Any], record: Any) -> None:
    entry = record("ebike_window_charging", note="cable from the 3rd floor window")
    page = _client(personas["landlord"]).get(reverse("credit:mine")).content.decode()
    assert (
        "E-bike charged by a cable run from a window" in page
        and "-3" in page
        and "cable from the 3rd floor window" in page
    )
    detail = _client(personas["landlord"]).get(reverse("credit:entry", args=[entry.pk])).content.decode()
    assert 'name="reason"' in detail


def test_the_officer_list_orders_landlords_by_points_within_a_query_budget(
    personas: dict[str, Any], record: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        p = person(f"房东{i}", division=personas["g2"])
        rental_property(personas["g2"], p)
    record("household_file_incomplete")
    client = _client(personas["police"])
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("credit:landlords"))
    rows = resp.context["page"].object_list
    assert rows[0].pk == personas["landlord_person"].pk and rows[0].points == 8 and rows[0].trend == -4
    assert all(r.points == 12 for r in rows[1:])
    assert personas["other_landlord_person"].pk not in {r.pk for r in rows}  # another township


def test_recording_without_evidence_shows_the_error_on_the_form(personas: dict[str, Any]) -> None:
    resp = _client(personas["police"]).post(
        reverse("credit:landlord", args=[personas["landlord_person"].pk]),
        {
            "rule": "escape_window_blocked",
            "occurred_on": timezone.localdate().isoformat(),
            "property": str(personas["property"].pk),
        },
    )
    assert resp.status_code == 422
    assert "needs evidence" in resp.content.decode()


def test_the_public_grade_shows_only_with_consent_and_dies_when_consent_is_withdrawn(personas: dict[str, Any]) -> None:
    mf = actions.do_open_merchant_file(
        foreigner("SAMIR N", division=personas["g1"]),
        trade_name="Samir Bags",
        public_consent=True,
        acting_user=personas["police"],
    )
    token = merchant_card.public_token(mf)
    page = Client().get(reverse("credit:public_grade", args=[token]))
    assert page.status_code == 200 and "Samir Bags" in page.content.decode() and "★★★★" in page.content.decode()
    assert "SAMIR" not in page.content.decode()  # the grade, never the person's identity
    actions.do_set_merchant_consent(mf, consent=False, acting_user=personas["police"])
    assert Client().get(reverse("credit:public_grade", args=[token])).status_code == 404
    actions.do_set_merchant_consent(mf, consent=True, acting_user=personas["police"])
    assert Client().get(reverse("credit:public_grade", args=[token])).status_code == 404  # old codes stay dead
    assert Client().get(merchant_card.public_url(mf).split("8000", 1)[-1]).status_code == 200
    qr = _client(personas["police"]).get(reverse("credit:merchant_qr", args=[mf.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_the_person_page_and_the_landlord_home_show_the_balance(personas: dict[str, Any], record: Any) -> None:
    record("fire_hazard")
    person_page = _client(personas["police"]).get(reverse("people:detail", args=[personas["landlord_person"].pk]))
    assert "Landlord 12-point scheme" in person_page.content.decode() and ">10<" in person_page.content.decode()
    home = _client(personas["landlord"]).get(reverse("core:home")).content.decode()
    assert "Landlord 12-point scheme" in home and ">10<" in home


def test_the_simulation_page_drafts_a_rule_set_and_replays_a_year(personas: dict[str, Any]) -> None:
    client = _client(personas["admin"])
    resp = client.post(
        reverse("credit:simulate"),
        {
            "action": "draft",
            "scheme": "landlord-12",
            "effective_from": timezone.localdate().isoformat(),
            "points": "tenant_late=-2\nhelping_out=0",
            "thresholds": "training=..7",
            "note": "tighter",
        },
    )
    assert resp.status_code == 302
    result = client.get(resp["Location"])
    assert result.status_code == 200
    assert result.context["results"]["draft"].version == 2
    bad = client.post(
        reverse("credit:simulate"),
        {"action": "draft", "scheme": "landlord-12", "effective_from": "2030-01-01", "points": "nonsense"},
    )
    assert bad.status_code == 422
