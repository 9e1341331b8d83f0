"""JSON API of the credit app: the same querysets and actions as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from civitas.credit import actions, ledger, listing, merchant_card, queries, replay_batch
from civitas.credit.access import (
    APPEAL_DECIDER_ROLES,
    access_appeal_to_decide,
    access_entry,
    access_landlord,
    appeals_to_decide,
    is_officer,
    may_simulate,
    own_entries,
)
from civitas.credit.choices import AppealStatus, SubjectType
from civitas.credit.models import Appeal, LedgerEntry, RuleSet, Scheme
from civitas.credit.seed_data import LANDLORD_SCHEME

router = Router(tags=["credit"])


class EntryOut(Schema):
    id: int
    scheme: str
    rule: str
    kind: str
    subject_type: str
    subject_id: int
    points: int
    requested_points: int
    cycle: int
    occurred_on: datetime.date
    recorded_at: datetime.datetime
    explanation: str
    evidence_note: str
    source_event_id: int | None
    reverses_id: int | None
    appeal_status: str | None
    appeal_deadline: datetime.date | None

    @staticmethod
    def from_entry(e: LedgerEntry) -> dict[str, Any]:
        appeal = getattr(e, "appeal", None) if hasattr(e, "appeal") else None
        return {
            "id": e.pk,
            "scheme": e.scheme.code,
            "rule": e.rule.code,
            "kind": e.kind,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "points": e.points,
            "requested_points": e.requested_points,
            "cycle": e.cycle,
            "occurred_on": e.occurred_on,
            "recorded_at": e.recorded_at,
            "explanation": e.text(),
            "evidence_note": e.evidence_note,
            "source_event_id": e.source_event_id,
            "reverses_id": e.reverses_id,
            "appeal_status": appeal.status if appeal else None,
            "appeal_deadline": actions.appeal_deadline(e) if e.is_deduction else None,
        }


class ConsequenceOut(Schema):
    threshold: str
    description: str
    consequences: list[str]
    started_at: datetime.datetime


class BalanceOut(Schema):
    scheme: str
    subject_type: str
    subject_id: int
    cycle: int
    points: int
    consequences: list[ConsequenceOut]
    entries: list[EntryOut]


class LandlordRowOut(Schema):
    id: int
    name: str
    points: int
    trend: int


class RecordIn(Schema):
    scheme: str = LANDLORD_SCHEME
    rule: str
    subject_id: int
    occurred_on: datetime.date
    evidence_note: str = ""
    property_id: int | None = None


class AppealIn(Schema):
    reason: str


class AppealOut(Schema):
    id: int
    entry_id: int
    status: str
    reason: str
    filed_at: datetime.datetime
    decision_note: str
    reversal_id: int | None


class DecisionIn(Schema):
    uphold: bool
    note: str


class SimulationIn(Schema):
    rule_set_id: int
    cycle: int


class GradeOut(Schema):
    trade_name: str
    grade: str
    stars: int
    label: str


def _user(request: HttpRequest) -> Any:
    return request.user


def _balance(scheme: Scheme, subject_type: str, subject_id: int) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "scheme": scheme.code,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "cycle": ledger.cycle_of(scheme, today),
        "points": ledger.current_balance(scheme, subject_type, subject_id, today),
        "consequences": [
            {
                "threshold": c.threshold.code,
                "description": c.threshold.text(),
                "consequences": c.threshold.consequences,
                "started_at": c.started_at,
            }
            for c in queries.active_consequences(subject_type, subject_id)
            if c.scheme_id == scheme.pk
        ],
        "entries": [
            EntryOut.from_entry(e)
            for e in listing.subject_ledger(scheme, subject_type, subject_id).select_related("scheme")[:200]
        ],
    }


@router.get("/me", response=list[BalanceOut], summary="My balances, entries in plain words and consequences")
def me(request: HttpRequest) -> list[dict[str, Any]]:
    pid = request.user.person_id  # type: ignore[union-attr]
    if not pid:
        return []
    out = []
    for scheme in Scheme.objects.all():
        own = own_entries(request.user).filter(scheme=scheme).exists()
        if (
            own
            or (scheme.subject_type == SubjectType.LANDLORD and _user(request).role == "landlord")
            or (scheme.subject_type == SubjectType.MERCHANT and queries.merchant_grade(pid) is not None)
        ):
            out.append(_balance(scheme, scheme.subject_type, pid))
    return out


@router.get("/landlords", response=list[LandlordRowOut], summary="Landlords in your jurisdiction by points")
def landlords(
    request: HttpRequest,
    order: str = "balance",
    township: str = "",
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Any:
    if not is_officer(request.user):
        raise PermissionDenied
    rows = listing.landlord_rows(request.user, township=township, order=order, q=q)
    return [
        {"id": p.pk, "name": p.display_name(), "points": getattr(p, "points", 0), "trend": getattr(p, "trend", 0)}
        for p in rows[offset : offset + min(limit, 500)]
    ]


@router.get("/landlords/{int:person_id}", response=BalanceOut, summary="A landlord's balance and ledger")
def landlord(request: HttpRequest, person_id: int) -> dict[str, Any]:
    if not is_officer(request.user):
        raise PermissionDenied
    person = access_landlord(request.user, person_id)
    return _balance(ledger.scheme_by_code(LANDLORD_SCHEME), SubjectType.LANDLORD, person.pk)


@router.get("/entries/{int:entry_id}", response=EntryOut, summary="One ledger entry")
def entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    return EntryOut.from_entry(access_entry(request.user, entry_id))


@router.post("/entries", response={201: EntryOut}, summary="Record an entry (a violation) with evidence")
def record(request: HttpRequest, payload: RecordIn) -> Status:
    if not is_officer(request.user):
        raise PermissionDenied
    division = ""
    if payload.property_id:
        from civitas.places.models import RentalProperty

        prop = get_object_or_404(
            RentalProperty.objects.in_scope(request.user.scope_code),  # type: ignore[union-attr]
            pk=payload.property_id,
            landlord_id=payload.subject_id,
        )
        division = prop.division_id
    e = actions.do_record_violation(
        scheme_code=payload.scheme,
        rule_code=payload.rule,
        subject_id=payload.subject_id,
        occurred_on=payload.occurred_on,
        note=payload.evidence_note,
        division_code=division,
        acting_user=request.user,
    )
    return Status(201, EntryOut.from_entry(e))


@router.post("/entries/{int:entry_id}/appeal", response={201: AppealOut}, summary="Appeal a deduction")
def appeal(request: HttpRequest, entry_id: int, payload: AppealIn) -> Status:
    e = get_object_or_404(own_entries(request.user).select_related("scheme", "rule"), pk=entry_id)
    return Status(201, actions.do_file_appeal(e, reason=payload.reason, acting_user=request.user))


@router.get("/appeals", response=list[AppealOut], summary="Appeals waiting for your decision")
def appeals(request: HttpRequest) -> Any:
    if not (is_officer(request.user) and _user(request).role in APPEAL_DECIDER_ROLES):
        raise PermissionDenied
    return list(appeals_to_decide(request.user).filter(status=AppealStatus.PENDING).order_by("filed_at")[:200])


@router.post("/appeals/{int:appeal_id}/decide", response=AppealOut, summary="Decide an appeal")
def decide(request: HttpRequest, appeal_id: int, payload: DecisionIn) -> Appeal:
    a = access_appeal_to_decide(request.user, appeal_id)
    return actions.do_decide_appeal(a, uphold=payload.uphold, note=payload.note, acting_user=request.user)


@router.post("/simulations", summary="Replay a year's facts under a rule set; counts by threshold and township")
def simulate(request: HttpRequest, payload: SimulationIn) -> dict[str, object]:
    if not may_simulate(request.user):
        raise PermissionDenied
    rs = get_object_or_404(RuleSet.objects.select_related("scheme"), pk=payload.rule_set_id)
    scope = request.user.scope_code  # type: ignore[union-attr]
    scope = None if scope == "330782" else scope
    return replay_batch.replay_numpy(rs.scheme, rs, payload.cycle, scope_code=scope).as_dict()


@router.get("/public/{token}", response=GradeOut, auth=None, summary="Public, consented merchant grade")
def public_grade(request: HttpRequest, token: str) -> dict[str, Any]:
    mf = merchant_card.file_for_token(token)
    if mf is None:
        raise Http404
    g = queries.merchant_grade(mf.person_id) or {}
    return {
        "trade_name": mf.trade_name,
        "grade": g.get("grade", ""),
        "stars": g.get("stars", 0),
        "label": g.get("label", ""),
    }
