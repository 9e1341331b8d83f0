"""Every state change of the mediation app: filing, dispatch, offers, the case, agreements, referrals.

Dispatch works like ride-hailing: the best eligible mediator gets an offer with a timeout; a decline or
timeout offers the next; after `max_strikes` the case goes to a human dispatcher with the reason. A
high-risk case is dispatched at once and flagged for same-day handling. Exactly one accept wins: the
case row is locked and the assignment is a conditional UPDATE.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, events
from civitas.documents.errors import DocumentError
from civitas.documents.phones import mask_phone, normalise_phone
from civitas.mediation import dispatch, early_warning, otp, sla
from civitas.mediation.candidates import candidate_of, live_pool
from civitas.mediation.casefile import build_case_file
from civitas.mediation.choices import (
    LANGUAGE_CODES,
    CaseStatus,
    Category,
    Channel,
    ConfirmationStatus,
    ContactOutcome,
    DecisionKind,
    MediatorKind,
    OfferStatus,
    PartyKind,
    PartyRole,
    Performance,
    QueueReason,
    RatingDirection,
    ReferralTarget,
    RiskGrade,
    SessionMode,
    SignatureMethod,
)
from civitas.mediation.models import (
    Agreement,
    Alert,
    Case,
    ContactAttempt,
    DispatchDecision,
    Evidence,
    FollowUp,
    JudicialConfirmation,
    Mediator,
    Note,
    Offer,
    Party,
    Rating,
    Referral,
    Session,
    Signature,
)
from civitas.mediation.policy import Policy, policy
from civitas.places.models import Division

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
EVIDENCE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "text/plain",
    "audio/mpeg",
    "audio/mp4",
    "video/mp4",
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


# ---------------------------------------------------------------------------------------------- intake


@dataclass
class PartyInput:
    role: str
    name: str
    kind: str = PartyKind.PERSON
    company: str = ""
    person_id: int | None = None
    foreign: bool = False
    nationality: str = "CHN"
    languages: list[str] = field(default_factory=lambda: ["zh"])
    hometown_province: str = ""
    phone: str = ""
    landlord: bool = False


@dataclass
class CaseInput:
    channel: str
    category: str
    description: str
    division_code: str
    parties: list[PartyInput]
    amount: Decimal = Decimal(0)
    claimants: int = 1
    threats: bool = False
    language: str = ""
    latitude: float | None = None
    longitude: float | None = None


def risk_grade(amount: Decimal, claimants: int, threats: bool, repeat: bool, p: Policy) -> str:
    if threats or amount >= p.high_risk_amount or claimants >= p.high_risk_claimants:
        return RiskGrade.HIGH
    if amount >= p.medium_risk_amount or claimants >= p.medium_risk_claimants or repeat:
        return RiskGrade.MEDIUM
    return RiskGrade.LOW


def new_case_code() -> str:
    while True:
        code = "JF" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Case.objects.filter(code=code).exists():
            return code


def _validate(data: CaseInput) -> tuple[Division | None, dict[str, list[Any]], list[str]]:
    errors: dict[str, list[Any]] = {}
    phones: list[str] = []
    if data.channel not in Channel.values:
        errors["channel"] = [_("Choose how the case came in.")]
    if data.category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if not data.description.strip():
        errors["description"] = [_("Say what happened.")]
    if data.amount < 0:
        errors["amount"] = [_("The amount cannot be negative.")]
    if data.claimants < 1:
        errors["claimants"] = [_("A dispute has at least one claimant.")]
    division = Division.objects.filter(code=data.division_code).first()
    if division is None:
        errors["division"] = [_("Choose where the dispute happened.")]
    roles = {p.role for p in data.parties}
    if roles != {PartyRole.CLAIMANT, PartyRole.RESPONDENT}:
        errors["parties"] = [_("A dispute has a claimant and a respondent.")]
    for i, p in enumerate(data.parties):
        if not p.name.strip():
            errors.setdefault("parties", []).append(_("Party {n}: enter a name.").format(n=i + 1))
        if not p.languages or not set(p.languages) <= LANGUAGE_CODES:
            errors.setdefault("parties", []).append(_("Party {n}: choose the languages spoken.").format(n=i + 1))
        phone = ""
        if p.phone.strip():
            try:
                phone = normalise_phone(p.phone)
            except DocumentError as exc:
                errors.setdefault("parties", []).append(_("Party {n}: {message}").format(n=i + 1, message=exc.message))
        phones.append(phone)
    return division, errors, phones


def _hometown_of(parties: list[PartyInput]) -> str:
    """A 老乡 case: every party is a domestic migrant from the same home province (not Zhejiang)."""
    provinces = {p.hometown_province for p in parties}
    if len(provinces) == 1 and "" not in provinces and "33" not in provinces and not any(p.foreign for p in parties):
        return provinces.pop()
    return ""


def _has_repeat_parties(parties: list[PartyInput], p: Policy, now: datetime.datetime) -> bool:
    since = now - datetime.timedelta(days=p.repeat_party_days)
    for party in parties:
        qs = Case.objects.filter(created_at__gte=since)
        if party.person_id:
            qs = qs.filter(parties__person_id=party.person_id)
        elif party.company:
            qs = qs.filter(parties__company__iexact=party.company)
        else:
            continue
        if qs.exists():
            return True
    return False


@transaction.atomic
def do_file_case(
    data: CaseInput, *, acting_user: Any, now: datetime.datetime | None = None, hold_for_batch: bool = False
) -> Case:
    """File one case (one code) and dispatch it; high-risk cases are never held for a batch."""
    now = now or timezone.now()
    p = policy()
    division, errors, phones = _validate(data)
    if errors:
        raise ValidationError(errors)
    assert division is not None
    repeat = _has_repeat_parties(data.parties, p, now)
    risk = risk_grade(data.amount, data.claimants, data.threats, repeat, p)
    high = risk == RiskGrade.HIGH
    simple = risk == RiskGrade.LOW
    case = Case.objects.create(
        code=new_case_code(),
        channel=data.channel,
        category=data.category,
        amount=data.amount,
        claimants=data.claimants,
        threats=data.threats,
        repeat_parties=repeat,
        risk=risk,
        simple=simple,
        description=data.description.strip(),
        language=data.language,
        hometown_province=_hometown_of(data.parties),
        division=division,
        latitude=data.latitude,
        longitude=data.longitude,
        same_day=high,
        filed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        created_at=now,
        due_at=sla.due_at(now, high_risk=high, simple=simple, p=p),
    )
    for pin, phone in zip(data.parties, phones, strict=True):
        enc, index = otp.protect(phone) if phone else ("", "")
        Party.objects.create(
            case=case,
            role=pin.role,
            kind=pin.kind,
            person_id=pin.person_id,
            name=pin.name.strip(),
            company=pin.company.strip(),
            foreign=pin.foreign,
            nationality=(pin.nationality or "CHN").upper(),
            languages=list(dict.fromkeys(pin.languages)),
            hometown_province=pin.hometown_province,
            landlord=pin.landlord,
            phone_enc=enc,
            phone_index=index,
            phone_masked=mask_phone(phone) if phone else "",
        )
    audit.record(
        "mediation.case_filed",
        actor=acting_user,
        obj=case,
        new={
            "code": case.code,
            "channel": case.channel,
            "category": case.category,
            "risk": risk,
            "amount": case.amount,
            "claimants": case.claimants,
        },
        actor_label="" if getattr(acting_user, "is_authenticated", False) else "web intake",
    )
    early_warning.check_case(case, p, now)
    if high or not hold_for_batch:
        offer_next(case, now=now, acting_user=acting_user)
    return case


def check_evidence(upload: Any) -> tuple[str, int]:
    """The type and size of an upload, or a ValidationError naming the rule (checked before filing)."""
    ctype = getattr(upload, "content_type", "") or ""
    size = getattr(upload, "size", 0) or 0
    if ctype not in EVIDENCE_TYPES:
        raise ValidationError({"file": _("Upload a photo, PDF, text, audio or video file.")})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": _("A file may be at most 10 MB.")})
    return ctype, size


@transaction.atomic
def do_add_evidence(
    case: Case, upload: Any, *, description: str = "", party: Party | None = None, acting_user: Any = None
) -> Evidence:
    ctype, size = check_evidence(upload)
    ev = Evidence.objects.create(
        case=case, party=party, file=upload, description=description[:200], content_type=ctype, size=size
    )
    audit.record("mediation.evidence_added", actor=acting_user, obj=case, new={"file": ev.file.name, "size": size})
    return ev


# -------------------------------------------------------------------------------------------- dispatch


def dispute_of(case: Case) -> dispatch.Dispute:
    parties = list(case.parties.all())
    return dispatch.Dispute(
        id=case.pk,
        category=case.category,
        party_languages=tuple(frozenset(p.languages) for p in parties),
        party_keys=frozenset(p.key for p in parties),
        foreign=any(p.foreign for p in parties),
        hometown_province=case.hometown_province,
        lat=case.latitude,
        lon=case.longitude,
        township=case.division_id[:9],
        high_risk=case.risk == RiskGrade.HIGH,
    )


def on_duty_candidates() -> list[dispatch.Candidate]:
    return [candidate_of(m) for m in Mediator.objects.filter(on_duty=True, active=True)]


def _queue(case: Case, reason: str, detail: dict[str, Any], *, now: datetime.datetime, acting_user: Any) -> None:
    DispatchDecision.objects.create(
        case=case,
        at=now,
        kind=DecisionKind.QUEUE,
        reasons={"queue_reason": reason, **detail},
        by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    old = case.status
    case.status, case.queue_reason, case.queue_detail = CaseStatus.QUEUED, reason, detail
    case.save(update_fields=["status", "queue_reason", "queue_detail"])
    audit.record(
        "mediation.case_queued",
        actor=acting_user,
        obj=case,
        old={"status": old},
        new={"status": case.status, "reason": reason},
        actor_label="dispatch",
    )


def _send_offer(
    case: Case, mediator_id: int, decision: DispatchDecision, *, now: datetime.datetime, acting_user: Any
) -> Offer:
    p = policy()
    minutes = p.high_risk_offer_timeout_minutes if case.risk == RiskGrade.HIGH else p.offer_timeout_minutes
    offer = Offer.objects.create(
        case=case,
        mediator_id=mediator_id,
        decision=decision,
        sent_at=now,
        expires_at=now + datetime.timedelta(minutes=minutes),
    )
    if case.status != CaseStatus.OFFERED:
        case.status = CaseStatus.OFFERED
        case.save(update_fields=["status"])
    audit.record(
        "mediation.offer_sent",
        actor=acting_user,
        obj=case,
        actor_label="dispatch",
        new={"mediator": mediator_id, "expires_at": offer.expires_at, "score": decision.score},
    )
    return offer


def offer_next(case: Case, *, now: datetime.datetime, acting_user: Any = None) -> Offer | None:
    """Offer the case to the best eligible mediator not yet asked, or queue it with the reason."""
    p = policy()
    if case.strikes >= p.max_strikes:
        _queue(case, QueueReason.THREE_STRIKES, {"strikes": case.strikes}, now=now, acting_user=acting_user)
        return None
    asked = frozenset(case.offers.values_list("mediator_id", flat=True))
    d = dispute_of(case)
    with live_pool() as pool:
        top = pool.rank(d, p.weights, exclude=asked, top=5) if pool is not None else []
        if top and pool is not None:
            eligible = int(pool.eligible_mask(d, asked).sum())
            considered = int(pool.on_duty.sum())
        else:
            everyone = [pool.current(c.id) for c in pool.candidates] if pool is not None else []
    if not top:
        evals = dispatch.rank(d, everyone, p.weights, exclude=asked)
        reason, counts = dispatch.why_none(evals)
        _queue(case, reason, {"excluded": counts, "considered": len(evals)}, now=now, acting_user=acting_user)
        return None
    best = top[0]
    decision = DispatchDecision.objects.create(
        case=case,
        at=now,
        kind=DecisionKind.OFFER,
        mediator_id=best.candidate_id,
        score=best.score,
        reasons={
            "ranked": [e.as_dict() for e in top],
            "eligible": eligible,
            "on_duty": considered,
            "already_asked": len(asked),
        },
    )
    return _send_offer(case, best.candidate_id, decision, now=now, acting_user=acting_user)


def _after_failed_offer(case: Case, *, now: datetime.datetime, acting_user: Any) -> None:
    if case.offers.filter(status=OfferStatus.PENDING).exists():
        return  # a dispatcher offered several at once; others may still accept
    offer_next(case, now=now, acting_user=acting_user)


def _locked_case(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def _mediator_of(user: Any) -> Mediator | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Mediator.objects.filter(user_id=user.pk).first()


def do_accept_offer(offer_id: int, *, acting_user: Any, now: datetime.datetime | None = None) -> Case:
    """Accept an offer. Late accepts are refused (and the case re-offered); a taken case is refused."""
    now = now or timezone.now()
    expired = False
    with transaction.atomic():
        offer = Offer.objects.select_related("mediator").get(pk=offer_id)
        if offer.mediator.user_id != getattr(acting_user, "pk", None):
            raise PermissionDenied(_("This offer was made to another mediator."))
        case = _locked_case(offer.case_id)
        offer.refresh_from_db()
        if offer.status == OfferStatus.PENDING and offer.expires_at <= now:
            _time_out(offer, case, now=now)
            expired = True
        elif offer.status != OfferStatus.PENDING:
            raise ValidationError(
                _("This offer is no longer open ({status}).").format(status=offer.get_status_display())
            )
        elif case.mediator_id is not None or case.status not in (CaseStatus.OFFERED, CaseStatus.QUEUED):
            raise ValidationError(_("Another mediator has already taken this case."))
        else:
            won = Case.objects.filter(pk=case.pk, mediator__isnull=True).update(
                mediator=offer.mediator, status=CaseStatus.ACTIVE, accepted_at=now, queue_reason=""
            )
            if won != 1:
                raise ValidationError(_("Another mediator has already taken this case."))
            Offer.objects.filter(pk=offer.pk, status=OfferStatus.PENDING).update(
                status=OfferStatus.ACCEPTED, responded_at=now
            )
            Offer.objects.filter(case=case, status=OfferStatus.PENDING).update(
                status=OfferStatus.WITHDRAWN, responded_at=now
            )
            Mediator.objects.filter(pk=offer.mediator_id).update(load=F("load") + 1)
            audit.record(
                "mediation.offer_accepted",
                actor=acting_user,
                obj=case,
                old={"status": case.status},
                new={"status": CaseStatus.ACTIVE, "mediator": offer.mediator_id},
            )
            case.refresh_from_db()
            _notify_parties(
                case,
                str(_("Your mediation case {code} has a mediator: {name}. Mediation is free.")),
                name=str(offer.mediator),
            )
            return case
    if expired:
        raise ValidationError(_("This offer timed out before you accepted it; the case went to the next mediator."))
    raise AssertionError("unreachable")


def _time_out(offer: Offer, case: Case, *, now: datetime.datetime) -> None:
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.TIMED_OUT, responded_at=now)
    case.strikes += 1
    case.save(update_fields=["strikes"])
    audit.record(
        "mediation.offer_timed_out",
        obj=case,
        actor_label="dispatch",
        new={"mediator": offer.mediator_id, "strikes": case.strikes},
    )
    _after_failed_offer(case, now=now, acting_user=None)


@transaction.atomic
def do_decline_offer(
    offer_id: int, *, acting_user: Any, reason: str = "", now: datetime.datetime | None = None
) -> Case:
    now = now or timezone.now()
    offer = Offer.objects.select_related("mediator").get(pk=offer_id)
    if offer.mediator.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("This offer was made to another mediator."))
    case = _locked_case(offer.case_id)
    if not Offer.objects.filter(pk=offer.pk, status=OfferStatus.PENDING).update(
        status=OfferStatus.DECLINED, responded_at=now, decline_reason=reason[:200]
    ):
        raise ValidationError(_("This offer is no longer open."))
    case.strikes += 1
    case.save(update_fields=["strikes"])
    audit.record(
        "mediation.offer_declined",
        actor=acting_user,
        obj=case,
        new={"mediator": offer.mediator_id, "strikes": case.strikes, "reason": reason[:200]},
    )
    _after_failed_offer(case, now=now, acting_user=acting_user)
    return case


def expire_offers(now: datetime.datetime | None = None) -> int:
    """Time out every pending offer past its deadline and re-offer (run every minute)."""
    now = now or timezone.now()
    n = 0
    for offer_id, case_id in Offer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now).values_list(
        "pk", "case_id"
    ):
        with transaction.atomic():
            case = _locked_case(case_id)
            offer = Offer.objects.get(pk=offer_id)
            if offer.status == OfferStatus.PENDING:
                _time_out(offer, case, now=now)
                n += 1
    return n


@transaction.atomic
def dispatch_batch(now: datetime.datetime | None = None, *, acting_user: Any = None) -> dict[int, int | None]:
    """Offer every held (new) case at once by optimal assignment; cases nobody fits go through offer_next."""
    now = now or timezone.now()
    p = policy()
    cases = list(Case.objects.select_for_update().filter(status=CaseStatus.NEW).order_by("created_at"))
    if not cases:
        return {}
    disputes = [dispute_of(c) for c in cases]
    candidates = on_duty_candidates()
    result = dispatch.batch_assign(disputes, candidates, p.weights)
    by_id = {c.pk: c for c in cases}
    for d in disputes:
        case = by_id[d.id]
        mid = result.assignments[d.id]
        if mid is None:
            offer_next(case, now=now, acting_user=acting_user)
            continue
        cand = next(c for c in candidates if c.id == mid)
        e = dispatch.evaluate(d, cand, p.weights)
        decision = DispatchDecision.objects.create(
            case=case,
            at=now,
            kind=DecisionKind.BATCH,
            mediator_id=mid,
            score=e.score,
            reasons={"chosen": e.as_dict(), "batch_size": len(cases), "batch_total": round(result.total, 2)},
        )
        _send_offer(case, mid, decision, now=now, acting_user=acting_user)
    return result.assignments


@transaction.atomic
def do_offer_manually(
    case: Case, mediators: list[Mediator], *, acting_user: Any, now: datetime.datetime | None = None
) -> list[Offer]:
    """A dispatcher offers a queued case to one or several mediators at once; the first accept wins."""
    now = now or timezone.now()
    case = _locked_case(case.pk)
    if case.status not in (CaseStatus.QUEUED, CaseStatus.NEW, CaseStatus.OFFERED) or case.mediator_id:
        raise ValidationError(_("Only a case waiting for a mediator can be offered."))
    if not mediators:
        raise ValidationError({"mediators": _("Choose at least one mediator.")})
    d = dispute_of(case)
    p = policy()
    ranked = [dispatch.evaluate(d, candidate_of(m), p.weights).as_dict() for m in mediators]
    decision = DispatchDecision.objects.create(
        case=case,
        at=now,
        kind=DecisionKind.MANUAL,
        mediator=mediators[0] if len(mediators) == 1 else None,
        reasons={"ranked": ranked, "by_dispatcher": True},
        by=acting_user,
    )
    case.strikes = 0
    case.save(update_fields=["strikes"])
    return [_send_offer(case, m.pk, decision, now=now, acting_user=acting_user) for m in mediators]


@transaction.atomic
def do_set_on_duty(mediator: Mediator, on_duty: bool, *, acting_user: Any) -> Mediator:
    old = mediator.on_duty
    mediator.on_duty = on_duty
    mediator.save(update_fields=["on_duty"])
    audit.record("mediation.duty", actor=acting_user, obj=mediator, old={"on_duty": old}, new={"on_duty": on_duty})
    return mediator


PROFILE_FIELDS = (
    "name",
    "name_latin",
    "kind",
    "nationality",
    "languages",
    "home_province",
    "dialect",
    "skills",
    "station",
    "division",
    "latitude",
    "longitude",
    "max_load",
    "conflicts",
    "active",
    "clean_record",
    "company_name",
    "company_licence_years",
    "tax_record_years",
    "probation_end",
)


@transaction.atomic
def do_update_mediator(mediator: Mediator, changes: dict[str, Any], *, acting_user: Any) -> Mediator:
    """Change a mediator's profile (validated); dispatch picks the change up by the profile version."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: {fields}.").format(fields=", ".join(unknown)))
    old = {k: getattr(mediator, k) for k in changes}
    for k, v in changes.items():
        setattr(mediator, k, v)
    mediator.full_clean()
    mediator.profile_version += 1
    mediator.save(update_fields=[*changes, "profile_version"])
    audit.record("mediation.mediator_updated", actor=acting_user, obj=mediator, old=old, new=changes)
    return mediator


