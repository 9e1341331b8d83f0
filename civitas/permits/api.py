"""JSON API of the permits app: the same querysets and actions as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civitas.people.models import Person
from civitas.permits import actions, entitlements, forecast, sources, verification
from civitas.permits.access import (
    FORECAST_ROLES,
    OFFICER_ROLES,
    SCHOOL_ROLES,
    applications_visible_to,
    require,
    school_applications_visible_to,
)
from civitas.permits.rules import current_policy

router = Router(tags=["permits"])


class ApplicationOut(Schema):
    id: int
    reference: str
    person_id: int
    division_code: str
    status: str
    submitted_at: datetime.datetime
    accepted_on: datetime.date | None
    due_on: datetime.date | None
    overdue: bool


class VerificationOut(Schema):
    status: str
    signature: str
    name: str | None = None
    number: str | None = None
    expires: datetime.date | None = None


def _person(request: HttpRequest, person_id: int) -> Person:
    require(request.user, OFFICER_ROLES)
    return get_object_or_404(Person.objects.in_scope(request.user.scope_code), pk=person_id)  # type: ignore[union-attr]


@router.get("/public-key", auth=None, url_name="permits_public_key")
def public_key(request: HttpRequest) -> dict[str, Any]:
    """The Ed25519 public key that verifies permit credentials offline."""
    return verification.public_key_document()


@router.get("/verify", auth=None, response=VerificationOut, url_name="permits_verify")
def verify(request: HttpRequest, t: str) -> dict[str, Any]:
    """Verify a credential: signature and expiry, then the permit's live status."""
    result = verification.verify_online(t, sources.today())
    claims = result.offline.claims if result.status != "invalid" else None
    return {
        "status": result.status,
        "signature": result.offline.status,
        "name": claims.name if claims else None,
        "number": claims.number if claims else None,
        "expires": claims.expires if claims else None,
    }


@router.get("/catalogue", auth=None, url_name="permits_catalogue")
def catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    """The six public services and seven conveniences a permit gives."""
    return [{"code": e.code, "kind": e.kind, "label": str(e.label), "basis": e.basis} for e in entitlements.CATALOGUE]


@router.get("/people/{person_id}/eligibility", url_name="permits_eligibility")
def eligibility(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Each condition, met or not, with the evidence it rests on."""
    return actions.check_eligibility(_person(request, person_id)).as_dict()


@router.get("/people/{person_id}/entitlements/{code}", url_name="permits_entitlement")
def entitlement(request: HttpRequest, person_id: int, code: str) -> dict[str, Any]:
    """Is this person entitled to this service today, and why or why not."""
    person = _person(request, person_id)
    item = entitlements.BY_CODE.get(code)
    if item is None:
        raise Http404
    return entitlements.check(item, actions.live_permit(person), sources.today()).as_dict()


@router.get("/applications", response=list[ApplicationOut], url_name="permits_applications")
def applications(request: HttpRequest, status: str = "", overdue: bool = False) -> list[dict[str, Any]]:
    """Applications in the caller's jurisdiction; `overdue=true` lists those past the legal deadline."""
    require(request.user, OFFICER_ROLES)
    today = sources.today()
    qs = applications_visible_to(request.user)
    if overdue:
        qs = qs.overdue(today)
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": a.pk,
            "reference": a.reference,
            "person_id": a.person_id,
            "division_code": a.division_id,
            "status": a.status,
            "submitted_at": a.submitted_at,
            "accepted_on": a.accepted_on,
            "due_on": a.due_on,
            "overdue": a.is_overdue(today),
        }
        for a in qs.order_by("due_on", "pk")[:500]
    ]


class SchoolApplicationOut(Schema):
    id: int
    parent_id: int
    child_name: str
    year: int
    grade: int
    status: str
    score: float
    preferences: list[int]
    placed_school_id: int | None
    preference_rank: int | None
    result_reason: str
    breakdown: dict[str, Any]


@router.get("/school-applications", response=list[SchoolApplicationOut], url_name="permits_school_applications")
def school_applications(
    request: HttpRequest, year: int | None = None, grade: int | None = None, status: str = ""
) -> list[dict[str, Any]]:
    """School-place applications in the caller's division: score, breakdown (gates and lines), result."""
    require(request.user, SCHOOL_ROLES)
    qs = school_applications_visible_to(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    if grade is not None:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": a.pk,
            "parent_id": a.parent_id,
            "child_name": a.child_name,
            "year": a.year,
            "grade": a.grade,
            "status": a.status,
            "score": a.score,
            "preferences": list(a.preferences),
            "placed_school_id": a.placed_school_id,
            "preference_rank": a.preference_rank,
            "result_reason": a.result_reason,
            "breakdown": a.breakdown,
        }
        for a in qs.order_by("-score", "pk")[:1000]
    ]


@router.get("/forecast", url_name="permits_forecast")
def school_forecast(request: HttpRequest, base_year: int | None = None, years: int = 8) -> list[dict[str, Any]]:
    """Grade 1 / Grade 7 demand per township and year against places."""
    require(request.user, FORECAST_ROLES)
    if not 1 <= years <= 10:
        raise ValidationError({"years": ["1..10"]})
    _, result = forecast.school_forecast(
        request.user.scope_code or "",  # type: ignore[union-attr]
        base_year or sources.today().year,
        years,
        forecast.Assumptions.from_dict(current_policy().forecast),
    )
    return [r.__dict__ for r in result.rows]
