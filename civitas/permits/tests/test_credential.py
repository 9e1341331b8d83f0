"""The permit credential: Ed25519 signature verified offline with the public key; tampered, expired,
suspended and revoked credentials say so and never crash."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from civitas.permits import actions, verification
from civitas.permits.choices import CancelReason
from civitas.permits.credential import Claims, private_key_from_seed, public_key_bytes, sign, verify_token
from civitas.permits.tests.helpers import issued_permit

D = datetime.date
SEED = base64.b64encode(bytes(range(32))).decode()


def _claims(**kw: Any) -> Claims:
    return Claims(**{"number": "330782202600000001", "name": "陈明", "expires": D(2027, 6, 10), **kw})


def test_a_signed_token_verifies_offline_with_the_public_key_alone() -> None:
    key = private_key_from_seed(SEED)
    result = verify_token(sign(_claims(), key), public_key_bytes(key), D(2026, 7, 1))
    assert result.status == "valid" and result.claims is not None
    assert result.claims.name == "陈明" and result.claims.expires == D(2027, 6, 10)


def test_the_permits_key_is_derived_and_not_the_root_seed() -> None:
    root = Ed25519PrivateKey.from_private_bytes(base64.b64decode(SEED))
    assert public_key_bytes(root) != public_key_bytes(private_key_from_seed(SEED))


def test_a_changed_payload_is_invalid() -> None:
    key = private_key_from_seed(SEED)
    body, sig = sign(_claims(), key).split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["exp"] = "2099-01-01"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode() + "." + sig
    assert verify_token(forged, public_key_bytes(key), D(2026, 7, 1)).status == "invalid"


def test_a_token_signed_by_another_key_is_invalid() -> None:
    other = Ed25519PrivateKey.generate()
    ours = private_key_from_seed(SEED)
    assert verify_token(sign(_claims(), other), public_key_bytes(ours), D(2026, 7, 1)).status == "invalid"


def test_a_token_past_its_expiry_is_expired_but_still_shows_whose_it_was() -> None:
    key = private_key_from_seed(SEED)
    result = verify_token(sign(_claims(), key), public_key_bytes(key), D(2027, 6, 11))
    assert result.status == "expired" and result.claims is not None and result.claims.name == "陈明"


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_garbage_is_invalid_and_never_raises(token: str) -> None:
    key = private_key_from_seed(SEED)
    assert verify_token(token, public_key_bytes(key), D(2026, 7, 1)).status == "invalid"


@pytest.fixture
def permit(resident: Any, personas: Any, today: Any) -> Any:
    today(D(2026, 6, 10))
    return issued_permit(resident, personas["police"], D(2026, 6, 10))


def test_online_verification_follows_the_permit_live(permit: Any, personas: Any, today: Any) -> None:
    token = verification.token_for(permit, D(2026, 6, 10))
    assert verification.verify_online(token, D(2026, 7, 1)).status == "valid"
    actions.suspend_missed(D(2027, 6, 11))
    assert verification.verify_online(token, D(2027, 6, 11)).status == "suspended"
    actions.do_endorse(permit, acting_user=personas["police"], today=D(2027, 6, 20))
    permit.refresh_from_db()
    fresh = verification.verify_online(verification.token_for(permit, D(2027, 6, 20)), D(2027, 6, 20))
    assert fresh.status == "valid"
    assert verification.verify_online(token, D(2027, 6, 20)).status == "expired"  # the old QR
    actions.do_cancel(permit, reason=CancelReason.MOVED_AWAY, acting_user=personas["police"])
    assert verification.verify_online(verification.token_for(permit, D(2027, 7, 1)), D(2027, 7, 1)).status == "revoked"


def test_the_verify_page_and_api_answer_for_valid_tampered_and_missing_tokens(permit: Any, today: Any) -> None:
    today(D(2026, 7, 1))
    client = Client()
    token = verification.token_for(permit, D(2026, 7, 1))
    page = client.get("/permits/verify/", {"t": token})
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()
    assert permit.person.name in page.content.decode()
    tampered = client.get("/permits/verify/", {"t": token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")})
    assert 'data-status="invalid"' in tampered.content.decode()
    assert permit.person.name not in tampered.content.decode()
    fr = client.get("/permits/verify/", {"t": token}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="offline-status">valid<' in fr and 'id="live-status">valid<' in fr
    ru = client.get("/permits/verify/", {"t": "x.y"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="offline-status">invalid' not in ru  # the outcome is worded in the verifier's language
    api = client.get("/api/permits/verify", {"t": "not a token"}).json()
    assert api["status"] == "invalid" and api["name"] is None
    assert client.get("/api/permits/verify", {"t": token}).json()["status"] == "valid"


def test_the_published_public_key_verifies_the_qr_token(permit: Any) -> None:
    doc = Client().get("/permits/public-key").json()
    raw = base64.urlsafe_b64decode(doc["public_key"] + "=" * (-len(doc["public_key"]) % 4))
    token = verification.token_for(permit, D(2026, 7, 1))
    result = verify_token(token, raw, D(2026, 7, 1))
    assert result.valid and result.claims is not None
    assert doc["alg"] == "Ed25519" and result.claims.kid == doc["kid"]
    svg = verification.qr_svg(token)
    assert svg.startswith("<svg") and "path" in svg
