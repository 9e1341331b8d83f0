"""Permission matrix of the foundation's pages and endpoints."""

import pytest

from civitas.testing.matrix import ROLES, Case, run_case_for_roles

OFFICERS = {"admin": 200, "police": 200, "grid": 200, "police_other": 200, "grid_other": 200}


def _person_in_g1(p):
    return {"pk": p["landlord_person"].pk}


CASES = [
    Case("login page", "accounts:login", {r: 302 for r in ROLES if r != "anonymous"}, anonymous=200),
    Case("log out", "accounts:logout", {r: 302 for r in ROLES if r != "anonymous"}, method="post", anonymous=302),
    Case("ping", "core:ping", {r: 200 for r in ROLES}, anonymous=200),
    Case("home", "core:home", {r: 200 for r in ROLES if r != "anonymous"}, anonymous=200),
    Case(
        "people search page",
        "people:search",
        {"admin": 200, "police": 200, "police_other": 200, "grid": 200, "grid_other": 200},
        default=403,
    ),
    # A person living in grid g1 (township 330782001): visible to admin, police of t1 and the g1 worker only.
    Case("person page", "people:detail", {"admin": 200, "police": 200, "grid": 200}, kwargs=_person_in_g1),
    Case(
        "reveal identity",
        "people:reveal",
        {"admin": 200, "police": 200, "grid": 403},
        method="post",
        kwargs=_person_in_g1,
        data={"purpose": "matrix test"},
    ),
    Case(
        "division root",
        "places:division-root",
        {
            "admin": 302,
            "police": 302,
            "police_other": 302,
            "grid": 302,
            "grid_other": 302,
            "staff": 302,
            "mediator": 302,
            "inspector": 302,
            "analyst": 302,
        },
    ),
    Case(
        "division page (township 1)",
        "places:division",
        {"admin": 200, "police": 200, "analyst": 200, "staff": 200, "mediator": 200, "inspector": 200},
        kwargs=lambda p: {"code": p["t1"].code},
    ),
    Case(
        "property page",
        "places:property",
        {"admin": 200, "police": 200, "grid": 200, "landlord": 200, "staff": 200, "mediator": 200, "inspector": 200},
        kwargs=lambda p: {"pk": p["property"].pk},
    ),
    Case(
        "api people search",
        lambda p: "/api/people/search",
        {"admin": 200, "police": 200, "police_other": 200, "grid": 200, "grid_other": 200},
        default=403,
        method="post",
        content_type="application/json",
        data={"q": "王房东"},
    ),
    Case("api person", lambda p: f"/api/people/{p['landlord_person'].pk}", {"admin": 200, "police": 200, "grid": 200}),
    Case(
        "api reveal",
        lambda p: f"/api/people/{p['landlord_person'].pk}/reveal",
        {"admin": 200, "police": 200, "grid": 403},
        method="post",
        content_type="application/json",
        data={"purpose": "matrix test"},
    ),
    Case("api divisions", lambda p: "/api/places/divisions", {}, default=200),
    Case(
        "api division",
        lambda p: f"/api/places/divisions/{p['t1'].code}",
        {"admin": 200, "police": 200, "analyst": 200, "staff": 200, "mediator": 200, "inspector": 200},
    ),
    Case("api properties", lambda p: "/api/places/properties", {}, default=200),
    Case(
        "api property",
        lambda p: f"/api/places/properties/{p['property'].pk}",
        {"admin": 200, "police": 200, "grid": 200, "landlord": 200, "staff": 200, "mediator": 200, "inspector": 200},
    ),
    Case(
        "api documents check",
        lambda p: "/api/documents/check",
        {},
        default=200,
        method="post",
        content_type="application/json",
        data={"inputs": ["11010519491231002X"]},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_role_gets_exactly_what_its_jurisdiction_allows(case, personas):
    run_case_for_roles(case, personas, ROLES)
