"""Permission matrix of every services page and endpoint: each role, own and other township, a partner,
anonymous. Resident pages are public (a signed link plus a passport check guards personal data)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from civitas.accounts.choices import Role
from civitas.services import actions
from civitas.services.models import ServicePoint, Slot
from civitas.services.residents import link_token
from civitas.services.tests.conftest import submit
from civitas.testing import factories
from civitas.testing.matrix import ROLES, Case, run_case_for_roles

MY_ROLES = (*ROLES, "partner")
EVERYONE = {r: 200 for r in MY_ROLES}
REDIRECT_ALL = {r: 302 for r in MY_ROLES}
STAFF = {"staff": 200, "admin": 200}
DIRECTORY = {**STAFF, "mediator": 200}


def world(p: dict) -> dict:
    """Objects the cases point at, built once per personas dict (also when the coverage check asks)."""
    if "_services" not in p:
        mine = factories.foreigner("AHMED ALI", nationality="YEM", division=p["g1"], number="P1234567")
        theirs = factories.foreigner("OLGA IVANOVA", nationality="RUS", division=p["g3"], number="R7654321")
        app, other_app = submit("visa-extension", mine), submit("visa-extension", theirs)
        point, other_point = ServicePoint.objects.get(code="choucheng"), ServicePoint.objects.get(code="fotang")
        slot = Slot.objects.create(point=point, starts_at=timezone.now() + datetime.timedelta(days=1))
        appt = actions.do_book_appointment(slot.pk, mine, acting_user=None)
        card = actions.do_issue_card(actions.do_apply_card(mine, acting_user=None), acting_user=None)
        other_card = actions.do_apply_card(theirs, acting_user=None)
        partner_user = factories.user("matrix_partner", Role.PARTNER)
        actions.do_register_partner("Bus", "bus", ["bus"], acting_user=None, accounts=[partner_user])
        p["_services"] = {
            "app": app,
            "other_app": other_app,
            "point": point,
            "other_point": other_point,
            "slot": slot,
            "appt": appt,
            "card": card,
            "other_card": other_card,
            "doc": app.documents.first(),
            "other_doc": other_app.documents.first(),
        }
        p["partner"] = partner_user
    return p["_services"]


def pk(name: str):
    return lambda p: {"pk": world(p)[name].pk}


CASES = [
    # Resident side: public.
    Case("catalogue", "services:catalogue", EVERYONE),
    Case("service", "services:service", EVERYONE, kwargs=lambda p: {"code": "visa-extension"}),
    Case("apply form", "services:apply", EVERYONE, kwargs=lambda p: {"code": "visa-extension"}),
    Case(
        "application status (passport check)",
        lambda p: f"/services/status/{link_token('app', world(p)['app'].pk)}/",
        EVERYONE,
    ),
    Case(
        "forged status link",
        "services:application_status",
        {r: 404 for r in MY_ROLES},
        kwargs=lambda p: {"token": "forged"},
    ),
    Case("me", "services:me", EVERYONE),
    Case("me leave", "services:me_leave", REDIRECT_ALL, method="post"),
    Case("points", "services:points", EVERYONE),
    Case("point", "services:point", EVERYONE, kwargs=pk("point")),
    Case(
        "book form",
        "services:book",
        EVERYONE,
        kwargs=lambda p: {"pk": world(p)["point"].pk, "slot_pk": world(p)["slot"].pk},
    ),
    Case(
        "booking (passport check)", lambda p: f"/services/booking/{link_token('appt', world(p)['appt'].pk)}/", EVERYONE
    ),
    Case("card apply", "services:card_apply", REDIRECT_ALL),
    Case("card public key", "services:card_public_key", EVERYONE),
    Case("card (passport check)", lambda p: f"/services/card/{link_token('card', world(p)['card'].pk)}/", EVERYONE),
    # Partners.
    Case("partner scan", "services:partner_scan", {"partner": 200}, default=403),
    Case("verify link", "services:verify_link", {"partner": 200}, default=403, kwargs=lambda p: {"code": "abc.def"}),
    # Staff, scoped by township.
    Case("staff home", "services:staff_home", STAFF, default=403),
    Case("staff applications", "services:staff_applications", STAFF, default=403),
    Case("staff application", "services:staff_application", STAFF, default=403, kwargs=pk("app")),
    Case(
        "staff application other township",
        "services:staff_application",
        {"admin": 200, "staff": 404},
        default=403,
        kwargs=pk("other_app"),
    ),
    Case(
        "staff accept",
        "services:staff_application",
        {"admin": 302, "staff": 302},
        default=403,
        method="post",
        kwargs=pk("app"),
        data={"action": "accept", "note": ""},
    ),
    Case("staff document", "services:staff_document", STAFF, default=403, kwargs=pk("doc")),
    Case(
        "staff document other township",
        "services:staff_document",
        {"admin": 200, "staff": 404},
        default=403,
        kwargs=pk("other_doc"),
    ),
    Case("staff report", "services:staff_report", STAFF, default=403),
    Case("staff point", "services:staff_point", STAFF, default=403, kwargs=pk("point")),
    Case(
        "staff point other township",
        "services:staff_point",
        {"admin": 200, "staff": 404},
        default=403,
        kwargs=pk("other_point"),
    ),
    Case(
        "staff check in",
        "services:staff_check_in",
        {"admin": 302, "staff": 302},
        default=403,
        method="post",
        kwargs=pk("appt"),
    ),
    Case("staff cards", "services:staff_cards", STAFF, default=403),
    Case("staff card", "services:staff_card", STAFF, default=403, kwargs=pk("card")),
    Case(
        "staff card other township",
        "services:staff_card",
        {"admin": 200, "staff": 404},
        default=403,
        kwargs=pk("other_card"),
    ),
    Case(
        "staff suspend card",
        "services:staff_card",
        {"admin": 302, "staff": 302},
        default=403,
        method="post",
        kwargs=pk("card"),
        data={"action": "suspend", "note": "matrix"},
    ),
    Case("volunteer directory", "services:staff_volunteers", DIRECTORY, default=403),
    # API.
    Case("api catalogue", "/api/services/catalogue", EVERYONE),
    Case("api public key", "/api/services/card/public-key", EVERYONE),
    Case(
        "api verify",
        "/api/services/cards/verify",
        {"partner": 200},
        default=403,
        method="post",
        content_type="application/json",
        data={"code": "abc.def", "scenario": "bus"},
    ),
    Case("api applications", "/api/services/applications", STAFF, default=403),
    Case("api breaches", "/api/services/applications/breaches", STAFF, default=403),
    Case("api processing times", "/api/services/report/processing-times", STAFF, default=403),
]
for _case in CASES:  # plain paths are given as strings starting with "/"
    if isinstance(_case.url, str) and _case.url.startswith("/"):
        _case.url = (lambda path: (lambda p: path))(_case.url)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world(personas)
    run_case_for_roles(case, personas, MY_ROLES)


@pytest.mark.django_db
def test_every_services_page_and_endpoint_is_in_the_matrix(personas):
    from django.urls import resolve

    from civitas.api import api
    from civitas.services import urls
    from civitas.testing.matrix import path_of

    covered = {resolve(path_of(c, personas).split("?")[0]).route for c in CASES}
    pages = {"services/" + str(p.pattern) for p in urls.urlpatterns}
    operations = {
        "api/" + path.removeprefix("/api/")
        for path in api.get_openapi_schema()["paths"]
        if path.startswith("/api/services")
    }
    assert len(pages) == 25 and len(operations) == 6
    assert pages - covered == set()
    assert {o for o in operations if o not in covered} == set()
