"""The partner's scan as a hot path: what it costs in statements, what its caches may and may not remember,
and the offline check a partner's device runs with nothing but the published key."""

from __future__ import annotations

import subprocess
import sys
import types
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.accounts.apiauth import do_issue_api_token
from civitas.services import actions, credentials
from civitas.services.api import VerifyOut
from civitas.services.choices import Scenario, VerificationResult
from civitas.services.models import CardVerification
from civitas.services.signing import card_token, public_key_document

ON_POSTGRES = connection.vendor == "postgresql"


def scan(client: Client, raw: str, code: str, scenario: str = "bus") -> Any:
    return client.post(
        "/api/services/cards/verify",
        {"code": code, "scenario": scenario},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


@pytest.fixture
def bus_token(bus: tuple[Any, Any]) -> str:
    return do_issue_api_token(bus[1], "validator", acting_user=None)


def test_a_repeated_scan_costs_one_statement_on_postgresql_and_two_elsewhere(card, bus, bus_token):
    client = Client()
    assert scan(client, bus_token, card_token(card)).json()["valid"]  # token and partner now remembered
    with CaptureQueriesContext(connection) as queries:
        assert scan(client, bus_token, card_token(card)).json()["valid"]
    assert len(queries.captured_queries) == (1 if ON_POSTGRES else 2)
    assert CardVerification.objects.filter(card=card, result="valid").count() == 2


def test_the_answer_keeps_the_documented_schema(card, seller):
    raw = do_issue_api_token(seller[1], "stall", acting_user=None)
    body = scan(Client(), raw, card_token(card), "market").json()
    assert VerifyOut.model_validate(body).model_dump() == body
    assert isinstance(body["message"], str) and body["result"] == "valid"


def test_a_card_revoked_between_two_scans_fails_on_the_second(card, bus, bus_token):
    client, code = Client(), card_token(card)
    assert scan(client, bus_token, code).json()["valid"]
    actions.do_revoke_card(card, note="fraud", acting_user=None)
    body = scan(client, bus_token, code).json()
    assert body["result"] == VerificationResult.REVOKED and body["disclosed"] == {}
    assert list(CardVerification.objects.filter(card=card).values_list("result", flat=True)) == ["revoked", "valid"]


def test_a_suspension_and_a_renewal_are_seen_by_the_next_scan(card, bus, bus_token):
    client, old = Client(), card_token(card)
    assert scan(client, bus_token, old).json()["valid"]
    actions.do_suspend_card(card, note="lost", acting_user=None)
    assert scan(client, bus_token, old).json()["result"] == "suspended"
    actions.do_reinstate_card(card, acting_user=None)
    renewed = actions.do_renew_card(card, acting_user=None)
    assert scan(client, bus_token, old).json()["result"] == "superseded"
    assert scan(client, bus_token, card_token(renewed)).json()["valid"]


def test_a_revoked_api_token_is_refused_at_once(card, bus, bus_token):
    from civitas.accounts.models import ApiToken

    client = Client()
    assert scan(client, bus_token, card_token(card)).status_code == 200
    token = ApiToken.objects.get(user=bus[1])
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert scan(client, bus_token, card_token(card)).status_code == 401


def test_a_deactivated_account_is_refused_at_once(card, bus, bus_token):
    client, user = Client(), bus[1]
    assert scan(client, bus_token, card_token(card)).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert scan(client, bus_token, card_token(card)).status_code == 401


def test_a_partner_deactivated_or_narrowed_is_refused_at_once(card, bus, bus_token):
    client, (partner, _user) = Client(), bus
    assert scan(client, bus_token, card_token(card)).json()["valid"]
    partner.scenarios = [Scenario.LIBRARY]
    partner.save(update_fields=["scenarios"])
    assert scan(client, bus_token, card_token(card)).json()["result"] == "not_allowed"
    partner.active = False
    partner.save(update_fields=["active"])
    assert scan(client, bus_token, card_token(card)).status_code == 403


def test_an_account_removed_from_the_partner_is_refused_at_once(card, bus, bus_token):
    client, (partner, user) = Client(), bus
    assert scan(client, bus_token, card_token(card)).status_code == 200
    partner.accounts.remove(user)
    assert scan(client, bus_token, card_token(card)).status_code == 403


def test_each_request_gets_its_own_user_object(card, bus, bus_token):
    from civitas.accounts.apiauth import TokenAuth

    class Req:
        user: Any = None

    first, second = Req(), Req()
    auth = TokenAuth()
    a, b = auth.authenticate(first, bus_token), auth.authenticate(second, bus_token)  # type: ignore[arg-type]
    assert a is not None and b is not None and a is not b and a.pk == b.pk == bus[1].pk
    a.first_name = "changed in one request"
    assert b.first_name != "changed in one request"


def test_the_market_grade_is_remembered_briefly_and_forgotten_when_the_person_changes(
    card, seller, resident, monkeypatch
):
    calls: list[int] = []
    fake = types.ModuleType("civitas.credit.queries")

    def grade(person_id: int) -> dict[str, Any]:
        calls.append(person_id)
        return {"grade": "A", "stars": 5, "points": 112, "label": "excellent"}

    fake.merchant_grade = grade  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "civitas.credit.queries", fake)
    partner, user = seller
    for _ in range(3):
        outcome = actions.do_verify_card(card_token(card), partner=partner, scenario="market", acting_user=user)
        assert outcome.disclosed["credit"]["grade"] == "A"
    assert calls == [resident.pk]
    resident.save(update_fields=["name_latin"])
    actions.do_verify_card(card_token(card), partner=partner, scenario="market", acting_user=user)
    assert calls == [resident.pk, resident.pk]
    assert actions.CREDIT_GRADE_SECONDS <= 60


