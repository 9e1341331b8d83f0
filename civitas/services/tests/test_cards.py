"""Merchant cards: lifecycle, online verification with live status, partner scope and the holder's log."""

from __future__ import annotations

import datetime
import sys
import types

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from civitas.services import actions
from civitas.services.choices import CardStatus, Scenario, VerificationResult
from civitas.services.models import CardVerification
from civitas.services.signing import card_token
from civitas.testing.factories import PASSWORD


def verify(token, partner_user, scenario, **kw):
    partner, user = partner_user
    return actions.do_verify_card(token, partner=partner, scenario=scenario, acting_user=user, **kw)


def test_an_issued_card_is_valid_for_a_year_and_a_bus_sees_only_valid(card, bus):
    assert card.status == CardStatus.ACTIVE and card.serial == 1
    assert card.expires_on == timezone.localdate() + datetime.timedelta(days=365)
    outcome = verify(card_token(card), bus, Scenario.BUS)
    assert outcome.valid and outcome.disclosed == {}


def test_the_validity_is_capped_by_the_residence_permit(resident):
    permit_end = timezone.localdate() + datetime.timedelta(days=100)
    actions.do_update_profile(resident, acting_user=None, residence_permit_expiry=permit_end)
    c = actions.do_issue_card(actions.do_apply_card(resident, acting_user=None), acting_user=None)
    assert c.expires_on == permit_end


def test_a_hotel_sees_name_nationality_and_masked_passport_but_no_credit(card, hotel):
    outcome = verify(card_token(card), hotel, Scenario.HOTEL)
    assert outcome.valid
    assert outcome.disclosed["holder"] == "AHMED ALI" and outcome.disclosed["nationality"] == "YEM"
    assert "1234567" not in outcome.disclosed["document"] and "credit" not in outcome.disclosed


def test_a_seller_sees_the_market_credit_grade_from_the_credit_app(card, seller, monkeypatch):
    fake = types.ModuleType("civitas.credit.queries")
    fake.merchant_grade = lambda person_id: {"grade": "A", "stars": 5, "points": 112, "label": "excellent"}
    monkeypatch.setitem(sys.modules, "civitas.credit.queries", fake)
    outcome = verify(card_token(card), seller, Scenario.MARKET)
    assert outcome.valid and outcome.disclosed["credit"]["grade"] == "A"
    assert "document" not in outcome.disclosed and "nationality" not in outcome.disclosed


def test_a_seller_sees_no_credit_file_when_the_credit_app_has_none(card, seller, monkeypatch):
    fake = types.ModuleType("civitas.credit.queries")
    fake.merchant_grade = lambda person_id: None
    monkeypatch.setitem(sys.modules, "civitas.credit.queries", fake)
    assert verify(card_token(card), seller, Scenario.MARKET).disclosed["credit"] is None


def test_a_failing_credit_query_does_not_break_the_scan(card, seller, monkeypatch):
    fake = types.ModuleType("civitas.credit.queries")

    def broken(person_id):
        raise RuntimeError("ledger down")

    fake.merchant_grade = broken
    monkeypatch.setitem(sys.modules, "civitas.credit.queries", fake)
    outcome = verify(card_token(card), seller, Scenario.MARKET)
    assert outcome.valid and outcome.disclosed["credit"] is None


def test_a_partner_cannot_check_a_scenario_it_is_not_registered_for(card, bus):
    outcome = verify(card_token(card), bus, Scenario.MARKET)
    assert outcome.result == VerificationResult.NOT_ALLOWED and outcome.disclosed == {}


def test_a_revoked_card_fails_at_once_even_with_a_valid_signature(card, bus):
    token = card_token(card)
    actions.do_revoke_card(card, note="fraud", acting_user=None)
    assert verify(token, bus, Scenario.BUS).result == VerificationResult.REVOKED


def test_a_suspended_card_fails_and_works_again_when_reinstated(card, bus):
    token = card_token(card)
    actions.do_suspend_card(card, note="lost", acting_user=None)
    assert verify(token, bus, Scenario.BUS).result == VerificationResult.SUSPENDED
    actions.do_reinstate_card(card, acting_user=None)
    assert verify(token, bus, Scenario.BUS).valid