@transaction.atomic
def do_register_mediator(mediator: Mediator, *, acting_user: Any) -> Mediator:
    mediator.full_clean()
    mediator.save()
    audit.record(
        "mediation.mediator_registered",
        actor=acting_user,
        obj=mediator,
        new={"name": mediator.name, "kind": mediator.kind, "languages": mediator.languages},
    )
    return mediator


# ---------------------------------------------------------------------------------------------- the case


def _require_case_mediator(case: Case, user: Any) -> Mediator:
    case.refresh_from_db(fields=["mediator", "status"])
    m = _mediator_of(user)
    if m is None or case.mediator_id != m.pk:
        raise PermissionDenied(_("Only the case's mediator may do this."))
    return m


def _require_active(case: Case) -> None:
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError(_("The case is not in mediation ({status}).").format(status=case.get_status_display()))


def _notify_parties(case: Case, template: str, **kw: Any) -> None:
    messages = [
        (otp.reveal(p.phone_enc), template.format(code=case.code, **kw)) for p in case.parties.all() if p.phone_enc
    ]

    def send() -> None:
        from civitas.core import sms

        for phone, text in messages:
            sms.send_sms(phone, text)

    transaction.on_commit(send)


@transaction.atomic
def do_record_contact(
    case: Case,
    party: Party,
    outcome: str,
    *,
    acting_user: Any,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ContactAttempt:
    """Record a call; after 3 failures in a row with a party, a person takes over contact."""
    now = now or timezone.now()
    if party.case_id != case.pk:
        raise ValidationError({"party": _("This party belongs to another case.")})
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    attempt = ContactAttempt.objects.create(
        case=case, party=party, at=now, by=acting_user, outcome=outcome, note=note[:200]
    )
    audit.record("mediation.contact", actor=acting_user, obj=case, new={"party": party.pk, "outcome": outcome})
    recent = list(
        case.contacts.filter(party=party)
        .order_by("-at", "-id")
        .values_list("outcome", flat=True)[: policy().contact_failures_to_escalate]
    )
    failures = len(recent) == policy().contact_failures_to_escalate and ContactOutcome.REACHED not in recent
    if failures and not case.needs_person:
        case.needs_person = True
        case.save(update_fields=["needs_person"])
        audit.record(
            "mediation.contact_escalated",
            actor=acting_user,
            obj=case,
            new={"party": party.pk, "failures": len(recent)},
        )
    return attempt


@transaction.atomic
def do_schedule_session(
    case: Case,
    *,
    starts_at: datetime.datetime,
    mode: str,
    place: str = "",
    video_link: str = "",
    acting_user: Any,
) -> Session:
    _require_case_mediator(case, acting_user)
    _require_active(case)
    s = Session(case=case, starts_at=starts_at, mode=mode, place=place, video_link=video_link)
    s.full_clean()
    s.save()
    audit.record("mediation.session_scheduled", actor=acting_user, obj=case, new={"starts_at": starts_at, "mode": mode})
    where = place if mode == SessionMode.PLACE else video_link
    _notify_parties(
        case,
        str(_("Mediation {code}: meeting on {when} at {where}.")),
        when=timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
        where=where,
    )
    return s


@transaction.atomic
def do_record_session(session: Session, *, summary: str, acting_user: Any) -> Session:
    _require_case_mediator(session.case, acting_user)
    session.held, session.summary = True, summary
    session.save(update_fields=["held", "summary"])
    audit.record("mediation.session_held", actor=acting_user, obj=session.case, new={"session": session.pk})
    return session


@transaction.atomic
def do_add_note(case: Case, text: str, *, acting_user: Any) -> Note:
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    note = Note.objects.create(case=case, author=acting_user, text=text.strip())
    audit.record("mediation.note", actor=acting_user, obj=case, new={"note": note.pk})
    return note


# ------------------------------------------------------------------------------------------- agreement


def agreement_languages(case: Case) -> list[str]:
    """Each party's first language, and always Chinese (the court's language)."""
    langs = [p.preferred_language for p in case.parties.all()]
    return list(dict.fromkeys([*langs, "zh"]))


def text_digest(agreement: Agreement) -> str:
    body = json.dumps(
        {
            "texts": agreement.texts,
            "amount": str(agreement.amount),
            "perform_by": agreement.perform_by.isoformat() if agreement.perform_by else None,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@transaction.atomic
def do_draft_agreement(
    case: Case, *, texts: dict[str, str], amount: Decimal, perform_by: datetime.date | None, acting_user: Any
) -> Agreement:
    """Draft (or redraft) the agreement in every party's language; a redraft voids earlier signatures."""
    _require_case_mediator(case, acting_user)
    _require_active(case)
    langs = agreement_languages(case)
    missing = [lang for lang in langs if not (texts.get(lang) or "").strip()]
    if missing:
        raise ValidationError(
            {
                "texts": _("Write the terms in every party's language; missing: {langs}.").format(
                    langs=", ".join(missing)
                )
            }
        )
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is not None and agreement.sealed_at:
        raise ValidationError(_("A sealed agreement cannot be changed."))
    clean_texts = {lang: texts[lang].strip() for lang in langs}
    if agreement is None:
        agreement = Agreement.objects.create(
            case=case, languages=langs, texts=clean_texts, amount=amount, perform_by=perform_by
        )
    else:
        agreement.languages, agreement.texts, agreement.amount, agreement.perform_by = (
            langs,
            clean_texts,
            amount,
            perform_by,
        )
        agreement.save(update_fields=["languages", "texts", "amount", "perform_by"])
        agreement.signatures.all().delete()
    audit.record(
        "mediation.agreement_drafted",
        actor=acting_user,
        obj=case,
        new={"languages": langs, "amount": amount, "digest": text_digest(agreement)},
    )
    return agreement


def do_send_signing_code(agreement: Agreement, party: Party) -> Any:
    if party.case_id != agreement.case_id:
        raise ValidationError({"party": _("This party belongs to another case.")})
    if not party.phone_enc:
        raise ValidationError({"party": _("This party has no phone number; the mediator records the signature.")})
    return otp.send_code(otp.reveal(party.phone_enc), "sign", case=agreement.case, party=party)


@transaction.atomic
def do_sign_as_party(
    agreement: Agreement,
    party: Party,
    *,
    challenge_id: int | None,
    code: str,
    now: datetime.datetime | None = None,
) -> Signature:
    """A party signs by confirming the agreement with a one-time code sent to their phone."""
    now = now or timezone.now()
    if agreement.sealed_at:
        raise ValidationError(_("This agreement is already sealed."))
    ch = otp.verify_code(challenge_id, code, "sign", now=now)
    if ch.party_id != party.pk or ch.case_id != agreement.case_id:
        raise ValidationError({"code": _("This code was sent for another signature.")})
    if agreement.signatures.filter(party=party).exists():
        raise ValidationError(_("You have already signed."))
    sig = Signature.objects.create(
        agreement=agreement,
        party=party,
        method=SignatureMethod.OTP,
        signed_at=now,
        confirmation=f"otp challenge #{ch.pk} to {party.phone_masked}",
        text_digest=text_digest(agreement),
    )
    audit.record(
        "mediation.agreement_signed",
        obj=agreement.case,
        actor_label=f"party {party.pk}",
        new={"party": party.pk, "digest": sig.text_digest},
    )
    return sig


@transaction.atomic
def do_record_paper_signature(
    agreement: Agreement, party: Party, *, acting_user: Any, now: datetime.datetime | None = None
) -> Signature:
    """A party without a phone signs the printed agreement at a meeting; the mediator records it."""
    _require_case_mediator(agreement.case, acting_user)
    if agreement.sealed_at:
        raise ValidationError(_("This agreement is already sealed."))
    if party.case_id != agreement.case_id:
        raise ValidationError({"party": _("This party belongs to another case.")})
    if agreement.signatures.filter(party=party).exists():
        raise ValidationError(_("This party has already signed."))
    sig = Signature.objects.create(
        agreement=agreement,
        party=party,
        method=SignatureMethod.IN_PERSON,
        signed_at=now or timezone.now(),
        confirmation=f"paper signature recorded by {acting_user.username}",
        text_digest=text_digest(agreement),
    )
    audit.record(
        "mediation.agreement_signed",
        actor=acting_user,
        obj=agreement.case,
        new={"party": party.pk, "method": "in_person", "digest": sig.text_digest},
    )
    return sig


@transaction.atomic
def do_sign_as_mediator(agreement: Agreement, *, acting_user: Any, now: datetime.datetime | None = None) -> Signature:
    m = _require_case_mediator(agreement.case, acting_user)
    if agreement.sealed_at:
        raise ValidationError(_("This agreement is already sealed."))
    if agreement.signatures.filter(mediator=m).exists():
        raise ValidationError(_("You have already signed."))
    sig = Signature.objects.create(
        agreement=agreement,
        mediator=m,
        method=SignatureMethod.LOGIN,
        signed_at=now or timezone.now(),
        confirmation=f"login {acting_user.username}",
        text_digest=text_digest(agreement),
    )
    audit.record(
        "mediation.agreement_signed",
        actor=acting_user,
        obj=agreement.case,
        new={"mediator": m.pk, "digest": sig.text_digest},
    )
    return sig


@transaction.atomic
def do_seal_agreement(agreement: Agreement, *, acting_user: Any, now: datetime.datetime | None = None) -> Agreement:
    """Seal: only with every party's and the mediator's signature on the current text. The case is settled."""
    now = now or timezone.now()
    _require_case_mediator(agreement.case, acting_user)
    case = _locked_case(agreement.case_id)
    if agreement.sealed_at:
        raise ValidationError(_("This agreement is already sealed."))
    missing = agreement.missing_signatures()
    if missing:
        raise ValidationError(
            _(
                "An agreement takes effect only when every party and the mediator have signed; " "missing: {names}."
            ).format(names=", ".join(missing))
        )
    digest = text_digest(agreement)
    if agreement.signatures.exclude(text_digest=digest).exists():
        raise ValidationError(_("A signature was given on another version of the text; sign again."))
    agreement.sealed_at, agreement.seal_number = now, f"{case.code}-{now:%Y%m%d}"
    agreement.save(update_fields=["sealed_at", "seal_number"])
    case.status, case.closed_at, case.settled_amount = CaseStatus.SETTLED, now, agreement.amount
    case.save(update_fields=["status", "closed_at", "settled_amount"])
    Mediator.objects.filter(pk=case.mediator_id or 0, load__gt=0).update(load=F("load") - 1)
    audit.record(
        "mediation.agreement_sealed",
        actor=acting_user,
        obj=case,
        new={"seal": agreement.seal_number, "digest": digest, "amount": agreement.amount},
    )
    _notify_parties(
        case,
        str(
            _(
                "Mediation {code}: the agreement is signed and sealed. You may jointly ask a court "
                "to confirm it within 30 days."
            )
        ),
    )
    return agreement


@transaction.atomic
def do_request_confirmation(
    agreement: Agreement,
    *,
    court: str,
    consenting_party_ids: list[int],
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> JudicialConfirmation:
    """The parties jointly ask a court to confirm a sealed agreement, within 30 days of sealing."""
    now = now or timezone.now()
    if not agreement.effective:
        raise ValidationError(_("Only a signed and sealed agreement can be confirmed by a court."))
    assert agreement.sealed_at is not None  # effective implies sealed
    deadline = agreement.sealed_at + datetime.timedelta(days=policy().confirmation_days)
    if now > deadline:
        raise ValidationError(
            _(
                "A court confirmation must be requested within {days} days of sealing " "(the deadline was {date})."
            ).format(days=policy().confirmation_days, date=timezone.localtime(deadline).date())
        )
    party_ids = set(agreement.case.parties.values_list("pk", flat=True))
    if set(consenting_party_ids) != party_ids:
        raise ValidationError({"parties": _("All parties must ask jointly.")})
    if hasattr(agreement, "confirmation"):
        raise ValidationError(_("A confirmation has already been requested."))
    if not court.strip():
        raise ValidationError({"court": _("Name the court.")})
    jc = JudicialConfirmation.objects.create(
        agreement=agreement, court=court.strip(), requested_at=now, status=ConfirmationStatus.REQUESTED
    )
    audit.record("mediation.confirmation_requested", actor=acting_user, obj=agreement.case, new={"court": court})
    return jc


def _liable_parties(case: Case) -> list[Party]:
    return [
        p
        for p in case.parties.filter(role=PartyRole.RESPONDENT)
        if p.person_id and (p.landlord or p.kind in (PartyKind.MERCHANT, PartyKind.COMPANY))
    ]


@transaction.atomic
def do_record_follow_up(
    agreement: Agreement,
    *,
    outcome: str,
    note: str = "",
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> FollowUp:
    """Follow up performance; a breach by a merchant or landlord feeds the credit engine (one event each)."""
    now = now or timezone.now()
    if not agreement.effective:
        raise ValidationError(_("Only a sealed agreement is followed up."))
    if outcome not in Performance.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    fu = FollowUp.objects.create(agreement=agreement, at=now, by=acting_user, outcome=outcome, note=note[:300])
    old = agreement.performance
    agreement.performance = outcome
    agreement.save(update_fields=["performance"])
    audit.record(
        "mediation.follow_up",
        actor=acting_user,
        obj=agreement.case,
        old={"performance": old},
        new={"performance": outcome},
    )
    if outcome == Performance.BREACHED and old != Performance.BREACHED:
        case = agreement.case
        for party in _liable_parties(case):
            landlord = party.landlord
            credit = {
                "scheme": "landlord-12" if landlord else "merchant-credit",
                "rule": "agreement_breached",
                "subject_type": "landlord" if landlord else "merchant",
                "subject_id": party.person_id,
                "note": _site_language_note(
                    _("Mediation agreement {seal} of case {case} not honoured"),
                    seal=agreement.seal_number,
                    case=case.code,
                ),
            }
            events.emit(
                "mediation.agreement_breached",
                subject=(str(credit["subject_type"]), party.person_id),
                division_code=case.division_id,
                occurred_at=now,
                payload={
                    "case_id": case.pk,
                    "case_code": case.code,
                    "agreement_id": agreement.pk,
                    "party_id": party.pk,
                    "category": case.category,
                    "amount": str(agreement.amount),
                    "credit": credit,
                },
            )
    return fu


@transaction.atomic
def do_refer_case(
    case: Case,
    *,
    target: str,
    body: str,
    reason: str,
    parties_consent: bool,
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Referral:
    """Mediation failed: refer to arbitration or court, carrying the whole case file."""
    now = now or timezone.now()
    case = _locked_case(case.pk)
    if target not in ReferralTarget.values:
        raise ValidationError({"target": _("Choose arbitration or court.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why mediation failed.")})
    if case.status not in (CaseStatus.ACTIVE, CaseStatus.QUEUED) and not (
        case.status == CaseStatus.SETTLED and case.agreement.performance == Performance.BREACHED
    ):
        raise ValidationError(_("Only a case in mediation, in the queue, or with a breached agreement is referred."))
    ref = Referral.objects.create(
        case=case,
        target=target,
        body=body.strip(),
        reason=reason.strip(),
        parties_consent=parties_consent,
        at=now,
        by=acting_user,
        case_file=build_case_file(case),
    )
    was_active = case.status == CaseStatus.ACTIVE
    case.status = CaseStatus.REFERRED
    case.closed_at = case.closed_at or now
    case.save(update_fields=["status", "closed_at"])
    if was_active and case.mediator_id:
        Mediator.objects.filter(pk=case.mediator_id or 0, load__gt=0).update(load=F("load") - 1)
    audit.record("mediation.referred", actor=acting_user, obj=case, new={"target": target, "body": body})
    return ref


# --------------------------------------------------------------------------------------------- ratings


def _refresh_rating(mediator_id: int) -> None:
    stars = list(
        Rating.objects.filter(mediator_id=mediator_id, direction=RatingDirection.OF_MEDIATOR).values_list(
            "stars", flat=True
        )
    )
    if stars:
        avg = Decimal(sum(stars)) / len(stars)
        Mediator.objects.filter(pk=mediator_id).update(rating=avg.quantize(Decimal("0.01")), rating_count=len(stars))


@transaction.atomic
def do_rate_mediator(case: Case, party: Party, *, stars: int, comment: str = "") -> Rating:
    case.refresh_from_db(fields=["status", "mediator"])
    if party.case_id != case.pk or case.mediator_id is None:
        raise ValidationError(_("Only a party of a mediated case rates its mediator."))
    if case.is_open:
        raise ValidationError(_("Rate the mediator once the case is closed."))
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give 1 to 5 stars.")})
    if Rating.objects.filter(case=case, party=party, direction=RatingDirection.OF_MEDIATOR).exists():
        raise ValidationError(_("You have already rated this mediation."))
    r = Rating.objects.create(
        case=case,
        party=party,
        mediator_id=case.mediator_id,
        stars=stars,
        direction=RatingDirection.OF_MEDIATOR,
        comment=comment[:300],
    )
    _refresh_rating(case.mediator_id)
    audit.record("mediation.rated", obj=case, actor_label=f"party {party.pk}", new={"stars": stars})
    return r


@transaction.atomic
def do_rate_party(case: Case, party: Party, *, stars: int, comment: str = "", acting_user: Any) -> Rating:
    m = _require_case_mediator(case, acting_user)
    if party.case_id != case.pk:
        raise ValidationError({"party": _("This party belongs to another case.")})
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give 1 to 5 stars.")})
    r, _created = Rating.objects.update_or_create(
        case=case,
        party=party,
        direction=RatingDirection.OF_PARTY,
        defaults={"mediator": m, "stars": stars, "comment": comment[:300]},
    )
    audit.record("mediation.party_rated", actor=acting_user, obj=case, new={"party": party.pk, "stars": stars})
    return r


def mediator_kinds_for(case: Case) -> list[str]:
    """Kinds the dispatcher should look for first (shown on the console)."""
    d = dispute_of(case)
    out: list[str] = []
    if d.foreign:
        out.append(MediatorKind.FOREIGN)
    if d.hometown_province:
        out.append(MediatorKind.HOMETOWN)
    return out


# ------------------------------------------------------------------------- alerts, evidence, phone numbers


@transaction.atomic
def do_acknowledge_alert(alert: Alert, *, acting_user: Any, now: datetime.datetime | None = None) -> Alert:
    """A dispatcher marks an early warning as handled; it leaves the console (the record stays)."""
    if alert.acknowledged_at is not None:
        raise ValidationError(_("This warning was already marked as handled."))
    alert.acknowledged_at = now or timezone.now()
    alert.save(update_fields=["acknowledged_at"])
    audit.record(
        "mediation.alert_acknowledged",
        actor=acting_user,
        obj=alert,
        division_code=alert.division_id,
        new={"kind": alert.kind},
    )
    return alert


def _may_handle(case: Case, user: Any) -> bool:
    from civitas.mediation import access

    m = access.mediator_of(user)
    return (m is not None and case.mediator_id == m.pk) or access.is_dispatcher(user)


def open_evidence(case: Case, evidence_id: int, *, acting_user: Any) -> Evidence:
    """The evidence file for the case's mediator or a dispatcher; every opening is recorded."""
    if not _may_handle(case, acting_user):
        raise PermissionDenied(_("Only the case's mediator or a dispatcher opens its evidence."))
    ev = Evidence.objects.get(case=case, pk=evidence_id)
    audit.record("mediation.evidence_opened", actor=acting_user, obj=case, new={"evidence": ev.pk})
    return ev


def reveal_party_phone(case: Case, party: Party, *, acting_user: Any) -> str:
    """The full phone number, for the case's mediator (or a dispatcher) who has to call the party.

    Recorded in the audit log with the case; the number itself is never logged.
    """
    if party.case_id != case.pk:
        raise ValidationError({"party": _("This party belongs to another case.")})
    if not _may_handle(case, acting_user):
        raise PermissionDenied(_("Only the case's mediator or a dispatcher may see the full number."))
    if not case.is_open:
        raise ValidationError(_("The case is closed; its parties' numbers stay masked."))
    if not party.phone_enc:
        raise ValidationError({"party": _("No phone number was given for this party.")})
    audit.record("mediation.phone_revealed", actor=acting_user, obj=case, new={"party": party.pk})
    return otp.reveal(party.phone_enc)


def _site_language_note(message: Any, **params: Any) -> str:
    """A credit note is stored with the ledger entry as its evidence: in the site's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message).format(**params)
