"""Permission matrix: every mediation page and endpoint × every role, own and other jurisdiction."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civitas.mediation import actions
from civitas.mediation.models import Alert
from civitas.mediation.tests.builders import file_case, mediator
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = mediator(personas["t1"], languages="zh", rating="5.00")
    case = file_case(personas["g1"], now=timezone.now() - datetime.timedelta(minutes=1))
    offer = case.offers.get()
    personas["case"] = case
    personas["offer"] = offer
    personas["med_user"] = m.user
    personas["evidence"] = actions.do_add_evidence(
        case, SimpleUploadedFile("receipt.txt", b"receipt", content_type="text/plain")
    )
    personas["alert"] = Alert.objects.create(
        kind="repeat_party", key="repeat:x", division=personas["t1"], subject="华丰", detail={"cases": 3}
    )
    return personas


def case_kw(p):
    return {"pk": p["case"].pk}


DISPATCHERS = {"admin": 200, "mediator": 200}
READERS = {"admin": 200, "mediator": 200, "police": 200, "staff": 200, "grid": 200}
STATS = {"admin": 200, "analyst": 200, "police": 200, "mediator": 200, "staff": 200, "police_other": 200}
CASES = [
    Case("intake page is public", "mediation:intake", {}, default=200, anonymous=200),
    Case("status page is public", "mediation:status", {}, default=200, anonymous=200),
    Case(
        "party page needs the phone check",
        lambda p: f"/mediation/status/{p['case'].code}/",
        {},
        anonymous=404,
        covers=["mediation:party_case"],
    ),
    Case(
        "party sign needs the phone check",
        lambda p: f"/mediation/status/{p['case'].code}/sign",
        {},
        method="post",
        anonymous=404,
        covers=["mediation:party_sign"],
    ),
    Case(
        "party rate needs the phone check",
        lambda p: f"/mediation/status/{p['case'].code}/rate",
        {},
        method="post",
        anonymous=404,
        covers=["mediation:party_rate"],
    ),
    Case(
        "party pdf needs the phone check",
        lambda p: f"/mediation/status/{p['case'].code}/agreement.pdf",
        {},
        anonymous=404,
        covers=["mediation:party_agreement_pdf"],
    ),
    Case("workbench is for mediators with a profile", "mediation:workbench", {"admin": 302, "mediator": 302}),
    Case("duty is for mediators with a profile", "mediation:duty", {}, method="post"),
    Case(
        "accepting another's offer", "mediation:offer_accept", {}, method="post", kwargs=lambda p: {"pk": p["offer"].pk}
    ),
    Case(
        "declining another's offer",
        "mediation:offer_decline",
        {},
        method="post",
        kwargs=lambda p: {"pk": p["offer"].pk},
    ),
    Case("case page", "mediation:case", READERS, kwargs=case_kw),
    Case(
        "case actions are for its mediator or a dispatcher",
        "mediation:case_act",
        {"admin": 302, "mediator": 302},
        method="post",
        kwargs=lambda p: {"pk": p["case"].pk, "action": "note"},
        data={"text": "x"},
    ),
    Case("agreement pdf without agreement", "mediation:agreement_pdf", {}, kwargs=case_kw),
    Case(
        "evidence files are for the case's mediator or a dispatcher",
        "mediation:evidence",
        DISPATCHERS,
        kwargs=lambda p: {"pk": p["case"].pk, "evidence_pk": p["evidence"].pk},
    ),
    Case(
        "a party's full number is for the case's mediator or a dispatcher",
        "mediation:party_phone",
        {"admin": 302, "mediator": 302},
        method="post",
        kwargs=lambda p: {"pk": p["case"].pk, "party_pk": p["case"].parties.first().pk},
    ),
    Case(
        "marking a warning handled is for dispatchers",
        "mediation:alert_ack",
        {"admin": 302, "mediator": 302},
        method="post",
        kwargs=lambda p: {"pk": p["alert"].pk},
    ),
    Case(
        "assign is for dispatchers", "mediation:assign", {"admin": 302, "mediator": 302}, method="post", kwargs=case_kw
    ),
    Case("console is for dispatchers", "mediation:console", DISPATCHERS),
    Case("run dispatch is for dispatchers", "mediation:run_dispatch", {"admin": 302, "mediator": 302}, method="post"),
    Case(
        "officer filing",
        "mediation:file",
        {
            "admin": 200,
            "mediator": 200,
            "police": 200,
            "police_other": 200,
            "staff": 200,
            "grid": 200,
            "grid_other": 200,
        },
    ),
    Case("statistics", "mediation:statistics", STATS),
    Case("api cases", lambda p: "/api/mediation/cases", {}, default=200),
    Case(
        "api case",
        lambda p: f"/api/mediation/cases/{p['case'].pk}",
        {"admin": 200, "mediator": 200, "police": 200, "staff": 200, "grid": 200},
    ),
    Case(
        "api decisions",
        lambda p: f"/api/mediation/cases/{p['case'].pk}/decisions",
        {"admin": 200, "mediator": 200, "police": 200, "staff": 200, "grid": 200},
    ),
    Case("api case file", lambda p: f"/api/mediation/cases/{p['case'].pk}/file", {"admin": 200, "mediator": 200}),
    Case("api offers", lambda p: "/api/mediation/offers", {}, default=200),
    Case("api queue", lambda p: "/api/mediation/queue", DISPATCHERS),
    Case("api overdue", lambda p: "/api/mediation/overdue", DISPATCHERS),
    Case("api alerts", lambda p: "/api/mediation/alerts", STATS),
    Case("api statistics", lambda p: "/api/mediation/statistics", STATS),
    Case(
        "api accept another's offer",
        lambda p: f"/api/mediation/offers/{p['offer'].pk}/accept",
        {},
        method="post",
        content_type="application/json",
    ),
    Case(
        "api decline another's offer",
        lambda p: f"/api/mediation/offers/{p['offer'].pk}/decline",
        {},
        method="post",
        content_type="application/json",
        data={"reason": "busy"},
    ),
    Case(
        "api assign a case by hand",
        lambda p: f"/api/mediation/cases/{p['case'].pk}/assign",
        DISPATCHERS,
        method="post",
        content_type="application/json",
        data=lambda p: {"mediator_ids": [p["med_user"].mediator_profile.pk]},
    ),
    Case(
        "api duty",
        lambda p: "/api/mediation/duty",
        {},
        method="post",
        content_type="application/json",
        data={"on_duty": True},
    ),
    Case(
        "api dispatch", lambda p: "/api/mediation/dispatch", DISPATCHERS, method="post", content_type="application/json"
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_permission_matrix(world, case):
    run_case_for_roles(case, world, ROLES)


def test_the_offered_mediator_can_accept_on_the_workbench(world, client):
    client.force_login(world["med_user"])
    assert client.get("/mediation/workbench/").status_code == 200
    resp = client.post(f"/mediation/offers/{world['offer'].pk}/accept")
    assert resp.status_code == 302 and resp.url == f"/mediation/cases/{world['case'].pk}/"
    assert client.get(resp.url).status_code == 200


def test_the_menu_entries_lead_each_mediator_role_account_to_its_own_page(world, client):
    client.force_login(world["med_user"])
    assert client.get("/mediation/console/").url == "/mediation/workbench/"
    client.force_login(world["mediator"])
    assert client.get("/mediation/workbench/").url == "/mediation/console/"