def test_an_unknown_card_number_with_a_genuine_signature_is_forged_and_logged(card, bus):
    from civitas.services.signing import private_key

    claims = credentials.CardClaims("SYK0000NOPE", 1, "X", "YEM", 0, card.expires_on, "")
    token = credentials.sign(claims, private_key())
    outcome = actions.do_verify_card(token, partner=bus[0], scenario="bus", acting_user=bus[1])
    assert outcome.result == VerificationResult.FORGED and outcome.card is None
    assert CardVerification.objects.filter(card=None, result="forged").count() == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="the asynchronous commit of the log row is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_scan_is_logged_and_visible_at_once(card, bus):
    from civitas.services import cardstatus

    assert cardstatus.ASYNC_COMMIT and not connection.in_atomic_block
    outcome = actions.do_verify_card(card_token(card), partner=bus[0], scenario="bus", acting_user=bus[1])
    assert outcome.valid
    assert CardVerification.objects.filter(card=card, result="valid", by=bus[1]).count() == 1
    with connection.cursor() as cursor:  # the setting was local to that one statement
        cursor.execute("SELECT current_setting('synchronous_commit')")
        assert cursor.fetchone()[0] == "on"


def test_a_device_verifies_offline_with_only_the_published_key_document(card):
    keys = credentials.public_keys_from_document(public_key_document())
    claims = credentials.verify_offline(card_token(card), keys, timezone.localdate())
    assert claims.card_number == card.number and claims.serial == card.serial
    other = credentials.public_keys_from_document(
        {"alg": "Ed25519", "public_key": "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik="}
    )
    with pytest.raises(credentials.CredentialError) as err:
        credentials.verify_offline(card_token(card), other, timezone.localdate())
    assert err.value.failure == credentials.Failure.UNKNOWN_KEY
    with pytest.raises(ValueError):
        credentials.public_keys_from_document({**public_key_document(), "kid": "0000000000000000"})


def test_the_offline_verifier_needs_no_django():
    code = (
        "import sys; import civitas.services.credentials as c; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    )
    root = str(settings.BASE_DIR)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env={"PYTHONPATH": root}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="server-side prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_connection_plans_the_scan_statement_once_and_then_reuses_it(card, bus):
    for _ in range(7):
        outcome = actions.do_verify_card(card_token(card), partner=bus[0], scenario="bus", acting_user=bus[1])
        assert outcome.valid
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%synchronous_commit%"])
        prepared = [r[0] for r in cursor.fetchall()]
    assert len(prepared) == 1 and "INSERT INTO" in prepared[0]
    assert CardVerification.objects.filter(card=card, result="valid").count() == 7


@pytest.mark.django_db(transaction=True)
def test_a_market_scan_asks_the_credit_app_only_for_holders_with_a_merchant_file(card, seller, resident, monkeypatch):
    from civitas.credit import actions as credit_actions
    from civitas.credit import queries
    from civitas.credit.seed_data import ensure_installed

    ensure_installed()
    asked: list[int] = []
    real = queries.merchant_grade
    monkeypatch.setattr(queries, "merchant_grade", lambda pid: asked.append(pid) or real(pid))
    actions._grade_cache.clear()
    partner, user = seller
    outcome = actions.do_verify_card(card_token(card), partner=partner, scenario="market", acting_user=user)
    assert outcome.valid and outcome.disclosed["credit"] is None
    assert asked == ([] if ON_POSTGRES else [resident.pk])  # the fused statement said "no file"
    credit_actions.do_open_merchant_file(resident, trade_name="Ali Trading", acting_user=None)
    actions._grade_cache.clear()
    outcome = actions.do_verify_card(card_token(card), partner=partner, scenario="market", acting_user=user)
    assert outcome.disclosed["credit"]["grade"] and resident.pk in asked
    assert CardVerification.objects.filter(card=card, scenario="market", result="valid").count() == 2
