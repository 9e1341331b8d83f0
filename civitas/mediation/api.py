"""Mediation API: the same querysets (access.py) and actions as the pages.

Public intake stays on the web page (it needs the SMS code in a browser session); officers, the
hotline and court systems file through `POST /cases` with a token.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from civitas.mediation import access, actions, sla, stats
from civitas.mediation.actions import CaseInput, PartyInput
from civitas.mediation.choices import Channel, OfferStatus
from civitas.mediation.models import Case, Offer
from civitas.mediation.policy import policy

router = Router(tags=["mediation"])


class PartyOut(Schema):
    id: int
    role: str
    kind: str
    name: str
    company: str
    foreign: bool
    nationality: str
    languages: list[str]
    phone_masked: str


class CaseOut(Schema):
    id: int
    code: str
    channel: str
    category: str
    amount: Decimal
    claimants: int
    risk: str
    status: str
    division_id: str
    mediator_id: int | None
    queue_reason: str
    same_day: bool
    needs_person: bool
    created_at: datetime.datetime
    accepted_at: datetime.datetime | None
    due_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj: Case) -> list[Any]:
        return list(obj.parties.all())


class DecisionOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    mediator_id: int | None
    score: float | None
    reasons: dict[str, Any]


class OfferOut(Schema):
    id: int
    case_id: int
    case_code: str
    status: str
    sent_at: datetime.datetime
    expires_at: datetime.datetime

    @staticmethod
    def resolve_case_code(obj: Offer) -> str:
        return obj.case.code


class PartyIn(Schema):
    role: str
    name: str
    kind: str = "person"
    company: str = ""
    foreign: bool = False
    nationality: str = "CHN"
    languages: list[str] = ["zh"]
    hometown_province: str = ""
    phone: str = ""
    landlord: bool = False


class CaseIn(Schema):
    channel: str = Channel.HOTLINE
    category: str
    description: str
    division_code: str
    amount: Decimal = Decimal(0)
    claimants: int = 1
    threats: bool = False
    parties: list[PartyIn]


class DeclineIn(Schema):
    reason: str = ""


class DutyIn(Schema):
    on_duty: bool


class AssignIn(Schema):
    mediator_ids: list[int]


@router.get("/cases", response=list[CaseOut], summary="Cases you may see (mediators: yours and offered)")
def list_cases(request: HttpRequest, status: str | None = None, category: str | None = None) -> Any:
    qs = access.cases_visible_to(request.user).prefetch_related("parties")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return list(qs[:200])


@router.get("/cases/{int:case_id}", response=CaseOut, summary="One case")
def get_case(request: HttpRequest, case_id: int) -> Case:
    return access.access_case(request.user, case_id)


@router.get("/cases/{int:case_id}/decisions", response=list[DecisionOut], summary="Dispatch decisions with reasons")
def case_decisions(request: HttpRequest, case_id: int) -> Any:
    return list(access.access_case(request.user, case_id).decisions.all())


@router.post("/cases", response={201: CaseOut}, summary="File a case (officer, hotline, grid worker, court)")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    if not access.may_file(request.user):
        raise Http404
    data = CaseInput(
        channel=payload.channel,
        category=payload.category,
        description=payload.description,
        division_code=payload.division_code,
        amount=payload.amount,
        claimants=payload.claimants,
        threats=payload.threats,
        parties=[PartyInput(**p.dict()) for p in payload.parties],
    )
    return Status(201, actions.do_file_case(data, acting_user=request.user))


@router.post("/cases/{int:case_id}/assign", response=list[OfferOut], summary="Dispatcher offers a case to mediators")
def assign_case(request: HttpRequest, case_id: int, payload: AssignIn) -> Any:
    access.require_dispatcher(request.user)
    case = access.access_case(request.user, case_id)
    mediators = list(access.mediators_visible_to(request.user).filter(pk__in=payload.mediator_ids))
    return actions.do_offer_manually(case, mediators, acting_user=request.user)


@router.get("/offers", response=list[OfferOut], summary="Your pending offers (mediators)")
def my_offers(request: HttpRequest) -> Any:
    return list(
        access.offers_for(request.user)
        .filter(status=OfferStatus.PENDING, expires_at__gt=timezone.now())
        .select_related("case")
    )


@router.post("/offers/{int:offer_id}/accept", response=CaseOut, summary="Accept an offer (one accept wins)")
def accept_offer(request: HttpRequest, offer_id: int) -> Case:
    offer = access.access_offer(request.user, offer_id)
    return actions.do_accept_offer(offer.pk, acting_user=request.user)


@router.post("/offers/{int:offer_id}/decline", response=CaseOut, summary="Decline an offer")
def decline_offer(request: HttpRequest, offer_id: int, payload: DeclineIn) -> Case:
    offer = access.access_offer(request.user, offer_id)
    return actions.do_decline_offer(offer.pk, acting_user=request.user, reason=payload.reason)


@router.post("/duty", summary="Go on or off duty (mediators)")
def set_duty(request: HttpRequest, payload: DutyIn) -> dict[str, bool]:
    m = access.require_mediator(request.user)
    actions.do_set_on_duty(m, payload.on_duty, acting_user=request.user)
    return {"on_duty": m.on_duty}


@router.get("/queue", response=list[CaseOut], summary="The human dispatcher's queue")
def queue(request: HttpRequest) -> Any:
    access.require_dispatcher(request.user)
    return list(access.cases_visible_to(request.user).filter(status="queued").prefetch_related("parties")[:200])


@router.get("/overdue", response=list[CaseOut], summary="Cases past their service-level clock")
def overdue(request: HttpRequest) -> Any:
    access.require_dispatcher(request.user)
    now = timezone.now()
    qs = access.cases_visible_to(request.user)
    late = sla.overdue(qs, now) | sla.waiting_for_acceptance(qs, now, policy())
    return list(late.distinct().prefetch_related("parties")[:200])


@router.post("/dispatch", summary="Time out expired offers and dispatch held cases")
def run_dispatch(request: HttpRequest) -> dict[str, int]:
    access.require_dispatcher(request.user)
    return {
        "timed_out": actions.expire_offers(),
        "batched": len(actions.dispatch_batch(acting_user=request.user)),
    }


@router.get("/alerts", summary="Early warnings in your division")
def alerts(request: HttpRequest) -> list[dict[str, Any]]:
    qs = access.alerts_visible_to(request.user)
    if not (access.is_dispatcher(request.user) or access.may_see_statistics(request.user)):
        raise Http404
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "subject": a.subject,
            "division": a.division_id,
            "detail": a.detail,
            "summary": a.summary,
            "created_at": a.created_at.isoformat(),
            "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
        }
        for a in qs[:200]
    ]


@router.get("/statistics", summary="Counts by township and category, and mediator statistics")
def statistics(request: HttpRequest) -> dict[str, Any]:
    if not access.may_see_statistics(request.user):
        raise Http404
    cases = Case.objects.in_scope(getattr(request.user, "scope_code", None))
    return {
        "by_township_and_category": stats.by_township_and_category(cases),
        "mediators": stats.mediator_statistics(access.mediators_visible_to(request.user), Case.objects.all()),
    }


@router.get("/cases/{int:case_id}/file", summary="The case file (as a referral carries it)")
def case_file(request: HttpRequest, case_id: int) -> dict[str, Any]:
    from civitas.mediation.casefile import build_case_file

    case = access.access_case(request.user, case_id)
    if access.mediator_of(request.user) is None and not access.is_dispatcher(request.user):
        raise Http404
    return build_case_file(get_object_or_404(Case, pk=case.pk))
