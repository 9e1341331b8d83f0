"""JSON API of the services app: the same querysets and actions as the pages."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from civitas.services import actions
from civitas.services.access import applications_visible_to, partner_of, require_staff
from civitas.services.reports import breach_list, processing_times
from civitas.services.scanview import answer
from civitas.services.signing import public_key_document
from civitas.services.texts import localized

router = Router(tags=["services"])


class ServiceOut(Schema):
    code: str
    category: str
    kind: str
    name: str
    summary: str
    time_limit_days: int
    online: bool


class PublicKeyOut(Schema):
    alg: str
    kid: str
    public_key: str
    format: str


class VerifyIn(Schema):
    code: str
    scenario: str


class VerifyOut(Schema):
    valid: bool
    result: str
    message: str
    scenario: str
    disclosed: dict


class ApplicationOut(Schema):
    id: int
    reference: str
    service: str
    status: str
    submitted_on: datetime.date
    due_on: datetime.date | None
    processing_days: int | None


class BreachOut(Schema):
    id: int
    reference: str
    service: str
    due_on: datetime.date
    working_days_left: int


class TimesOut(Schema):
    service: str
    decided: int
    open: int
    average_days: float | None
    baseline_days: int | None
    cut_percent: float | None


@router.get("/catalogue", response=list[ServiceOut], auth=None)
def catalogue(request: HttpRequest, q: str = "", category: str = "") -> list[dict]:
    """Search the catalogue in the request's language (Accept-Language or the language cookie)."""
    from civitas.services.views import search_services

    return [
        {
            "code": s.code,
            "category": s.category.code,
            "kind": s.kind,
            "name": localized(s.name),
            "summary": localized(s.summary),
            "time_limit_days": s.time_limit_days,
            "online": s.is_online,
        }
        for s in search_services(q, category)
    ]


@router.get("/card/public-key", response=PublicKeyOut, auth=None)
def card_public_key(request: HttpRequest) -> dict:
    return public_key_document()


@router.post("/cards/verify", response=VerifyOut)
def verify_card(request: HttpRequest, body: VerifyIn) -> HttpResponse:
    """A partner's scan: the answer holds only what the scenario needs.

    An ordinary scan by a partner's token is answered by `scanview` before this operation runs, with the same
    functions; this operation answers everything else (sessions, bad bodies, refusals) and documents the route.
    """
    partner = partner_of(request.user)
    outcome = actions.do_verify_card(body.code, partner=partner, scenario=body.scenario, acting_user=request.user)
    return answer(outcome)


@router.get("/applications", response=list[ApplicationOut])
def applications(request: HttpRequest, status: str = "") -> list[dict]:
    require_staff(request.user)
    qs = applications_visible_to(request.user).select_related("service")
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": a.pk,
            "reference": a.reference,
            "service": a.service.code,
            "status": a.status,
            "submitted_on": a.submitted_on,
            "due_on": a.due_on,
            "processing_days": a.processing_days,
        }
        for a in qs[:200]
    ]


@router.get("/applications/breaches", response=list[BreachOut])
def breaches(request: HttpRequest) -> list[dict]:
    require_staff(request.user)
    return [
        {
            "id": r.application.pk,
            "reference": r.application.reference,
            "service": r.application.service.code,
            "due_on": r.application.due_on,
            "working_days_left": r.left,
        }
        for r in breach_list(applications_visible_to(request.user))
    ]


@router.get("/report/processing-times", response=list[TimesOut])
def report(request: HttpRequest) -> list[dict]:
    require_staff(request.user)
    return [
        {
            "service": r.service.code,
            "decided": r.decided,
            "open": r.open,
            "average_days": r.average_days,
            "baseline_days": r.baseline_days,
            "cut_percent": r.cut_percent,
        }
        for r in processing_times(applications_visible_to(request.user))
    ]