def test_renewing_extends_the_card_and_supersedes_the_old_code(card, bus):
    old = card_token(card)
    renewed = actions.do_renew_card(card, acting_user=None)
    assert renewed.serial == 2 and renewed.expires_on > card.expires_on
    assert verify(old, bus, Scenario.BUS).result == VerificationResult.SUPERSEDED
    assert verify(card_token(renewed), bus, Scenario.BUS).valid


def test_an_expired_card_is_answered_as_expired(card, bus):
    later = card.expires_on + datetime.timedelta(days=1)
    assert verify(card_token(card), bus, Scenario.BUS, today=later).result == VerificationResult.EXPIRED


def test_a_forged_code_is_answered_as_forged(card, bus):
    body, sig = card_token(card).split(".")
    assert verify(body + "." + sig[::-1], bus, Scenario.BUS).result == VerificationResult.FORGED
    assert verify("hello", bus, Scenario.BUS).result == VerificationResult.MALFORMED


def test_every_scan_is_in_the_holders_log(card, bus, hotel):
    verify(card_token(card), bus, Scenario.BUS)
    verify(card_token(card), hotel, Scenario.HOTEL)
    verify(card_token(card), bus, Scenario.MARKET)
    results = list(CardVerification.objects.filter(card=card).values_list("partner__name", "result"))
    assert sorted(results) == sorted([("义乌公交", "valid"), ("Yiwu Hotel", "valid"), ("义乌公交", "not_allowed")])


def test_lifecycle_steps_out_of_order_are_refused(card):
    with pytest.raises(ValidationError):
        actions.do_issue_card(card, acting_user=None)
    actions.do_revoke_card(card, note="left China", acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_renew_card(card, acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_suspend_card(card, note="x", acting_user=None)


def test_the_holder_sees_the_qr_and_the_log_after_a_passport_check(card, bus, resident):
    from civitas.services.residents import link_token

    verify(card_token(card), bus, Scenario.BUS)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/services/card/{link_token('card', card.pk)}/"
    locked = client.get(url)
    assert "card-qr" not in locked.content.decode()
    wrong = client.post(url, {"action": "unlock", "passport": "X0000000"})
    assert "does not match" in wrong.content.decode()
    page = client.post(url, {"action": "unlock", "passport": "p1234567"}).content.decode()
    assert 'id="card-qr"' in page and "义乌公交" in page and "Valid" in page


def test_the_public_key_is_published_for_offline_verifiers(db):
    data = Client().get("/services/card/public-key").json()
    assert data["alg"] == "Ed25519" and len(data["kid"]) == 16


def test_a_partner_scans_through_the_page_in_their_language(card, bus):
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.login(username="bus_scanner", password=PASSWORD)
    actions.do_revoke_card(card, note="x", acting_user=None)
    page = client.post("/services/verify/", {"code": card_token(card), "scenario": "bus"}).content.decode()
    assert 'data-result="revoked"' in page and 'dir="rtl"' in page


def test_the_api_verifies_for_a_partner_token(card, seller):
    from civitas.accounts.apiauth import do_issue_api_token

    raw = do_issue_api_token(seller[1], "scanner", acting_user=None)
    client = Client()
    resp = client.post(
        "/api/services/cards/verify",
        {"code": card_token(card), "scenario": "market"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["valid"] is True and set(body["disclosed"]) == {"holder", "credit", "expires_on"}
    denied = client.post(
        "/api/services/cards/verify",
        {"code": card_token(card), "scenario": "hotel"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert denied.json()["result"] == "not_allowed" and denied.json()["disclosed"] == {}


def test_a_partner_with_scans_in_a_holders_log_cannot_be_deleted(card, bus):
    from django.db.models import ProtectedError

    partner, _user = bus
    verify(card_token(card), bus, Scenario.BUS)
    with pytest.raises(ProtectedError):
        partner.delete()
    assert CardVerification.objects.filter(partner=partner).count() == 1


def test_deleting_the_scanning_account_keeps_the_scan_without_its_author(card, bus):
    _partner, user = bus
    verify(card_token(card), bus, Scenario.BUS)
    scan = CardVerification.objects.get(card=card)
    assert scan.by_id == user.pk
    user.delete()
    scan.refresh_from_db()
    assert scan.by_id is None and scan.result == VerificationResult.VALID
