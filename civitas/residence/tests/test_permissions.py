"""Permission matrix of every residence page and endpoint: each role, own and other jurisdiction, anonymous."""

import datetime

import pytest
from django.utils import timezone

from civitas.residence import actions, qr
from civitas.residence.tests.builders import chinese, declare, rooms
from civitas.residence.views.tenant import receipt_token
from civitas.testing.factories import resident_id
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}
EVERYONE = {r: 200 for r in ROLES}
OFFICERS_ALL = {"admin": 200, "police": 200, "grid": 200, "police_other": 200, "grid_other": 200}
OFFICERS_G1 = {"admin": 200, "police": 200, "grid": 200}
LANDLORDS = {"landlord": 200, "landlord_other": 200}
NO_DECLARING = {"staff": 403, "mediator": 403, "inspector": 403, "analyst": 403}


def as_(codes: dict[str, int], status: int) -> dict[str, int]:
    return {k: status for k in codes}


def _o(p):
    """The residence objects the cases need, created once per personas dict (also for the coverage check)."""
    if "pending" not in p:
        p.update(residence_objects(p))
    return p


def _token(p):
    return qr.code_token(_o(p)["code"])


def _row(p, **over):
    return {
        "room_id": _o(p)["rooms"][3].pk,
        "move_in": timezone.localdate().isoformat(),
        "purpose": "work",
        "members": [{"doc_kind": "resident_id", "doc_number": resident_id(), "name": "矩阵"}],
        **over,
    }


def _sub(p):
    """A landlord's asynchronous check-in submission (Prefer: respond-async), stored but not yet filed."""
    if "submission" not in p:
        from civitas.residence import intake
        from civitas.residence.api import DeclarationIn, _input

        payload = DeclarationIn(**_row(p))
        data = _input(payload, "landlord")
        body = payload.model_dump(mode="json")
        p["submission"], _created = intake.do_receive(body, data, client_key="matrix", acting_user=p["landlord"])
    return p["submission"]


