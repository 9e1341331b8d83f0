"""School places (积分入学) on top of the registry: facts, scoring, applications and the allocation run.

Scoring and allocation are `schoolpoints` (model-free); this module gathers the facts from the registry
(permit held since, social insurance, tenancy, eligibility job condition) plus what the family declares,
and stores the breakdown and the result on each application.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit
from civitas.people.models import Person
from civitas.permits.actions import check_eligibility, live_permit
from civitas.permits.choices import Grade, ParentEducation, SchoolApplicationStatus
from civitas.permits.models import (
    AllocationRun,
    InsurancePeriod,
    PointsSchemeRecord,
    School,
    SchoolApplication,
)
from civitas.permits.schoolpoints import (
    DEFAULT_SCHEME_DATA,
    Applicant,
    PointsScheme,
    SchemeError,
    TieBreakRule,
    allocate,
)
from civitas.permits.schoolpoints import School as QuotaSchool

DECLARED_KEYS = ("parent_education", "municipal_honours")
ENTRY_AGE = {Grade.PRIMARY_1: 6, Grade.JUNIOR_7: 12}
CUTOFF_MONTH_DAY = (8, 31)  # age reached by 31 August of the school year


def active_scheme() -> PointsSchemeRecord:
    record = PointsSchemeRecord.objects.filter(active=True).order_by("-created_at").first()
    if record is None:
        record, _ = PointsSchemeRecord.objects.get_or_create(
            code=DEFAULT_SCHEME_DATA["code"],
            defaults={
                "data": DEFAULT_SCHEME_DATA,
                "active": True,
                "tie_break": {"keys": ["permit_date", "lottery"], "seed": "civitas-default-seed"},
            },
        )
    return record


def age_on_cutoff(birth: datetime.date, year: int) -> int:
    cutoff = datetime.date(year, *CUTOFF_MONTH_DAY)
    return cutoff.year - birth.year - ((cutoff.month, cutoff.day) < (birth.month, birth.day))


def gather_facts(parent: Person, declared: dict[str, Any], as_of: datetime.date) -> dict[str, Any]:
    """Facts for the points scheme, each from the registry where it exists."""
    permit = live_permit(parent)
    result = check_eligibility(parent, as_of)
    insurance = [p.as_fact() for p in InsurancePeriod.objects.filter(person=parent).order_by("from_month")]
    current_month = as_of.strftime("%Y-%m")
    housing = None
    if any(f.kind == "owned_home" and f.current_on(as_of) for f in _facts(parent)):
        housing = "owned"
    elif result.condition("home").met:
        housing = "registered_rental"
    return {
        "as_of": as_of.isoformat(),
        "permit_continuous_since": permit.residence_years_since.isoformat()
        if permit is not None and permit.is_valid_on(as_of)
        else None,
        "job_in_district": result.condition("job").met,
        "insurance_in_district": any(
            p["in_district"] and (p["to"] is None or p["to"] >= current_month) for p in insurance
        ),
        "insurance_periods": insurance,
        "housing": housing,
        "parent_education": declared.get("parent_education") or None,
        "municipal_honours": int(declared.get("municipal_honours") or 0),
        "credit_dishonest_record": bool(declared.get("credit_dishonest_record", False)),
    }


def _facts(parent: Person) -> list[Any]:
    from civitas.permits.sources import recorded_facts

    return recorded_facts(parent.pk)


def _clean_declared(declared: dict[str, Any]) -> dict[str, Any]:
    education = declared.get("parent_education", "") or ""
    if education not in ParentEducation.values:
        raise ValidationError({"parent_education": [_("Choose a level of education.")]})
    try:
        honours = int(declared.get("municipal_honours") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"municipal_honours": [_("Enter a whole number.")]})
    if not 0 <= honours <= 20:
        raise ValidationError({"municipal_honours": [_("Enter a number between 0 and 20.")]})
    return {"parent_education": education, "municipal_honours": honours}


@transaction.atomic
def do_apply_school(
    parent: Person,
    *,
    child_name: str,
    child_birth_date: datetime.date,
    grade: int,
    year: int,
    preferences: list[int],
    declared: dict[str, Any],
    acting_user: Any,
    today: datetime.date | None = None,
) -> SchoolApplication:
    """Score with the active scheme and store the application (also when a gate fails, to show why)."""
    today = today or timezone.localdate()
    if grade not in Grade.values:
        raise ValidationError({"grade": [_("Choose Grade 1 or Grade 7.")]})
    if not parent.division_id:
        raise ValidationError({"__all__": [_("No current address in the city is on record.")]})
    if not child_name.strip():
        raise ValidationError({"child_name": [_("Enter the child's name.")]})
    age = age_on_cutoff(child_birth_date, year)
    if age != ENTRY_AGE[Grade(grade)]:
        raise ValidationError(
            {
                "child_birth_date": [
                    _("A child entering {grade} in {year} is {age} on 31 August; this one will be {actual}.").format(
                        grade=Grade(grade).label, year=year, age=ENTRY_AGE[Grade(grade)], actual=age
                    )
                ]
            }
        )
    prefs = list(dict.fromkeys(int(p) for p in preferences))
    if not prefs:
        raise ValidationError({"preferences": [_("Choose at least one school.")]})
    known = set(School.objects.filter(pk__in=prefs).values_list("pk", flat=True))
    if set(prefs) - known:
        raise ValidationError({"preferences": [_("Unknown school.")]})
    clean = _clean_declared(declared)
    record = active_scheme()
    facts = gather_facts(parent, clean, today)
    breakdown = PointsScheme.from_dict(record.data).score(facts)
    try:
        with transaction.atomic():
            app = SchoolApplication.objects.create(
                parent=parent,
                child_name=child_name.strip(),
                child_birth_date=child_birth_date,
                division_id=parent.division_id,
                year=year,
                grade=grade,
                preferences=prefs,
                declared=clean,
                facts=facts,
                breakdown=breakdown.as_dict(),
                score=breakdown.total,
                status=SchoolApplicationStatus.SUBMITTED if breakdown.eligible else SchoolApplicationStatus.INELIGIBLE,
                permit_date=datetime.date.fromisoformat(facts["permit_continuous_since"])
                if facts["permit_continuous_since"]
                else None,
            )
    except IntegrityError:
        raise ValidationError(
            {"__all__": [_("This child already has an application for this year and grade.")]},
            code="duplicate",
        )
    audit.record(
        "permits.school_applied",
        actor=acting_user,
        obj=app,
        new={"grade": grade, "year": year, "score": app.score, "eligible": breakdown.eligible},
    )
    return app


@transaction.atomic
def do_run_allocation(*, year: int, grade: int, acting_user: Any, scope_code: str = "") -> AllocationRun:
    """Allocate every submitted application of the year and grade by score within preferences and quotas."""
    record = active_scheme()
    try:
        rule = TieBreakRule.from_dict(
            record.tie_break or {"keys": ["permit_date", "lottery"], "seed": f"{year}-{grade}"}
        )
    except SchemeError as exc:
        raise ValidationError({"__all__": [str(exc)]})
    apps = list(
        SchoolApplication.objects.in_scope(scope_code)
        .select_for_update()
        .filter(year=year, grade=grade)
        .exclude(status=SchoolApplicationStatus.INELIGIBLE)
    )
    schools = list(School.objects.all())
    quota_schools = [QuotaSchool(id=str(s.pk), quotas={grade: s.quota(grade)}, name=s.name) for s in schools]
    applicants = [
        Applicant(
            id=str(a.pk),
            score=a.score,
            preferences=tuple(str(p) for p in a.preferences),
            grade=grade,
            permit_date=a.permit_date,
        )
        for a in apps
    ]
    result = allocate(applicants, quota_schools, rule)
    run = AllocationRun.objects.create(
        year=year,
        grade=grade,
        scheme=record,
        tie_break=rule.to_dict(),
        ran_at=timezone.now(),
        ran_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        applicants=len(apps),
    )
    by_pk = {s.pk: s for s in schools}
    placed = 0
    for app in apps:
        placement = result.placements[str(app.pk)]
        app.run = run
        app.placed_school = by_pk.get(int(placement.school_id)) if placement.school_id else None
        app.preference_rank = placement.preference_rank
        app.status = SchoolApplicationStatus.PLACED if placement.school_id else SchoolApplicationStatus.UNPLACED
        app.result_reason = str(placement.reason)
        placed += bool(placement.school_id)
    SchoolApplication.objects.bulk_update(
        apps, ["run", "placed_school", "preference_rank", "status", "result_reason"], batch_size=1000
    )
    run.placed = placed
    run.cutoffs = [
        {
            "school_id": int(c.school_id),
            "school": by_pk[int(c.school_id)].name,
            "quota": c.quota,
            "admitted": c.admitted,
            "cutoff_score": c.cutoff_score,
            "full": c.full,
            "decided_by_tie_break": c.decided_by_tie_break,
        }
        for c in sorted(result.cutoffs.values(), key=lambda c: (by_pk[int(c.school_id)].township_id, c.school_id))
        if c.admitted or c.quota
    ]
    run.save(update_fields=["placed", "cutoffs"])
    audit.record(
        "permits.allocation_run",
        actor=acting_user,
        obj=run,
        new={
            "year": year,
            "grade": grade,
            "applicants": len(apps),
            "placed": placed,
            "tie_break": rule.to_dict(),
        },
    )
    return run


@transaction.atomic
def do_record_insurance(
    person: Person,
    *,
    type: str,
    from_month: str,
    to_month: str = "",
    in_district: bool = True,
    source: str = "entered",
    acting_user: Any,
) -> InsurancePeriod:
    """Record social-insurance months of one type (staff entry or an import from the insurance bureau)."""
    from civitas.permits.choices import InsuranceType

    if type not in InsuranceType.values:
        raise ValidationError({"type": [_("Unknown insurance type.")]})
    for field, value in (("from_month", from_month), ("to_month", to_month)):
        if value and not (
            len(value) == 7
            and value[4] == "-"
            and value[:4].isdigit()
            and value[5:].isdigit()
            and 1 <= int(value[5:]) <= 12
        ):
            raise ValidationError({field: [_("Use the form YYYY-MM.")]})
    if not from_month:
        raise ValidationError({"from_month": [_("Enter the first month.")]})
    if to_month and to_month < from_month:
        raise ValidationError({"to_month": [_("The last month is before the first.")]})
    row = InsurancePeriod.objects.create(
        person=person, type=type, from_month=from_month, to_month=to_month, in_district=in_district, source=source
    )
    audit.record(
        "permits.insurance_recorded",
        actor=acting_user,
        obj=person,
        new={"type": type, "from": from_month, "to": to_month, "in_district": in_district, "source": source},
    )
    return row
