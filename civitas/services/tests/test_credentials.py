"""The signed card credential: verify, forge, expire — offline, without the database."""

from __future__ import annotations

import base64
import datetime
import json
import secrets

import pytest

from civitas.services import credentials
from civitas.services.credentials import CardClaims, CredentialError, Failure

SEED = base64.b64encode(bytes(range(32))).decode()
KEY = credentials.private_key_from_seed(SEED)
PUB = KEY.public_key()
KEYS = {credentials.key_id(PUB): PUB}
TODAY = datetime.date(2026, 6, 1)


def claims(**kw):
    base = {
        "card_number": "SYK2606ABC123",
        "serial": 1,
        "holder": "AHMED ALI",
        "nationality": "YEM",
        "issued_at": 1767225600,
        "expires_on": datetime.date(2027, 1, 1),
        "key_id": "",
    }
    base.update(kw)
    return CardClaims(**base)


def failure_of(token, keys=KEYS, today=TODAY):
    with pytest.raises(CredentialError) as exc:
        credentials.verify_offline(token, keys, today)
    return exc.value.failure


def test_a_signed_card_verifies_offline_and_returns_its_claims():
    token = credentials.sign(claims(), KEY)
    got = credentials.verify_offline(token, KEYS, TODAY)
    assert (got.card_number, got.serial, got.holder, got.expires_on) == (
        "SYK2606ABC123",
        1,
        "AHMED ALI",
        datetime.date(2027, 1, 1),
    )
    assert got.key_id == credentials.key_id(PUB)


def test_the_token_is_compact_base64url_payload_dot_signature():
    token = credentials.sign(claims(), KEY)
    body, sig = token.split(".")
    assert len(credentials.unb64u(sig)) == 64
    assert json.loads(credentials.unb64u(body))["cid"] == "SYK2606ABC123"
    assert "=" not in token and len(token) < 400


def test_the_key_is_derived_from_the_seed_deterministically():
    again = credentials.private_key_from_seed(SEED)
    assert credentials.raw_public_key(again.public_key()) == credentials.raw_public_key(PUB)
    with pytest.raises(ValueError):
        credentials.private_key_from_seed(base64.b64encode(b"short").decode())


def test_an_altered_payload_is_rejected_as_a_bad_signature():
    token = credentials.sign(claims(), KEY)
    body, sig = token.split(".")
    data = json.loads(credentials.unb64u(body))
    data["exp"] = "2099-12-31"
    forged = credentials.b64u(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()) + "." + sig
    assert failure_of(forged) == Failure.BAD_SIGNATURE


def test_a_card_signed_with_another_key_under_our_key_id_is_rejected():
    other = credentials.private_key_from_seed(base64.b64encode(secrets.token_bytes(32)).decode())
    token = credentials.sign(claims(), other)
    assert failure_of(token) == Failure.UNKNOWN_KEY
    body, _ = token.split(".")
    data = json.loads(credentials.unb64u(body))
    data["kid"] = credentials.key_id(PUB)
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    impostor = credentials.b64u(payload) + "." + credentials.b64u(other.sign(payload))
    assert failure_of(impostor) == Failure.BAD_SIGNATURE


def test_an_expired_card_fails_with_its_claims_attached():
    token = credentials.sign(claims(expires_on=datetime.date(2026, 5, 31)), KEY)
    with pytest.raises(CredentialError) as exc:
        credentials.verify_offline(token, KEYS, TODAY)
    assert exc.value.failure == Failure.EXPIRED and exc.value.claims.card_number == "SYK2606ABC123"
    assert credentials.verify_offline(token, KEYS, datetime.date(2026, 5, 31)).holder == "AHMED ALI"


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "abc",
        "a.b.c",
        "!!!.???",
        "e30.AAAA",
        "x" * 2000,
        credentials.b64u(b"[1,2]") + ".AAAA",
        credentials.b64u(b'{"v":1}') + ".AAAA",
    ],
)
def test_garbage_is_reported_as_malformed_never_as_a_crash(junk):
    assert failure_of(junk) == Failure.MALFORMED


def test_a_scanned_url_yields_the_token():
    assert credentials.token_from_scan("https://yiwu.example/services/v/abc.def") == "abc.def"
    assert credentials.token_from_scan("  abc.def \n") == "abc.def"