CASES = [
    # Tenant pages: public.
    Case("checkin form", lambda p: f"/residence/c/{_token(p)}/", EVERYONE),
    Case(
        "checkin verify without a pending form", lambda p: f"/residence/c/{_token(p)}/verify/", {r: 302 for r in ROLES}
    ),
    Case("tenant change form", lambda p: f"/residence/c/{_token(p)}/change/", EVERYONE),
    Case("receipt", lambda p: f"/residence/receipt/{receipt_token(_o(p)['pending'])}/", EVERYONE),
    Case("api checkin info", lambda p: f"/api/residence/checkin/{_token(p)}", EVERYONE),
    Case(
        "api checkin phone code",
        lambda p: f"/api/residence/checkin/{_token(p)}/phone-code",
        EVERYONE,
        method="post",
        content_type="application/json",
        data={"phone": "13912345678"},
    ),
    Case(
        "api checkin declare with a wrong code",
        lambda p: f"/api/residence/checkin/{_token(p)}",
        {r: 422 for r in ROLES},
        method="post",
        content_type="application/json",
        data=lambda p: {
            **_row(p),
            "room_id": _o(p)["rooms"][0].pk,
            "phone": "13912345678",
            "challenge_id": 1,
            "code": "000000",
        },
    ),
    # Landlord workbench.
    Case("workbench", "residence:workbench", LANDLORDS),
    Case(
        "landlord property", "residence:landlord-property", {"landlord": 200}, kwargs=lambda p: {"pk": p["property"].pk}
    ),
    Case(
        "landlord declare form",
        "residence:landlord-declare",
        {"landlord": 200},
        kwargs=lambda p: {"pk": p["property"].pk},
    ),
    Case(
        "issue code",
        "residence:code-issue",
        {"landlord": 302},
        method="post",
        kwargs=lambda p: {"pk": p["property"].pk},
    ),
    Case(
        "revoke code",
        "residence:code-revoke",
        {"landlord": 302},
        method="post",
        kwargs=lambda p: {"pk": _o(p)["code"].pk},
    ),
    Case("poster png", "residence:poster-png", {"landlord": 200}, kwargs=lambda p: {"pk": _o(p)["code"].pk}),
    Case("poster pdf", "residence:poster-pdf", {"landlord": 200}, kwargs=lambda p: {"pk": _o(p)["code"].pk}),
    Case(
        "confirm", "residence:confirm", {"landlord": 302}, method="post", kwargs=lambda p: {"pk": _o(p)["pending"].pk}
    ),
    Case(
        "landlord reject",
        "residence:landlord-reject",
        {"landlord": 302},
        method="post",
        kwargs=lambda p: {"pk": _o(p)["pending"].pk},
        data={"reason": "matrix"},
    ),
    Case(
        "check out",
        "residence:check-out",
        {"landlord": 302, **as_(OFFICERS_G1, 302)},
        method="post",
        kwargs=lambda p: {"pk": _o(p)["verified"].pk},
        data=lambda p: {"move_out": timezone.localdate().isoformat()},
    ),
    Case(
        "change room",
        "residence:change-room",
        {"landlord": 302},
        method="post",
        kwargs=lambda p: {"pk": _o(p)["verified"].pk},
        data=lambda p: {"room": _o(p)["rooms"][3].pk, "move_out": timezone.localdate().isoformat()},
    ),
    # Officers.
    Case("declaration list", "residence:declarations", OFFICERS_ALL),
    Case(
        "declaration page",
        "residence:declaration",
        {**OFFICERS_G1, "landlord": 200},
        kwargs=lambda p: {"pk": _o(p)["pending"].pk},
    ),
    Case(
        "decide",
        "residence:decide",
        as_(OFFICERS_G1, 302),
        method="post",
        kwargs=lambda p: {"pk": _o(p)["flagged"].pk},
        data={"decision": "approve"},
    ),
    Case("review queue", "residence:review", OFFICERS_ALL),
    Case("residents", "residence:residents", OFFICERS_ALL),
    Case("counts", "residence:counts", {**OFFICERS_ALL, "analyst": 200}),
    Case("watch list", "residence:watch-list", {"admin": 200, "police": 200, "police_other": 200}),
    Case(
        "watch list remove",
        "residence:watch-list-remove",
        {"admin": 302, "police": 302},
        method="post",
        kwargs=lambda p: {"pk": _o(p)["entry"].pk},
    ),
    # API.
    Case("api declarations", lambda p: "/api/residence/declarations", SIGNED_IN),
    Case(
        "api declare",
        lambda p: "/api/residence/declarations",
        {**as_(LANDLORDS, 201), **as_(OFFICERS_G1, 201), **NO_DECLARING},
        method="post",
        content_type="application/json",
        data=_row,
    ),
    Case(
        "api import",
        lambda p: "/api/residence/import",
        {**LANDLORDS, **OFFICERS_ALL, **NO_DECLARING},
        method="post",
        content_type="application/json",
        data=lambda p: {"batch_id": "m1", "rows": [_row(p)]},
    ),
    # Only the client that sent an asynchronous submission sees it (the POST is "api declare" with a header).
    Case("api submission", lambda p: f"/api/residence/submissions/{_sub(p).pk}", {"landlord": 200}),
    Case(
        "api declaration",
        lambda p: f"/api/residence/declarations/{_o(p)['pending'].pk}",
        {**OFFICERS_G1, "landlord": 200},
    ),
    Case(
        "api confirm",
        lambda p: f"/api/residence/declarations/{_o(p)['pending'].pk}/confirm",
        {"landlord": 200, "landlord_other": 404},
        default=403,
        method="post",
        content_type="application/json",
    ),
    Case(
        "api reject",
        lambda p: f"/api/residence/declarations/{_o(p)['pending'].pk}/reject",
        {"landlord": 200, "landlord_other": 404},
        default=403,
        method="post",
        content_type="application/json",
        data={"reason": "matrix"},
    ),
    Case(
        "api decide",
        lambda p: f"/api/residence/declarations/{_o(p)['flagged'].pk}/decide",
        {**OFFICERS_G1, "police_other": 404, "grid_other": 404},
        default=403,
        method="post",
        content_type="application/json",
        data={"decision": "approve"},
    ),
    Case(
        "api check out",
        lambda p: f"/api/residence/declarations/{_o(p)['verified'].pk}/check-out",
        {"landlord": 200, **OFFICERS_G1, "police_other": 404, "grid_other": 404, "landlord_other": 404},
        default=403,
        method="post",
        content_type="application/json",
        data=lambda p: {"move_out": timezone.localdate().isoformat()},
    ),
    Case(
        "api change room",
        lambda p: f"/api/residence/declarations/{_o(p)['verified'].pk}/change-room",
        {"landlord": 201, "landlord_other": 404},
        default=403,
        method="post",
        content_type="application/json",
        data=lambda p: {"room_id": _o(p)["rooms"][3].pk, "moved_on": timezone.localdate().isoformat()},
    ),
    Case("api review", lambda p: "/api/residence/review", SIGNED_IN),
    Case("api residents", lambda p: "/api/residence/residents", OFFICERS_ALL, default=403),
    Case("api counts", lambda p: "/api/residence/counts", {**OFFICERS_ALL, "analyst": 200}, default=403),
    Case("api rooms", lambda p: f"/api/residence/properties/{p['property'].pk}/rooms", {"landlord": 200}),
    Case(
        "api issue code",
        lambda p: f"/api/residence/properties/{p['property'].pk}/code",
        {"landlord": 200},
        method="post",
        content_type="application/json",
    ),
    Case(
        "api revoke code",
        lambda p: f"/api/residence/codes/{_o(p)['code'].pk}/revoke",
        {"landlord": 200},
        method="post",
        content_type="application/json",
    ),
    Case(
        "api watch list",
        lambda p: "/api/residence/watch-list",
        {"admin": 200, "police": 200, "police_other": 200},
        default=403,
    ),
    Case(
        "api watch list add",
        lambda p: "/api/residence/watch-list",
        {"admin": 201, "police": 201, "police_other": 201},
        default=403,
        method="post",
        content_type="application/json",
        data={"doc_number": "G12345678", "reason": "matrix"},
    ),
]


def residence_objects(p):
    from decimal import Decimal

    from civitas.places.models import Room

    rs = rooms(p)
    spare = Room.objects.create(property=p["property"], number="401", area_m2=Decimal("20"), beds=2)
    landlord = p["landlord"]
    return {
        "rooms": [*rs, spare],
        "code": actions.do_issue_code(p["property"], acting_user=landlord),
        "pending": declare(rs[0], chinese("待确认")),
        "verified": declare(rs[1], chinese("已核验"), source="landlord", acting_user=landlord),
        "flagged": declare(
            rs[2],
            chinese("迟到"),
            source="landlord",
            acting_user=landlord,
            move_in=timezone.localdate() - datetime.timedelta(days=9),
        ),
        "entry": actions.do_add_to_watch_list("E99887766", "matrix", acting_user=p["police"]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case, personas):
    run_case_for_roles(case, personas, ROLES)
