"""School places from the registry: facts gathered for the scheme, gates, score breakdown and an
allocation run on a small hand-computed case (scores 27 and 18; one place at each of two schools)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from civitas.permits import resident, schoolplaces
from civitas.permits.choices import SchoolApplicationStatus
from civitas.permits.eligibility import Period
from civitas.permits.models import AllocationRun, InsurancePeriod, School
from civitas.permits.tests.helpers import issued_permit
from civitas.testing.factories import person

D = datetime.date
AS_OF = D(2025, 6, 1)
CHILD_BIRTH = D(2019, 3, 1)  # six on 31 August 2025


@pytest.fixture
def families(personas: Any, residence: Any, today: Any) -> dict[str, Any]:
    today(AS_OF)
    out: dict[str, Any] = {}
    for key, name, permit_day in (
        ("a", "甲家长", D(2024, 6, 1)),
        ("b", "乙家长", D(2024, 6, 1)),
        ("c", "丙家长", D(2025, 1, 1)),
    ):
        parent = person(name, division=personas["g1"])
        residence[parent.pk] = [
            Period(D(2023, 1, 1), None, purpose="work", employer="义乌某厂", division_code=personas["g1"].code)
        ]
        issued_permit(parent, personas["police"], permit_day)
        out[key] = parent
    for kind in ("pension", "medical"):
        InsurancePeriod.objects.create(person=out["a"], type=kind, from_month="2024-06")
    out["s1"] = School.objects.create(name="稠城一小", township=personas["t1"], grade1_places=1)
    out["s2"] = School.objects.create(name="稠城二小", township=personas["t1"], grade1_places=1)
    return out


def _apply(parent: Any, schools: list[School], education: str = "") -> Any:
    return schoolplaces.do_apply_school(
        parent,
        child_name="孩子" + parent.name[0],
        child_birth_date=CHILD_BIRTH,
        grade=1,
        year=2025,
        preferences=[s.pk for s in schools],
        declared={"parent_education": education},
        acting_user=None,
        today=AS_OF,
    )


def test_facts_come_from_the_registry_and_the_breakdown_is_kept(families: dict[str, Any]) -> None:
    app = _apply(families["a"], [families["s1"], families["s2"]], "bachelor_or_above")
    assert app.facts["permit_continuous_since"] == "2024-06-01"
    assert app.facts["insurance_in_district"] is True and app.facts["housing"] == "registered_rental"
    lines = {line["code"]: line["points"] for line in app.breakdown["lines"]}
    assert lines == {
        "social_insurance": 4.0,
        "permit_years": 3.0,
        "housing": 10.0,
        "education": 10.0,
        "honours": 0.0,
        "dishonesty": 0.0,
    }
    assert app.score == 27.0 and app.status == SchoolApplicationStatus.SUBMITTED


def test_a_family_whose_permit_is_younger_than_a_year_fails_the_gate_and_sees_why(families: dict[str, Any]) -> None:
    app = _apply(families["c"], [families["s1"]])
    assert app.status == SchoolApplicationStatus.INELIGIBLE
    gate = next(g for g in app.breakdown["gates"] if g["code"] == "permit_12_months")
    assert not gate["passed"] and "5 whole months" in gate["reason"]


def test_a_child_of_the_wrong_age_and_a_duplicate_are_refused(families: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="31 August"):
        schoolplaces.do_apply_school(
            families["a"],
            child_name="小",
            child_birth_date=D(2019, 9, 1),
            grade=1,
            year=2025,
            preferences=[families["s1"].pk],
            declared={},
            acting_user=None,
            today=AS_OF,
        )
    _apply(families["a"], [families["s1"]])
    with pytest.raises(ValidationError, match="already"):
        _apply(families["a"], [families["s1"]])


def test_allocation_fills_places_by_score_within_preferences_and_records_cut_offs(
    families: dict[str, Any], personas: Any
) -> None:
    a = _apply(families["a"], [families["s1"], families["s2"]], "bachelor_or_above")
    b = _apply(families["b"], [families["s1"], families["s2"]], "college")
    c = _apply(families["c"], [families["s1"]])
    assert b.score == 18.0
    run = schoolplaces.do_run_allocation(year=2025, grade=1, acting_user=personas["staff"])
    for app in (a, b, c):
        app.refresh_from_db()
    assert (a.placed_school, a.preference_rank) == (families["s1"], 1)
    assert (b.placed_school, b.preference_rank) == (families["s2"], 2)
    assert "稠城一小" in b.result_reason and c.status == SchoolApplicationStatus.INELIGIBLE
    cutoffs = {c["school"]: c["cutoff_score"] for c in run.cutoffs}
    assert cutoffs == {"稠城一小": 27.0, "稠城二小": 18.0}
    assert (run.applicants, run.placed) == (2, 2)


def test_the_schools_page_runs_the_allocation_for_service_staff(families: dict[str, Any], personas: Any) -> None:
    _apply(families["a"], [families["s1"]])
    client = Client()
    client.force_login(personas["staff"])
    resp = client.post("/permits/schools/", {"year": 2025, "grade": 1}, follow=True)
    assert resp.status_code == 200 and "稠城一小" in resp.content.decode()
    run = AllocationRun.objects.get()
    assert (run.applicants, run.placed, run.ran_by) == (1, 1, personas["staff"])


def test_a_family_applies_on_its_page_and_reads_the_breakdown_and_result_in_words(
    families: dict[str, Any], personas: Any
) -> None:
    client = Client()
    client.get(resident.link_for(families["a"]))  # the signed link an officer hands out
    form = client.get("/permits/me/school/").content.decode()
    assert "稠城一小" in form and "稠城二小" in form
    resp = client.post(
        "/permits/me/school/",
        {
            "child_name": "甲孩子",
            "child_birth_date": CHILD_BIRTH.isoformat(),
            "grade": 1,
            "first": families["s1"].pk,
            "second": families["s2"].pk,
            "parent_education": "college",
            "municipal_honours": 0,
        },
    )
    assert resp.status_code == 302
    app = families["a"].school_applications.get()
    assert app.year == 2025 and app.preferences == [families["s1"].pk, families["s2"].pk]
    page = client.get("/permits/me/").content.decode()
    assert "Parent&#x27;s education" in page and "college (大专)" in page and "registered rental" in page
    assert "registered_rental" not in page and "parent_education" not in page and "job_in_district" not in page
    schoolplaces.do_run_allocation(year=2025, grade=1, acting_user=personas["staff"])
    page = client.get("/permits/me/").content.decode()
    assert "place offered" in page and "稠城一小" in page


def test_the_breakdown_is_written_in_the_language_the_family_applied_in(families: dict[str, Any]) -> None:
    with translation.override("zh-hans"):
        zh = _apply(families["a"], [families["s1"]], "college")
    with translation.override("ar"):
        ar = _apply(families["b"], [families["s1"]], "college")
    zh_labels = [g["label"] for g in zh.breakdown["gates"]]
    assert zh_labels[0] == "居住证连续持有满 1 年"
    words = [g["label"] + g["reason"] for g in ar.breakdown["gates"]]
    words += [line["label"] + line["explanation"] for line in ar.breakdown["lines"]]
    assert not [w for w in words if "registered_rental" in w or "job_in_district" in w or "parent_education" in w]
    assert ar.breakdown["gates"][0]["label"] != zh_labels[0]  # the stored facts keep their codes


def test_staff_see_why_an_application_fails_the_gates_and_the_tie_break_rule_in_words(
    families: dict[str, Any], personas: Any
) -> None:
    _apply(families["c"], [families["s1"]])
    client = Client()
    client.force_login(personas["staff"])
    page = client.get("/permits/schools/").content.decode()
    assert "5 whole months" in page
    assert "earlier permit date, then lottery with the published seed" in page
    assert "permit_date, lottery" not in page


def test_the_school_applications_api_gives_scores_breakdowns_and_results_in_the_staff_division(
    families: dict[str, Any], personas: Any
) -> None:
    a = _apply(families["a"], [families["s1"], families["s2"]], "bachelor_or_above")
    schoolplaces.do_run_allocation(year=2025, grade=1, acting_user=personas["staff"])
    client = Client()
    client.force_login(personas["admin"])
    rows = client.get("/api/permits/school-applications", {"year": 2025, "grade": 1}).json()
    assert [(r["id"], r["score"], r["status"], r["placed_school_id"]) for r in rows] == [
        (a.pk, 27.0, "placed", families["s1"].pk)
    ]
    assert {line["code"] for line in rows[0]["breakdown"]["lines"]} >= {"social_insurance", "housing"}
    assert client.get("/api/permits/school-applications", {"year": 2024}).json() == []
