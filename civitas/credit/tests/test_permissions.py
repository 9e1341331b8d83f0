"""Permission matrix of the credit pages and endpoints: every role, own and other jurisdiction, anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from civitas.credit import actions, merchant_card
from civitas.credit.models import RuleSet
from civitas.testing.factories import foreigner
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}
OFFICERS = {"admin": 200, "police": 200, "grid": 200, "police_other": 200, "grid_other": 200}
IN_SCOPE = {"admin": 200, "police": 200, "grid": 200, "police_other": 404, "grid_other": 404}
DECIDERS = {"admin": 200, "police": 200, "police_other": 200}


@pytest.fixture
def world(personas: dict[str, Any]) -> dict[str, Any]:
    """Personas plus: a deduction on the t1 landlord recorded by the g1 grid worker and appealed; a
    consented merchant in g1; a merchant file for the other landlord (g3)."""
    entry = actions.do_record_violation(
        scheme_code="landlord-12",
        rule_code="fire_hazard",
        subject_id=personas["landlord_person"].pk,
        occurred_on=timezone.localdate(),
        note="cables in the stairwell",
        division_code=personas["property"].division_id,
        acting_user=personas["grid"],
    )
    fresh = actions.do_record_violation(
        scheme_code="landlord-12",
        rule_code="escape_window_blocked",
        subject_id=personas["landlord_person"].pk,
        occurred_on=timezone.localdate(),
        note="bars",
        division_code=personas["property"].division_id,
        acting_user=personas["grid"],
    )
    appeal = actions.do_file_appeal(entry, reason="Removed the same day.", acting_user=personas["landlord"])
    mf = actions.do_open_merchant_file(
        foreigner("KARIM SAID", division=personas["g1"]),
        trade_name="Karim Toys",
        public_consent=True,
        acting_user=personas["police"],
    )
    mf_other = actions.do_open_merchant_file(
        personas["other_landlord_person"], trade_name="Li Socks", acting_user=personas["police_other"]
    )
    return {
        **personas,
        "entry": entry,
        "fresh": fresh,
        "appeal": appeal,
        "mf": mf,
        "mf_other": mf_other,
        "token": merchant_card.public_token(mf),
        "rule_set": RuleSet.objects.get(scheme__code="landlord-12"),
    }


def _record_data(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": "fire_hazard",
        "occurred_on": timezone.localdate().isoformat(),
        "evidence_note": "matrix",
        "property": str(p["property"].pk),
    }


CASES = [
    Case("my credit", "credit:mine", SIGNED_IN),
    Case("entry page", "credit:entry", {**IN_SCOPE, "landlord": 200}, kwargs=lambda p: {"pk": p["entry"].pk}),
    Case("evidence photo (none attached)", "credit:evidence", {}, kwargs=lambda p: {"pk": p["entry"].pk}),
    Case(
        "appeal a deduction",
        "credit:appeal",
        {"landlord": 302},
        method="post",
        kwargs=lambda p: {"pk": p["fresh"].pk},
        data={"reason": "wrong house"},
    ),
    Case("landlords by points", "credit:landlords", OFFICERS, default=403),
    Case(
        "landlord ledger",
        "credit:landlord",
        IN_SCOPE,
        default=403,
        kwargs=lambda p: {"pk": p["landlord_person"].pk},
    ),
    Case(
        "record a violation",
        "credit:landlord",
        {"admin": 302, "police": 302, "grid": 302, "police_other": 404, "grid_other": 404},
        default=403,
        method="post",
        kwargs=lambda p: {"pk": p["landlord_person"].pk},
        data=_record_data,
    ),
    Case("merchants", "credit:merchants", OFFICERS, default=403),
    Case("merchant ledger", "credit:merchant", IN_SCOPE, default=403, kwargs=lambda p: {"pk": p["mf"].pk}),
    Case("merchant QR", "credit:merchant_qr", IN_SCOPE, kwargs=lambda p: {"pk": p["mf"].pk}),
    Case(
        "merchant consent",
        "credit:merchant_consent",
        {"landlord_other": 302},
        method="post",
        data={"consent": "1"},
    ),
    Case("appeal queue", "credit:appeals", DECIDERS, default=403),
    Case(
        "decide an appeal (page)",
        "credit:decide",
        {"admin": 200, "police": 200},
        kwargs=lambda p: {"pk": p["appeal"].pk},
    ),
    Case(
        "decide an appeal",
        "credit:decide",
        {"admin": 302, "police": 302},
        method="post",
        kwargs=lambda p: {"pk": p["appeal"].pk},
        data={"decision": "uphold", "note": "ok"},
    ),
    Case("rule simulation", "credit:simulate", {"admin": 200, "analyst": 200}, default=403),
    Case(
        "public merchant grade",
        "credit:public_grade",
        SIGNED_IN,
        anonymous=200,
        kwargs=lambda p: {"token": p["token"]},
    ),
    Case(
        "public grade, forged token",
        "credit:public_grade",
        {},
        anonymous=404,
        kwargs=lambda p: {"token": "x:y"},
    ),
    Case("api me", lambda p: "/api/credit/me", SIGNED_IN),
    Case("api landlords", lambda p: "/api/credit/landlords", OFFICERS, default=403),
    Case("api landlord", lambda p: f"/api/credit/landlords/{p['landlord_person'].pk}", IN_SCOPE, default=403),
    Case("api entry", lambda p: f"/api/credit/entries/{p['entry'].pk}", {**IN_SCOPE, "landlord": 200}),
    Case(
        "api record",
        lambda p: "/api/credit/entries",
        {"admin": 201, "police": 201, "grid": 201},
        default=403,
        method="post",
        content_type="application/json",
        data=lambda p: {
            "rule": "fire_hazard",
            "subject_id": p["landlord_person"].pk,
            "occurred_on": timezone.localdate().isoformat(),
            "evidence_note": "matrix",
        },
    ),
    Case(
        "api appeal",
        lambda p: f"/api/credit/entries/{p['fresh'].pk}/appeal",
        {"landlord": 201},
        method="post",
        content_type="application/json",
        data={"reason": "not mine"},
    ),
    Case("api appeals", lambda p: "/api/credit/appeals", DECIDERS, default=403),
    Case(
        "api decide",
        lambda p: f"/api/credit/appeals/{p['appeal'].pk}/decide",
        {"admin": 200, "police": 200},
        method="post",
        content_type="application/json",
        data={"uphold": False, "note": "stands"},
    ),
    Case(
        "api simulation",
        lambda p: "/api/credit/simulations",
        {"admin": 200, "analyst": 200},
        default=403,
        method="post",
        content_type="application/json",
        data=lambda p: {"rule_set_id": p["rule_set"].pk, "cycle": timezone.localdate().year - 1},
    ),
    Case("api public grade", lambda p: f"/api/credit/public/{p['token']}", SIGNED_IN, anonymous=200),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case: Case, world: dict[str, Any]) -> None:
    run_case_for_roles(case, world, ROLES)
