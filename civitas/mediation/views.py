"""Pages: public intake and party status (no account), the mediator's phone workbench, the dispatcher
console and officer statistics. Views parse input and call actions; querysets come from access.py."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.accounts.choices import Role
from civitas.documents.errors import DocumentError
from civitas.documents.phones import normalise_phone
from civitas.mediation import access, actions, otp, sla, stats
from civitas.mediation.actions import CaseInput, PartyInput
from civitas.mediation.agreement_pdf import render_pdf
from civitas.mediation.choices import (
    LANGUAGES,
    REASON_LABELS,
    Channel,
    OfferStatus,
    PartyRole,
    QueueReason,
    RatingDirection,
)
from civitas.mediation.forms import (
    CodeForm,
    ContactForm,
    DisputeForm,
    FollowUpForm,
    OfficerCaseForm,
    PhoneForm,
    ReferralForm,
    SessionForm,
    StatusForm,
)
from civitas.mediation.models import Agreement, Case, Evidence, Mediator, Party
from civitas.mediation.policy import policy
from civitas.people.identity import phone_index

LANGUAGE_NAMES = dict(LANGUAGES)
SESSION_PARTIES = "mediation_parties"  # case code -> party id the visitor proved to be
SESSION_INTAKE = "mediation_intake"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _grant(request: HttpRequest, case: Case, party: Party) -> None:
    granted = dict(request.session.get(SESSION_PARTIES, {}))
    granted[case.code] = party.pk
    request.session[SESSION_PARTIES] = granted


def _party_from_session(request: HttpRequest, code: str) -> tuple[Case, Party]:
    party_id = request.session.get(SESSION_PARTIES, {}).get(code)
    if not party_id:
        raise Http404
    party = get_object_or_404(Party.objects.select_related("case"), pk=party_id, case__code=code)
    return party.case, party


def _language_code() -> str:
    lang = (get_language() or "zh-hans").split("-")[0]
    return lang if lang in ("zh", "en", "ar", "ru") else "zh"


# ------------------------------------------------------------------------------------------ public


def intake(request: HttpRequest) -> HttpResponse:
    """A party files a dispute without an account: phone check by SMS code, then the dispute."""
    state = request.session.get(SESSION_INTAKE)
    phone_form = PhoneForm()
    form = DisputeForm(initial={"languages": [_language_code()]})
    if request.method == "POST" and request.POST.get("step") == "phone":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                phone = normalise_phone(phone_form.cleaned_data["phone"])
            except DocumentError as exc:
                phone_form.add_error("phone", exc.message)
            else:
                try:
                    ch = otp.send_code(phone, "intake")
                except ValidationError as exc:
                    phone_form.add_error("phone", exc.messages[0])
                else:
                    request.session[SESSION_INTAKE] = {"challenge": ch.pk, "phone": phone[-4:]}
                    return redirect("mediation:intake")
    elif request.method == "POST" and state:
        form = DisputeForm(request.POST, request.FILES)
        if form.is_valid():
            case = _file_from_form(request, form, state)
            if case is not None:
                return redirect("mediation:party_case", code=case.code)
    return render(request, "mediation/intake.html", {"phone_form": phone_form, "form": form, "state": state})


def _file_from_form(request: HttpRequest, form: DisputeForm, state: dict[str, Any]) -> Case | None:
    d = form.cleaned_data
    if d.get("evidence"):
        try:  # before the code is used up: a refused file must not cost the party a new code
            actions.check_evidence(d["evidence"])
        except ValidationError as exc:
            form.add_error("evidence", exc.messages)
            return None
    try:
        ch = otp.verify_code(state["challenge"], d["code"], "intake")
    except ValidationError as exc:
        form.add_error("code", exc.messages[0])
        return None
    phone = otp.reveal(ch.phone_enc)
    nationality = (d["nationality"] or "CHN").upper()
    claimant = PartyInput(
        role=PartyRole.CLAIMANT,
        name=d["name"],
        languages=list(d["languages"]),
        foreign=nationality != "CHN",
        nationality=nationality,
        phone=phone,
    )
    respondent = PartyInput(
        role=PartyRole.RESPONDENT,
        name=d["other_name"],
        company=d["other_company"],
        kind="merchant" if d["other_company"] else "person",
        languages=list(d["other_languages"]),
        phone=d["other_phone"],
    )
    data = CaseInput(
        channel=Channel.WEB,
        category=d["category"],
        description=d["description"],
        division_code=d["division"],
        parties=[claimant, respondent],
        amount=d["amount"] or Decimal(0),
        claimants=d["claimants"],
        threats=d["threats"],
        language=_language_code(),
    )
    try:
        case = actions.do_file_case(data, acting_user=None)
        if d.get("evidence"):
            actions.do_add_evidence(
                case,
                d["evidence"],
                description=str(_("uploaded at filing")),
                party=case.parties.get(role=PartyRole.CLAIMANT),
            )
    except ValidationError as exc:
        for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            form.add_error(field if field in form.fields else None, errs)
        return None
    request.session.pop(SESSION_INTAKE, None)
    _grant(request, case, case.parties.get(role=PartyRole.CLAIMANT))
    messages.success(request, _("Your case {code} is filed. Mediation is free.").format(code=case.code))
    return case


def status(request: HttpRequest) -> HttpResponse:
    """Find a case by its code and the party's phone; a code by SMS proves the phone."""
    form = StatusForm(request.POST if request.POST.get("step") == "find" else None)
    code_form = CodeForm()
    pending = request.session.get("mediation_status")
    if request.method == "POST" and request.POST.get("step") == "find" and form.is_valid():
        code = form.cleaned_data["case_code"].strip().upper()
        try:
            phone = normalise_phone(form.cleaned_data["phone"])
        except DocumentError as exc:
            form.add_error("phone", exc.message)
        else:
            party = Party.objects.filter(case__code=code, phone_index=phone_index(phone)).first()
            ch = None
            if party is not None:
                try:
                    ch = otp.send_code(phone, "status", case=party.case, party=party)
                except ValidationError as exc:
                    _errors(request, exc)
            if ch is not None:
                request.session["mediation_status"] = {"challenge": ch.pk, "code": code}
            else:  # same answer either way: the page does not reveal whether a case exists
                request.session["mediation_status"] = {"challenge": None, "code": code}
            return redirect("mediation:status")
    if request.method == "POST" and request.POST.get("step") == "code" and pending:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                ch = otp.verify_code(pending["challenge"], code_form.cleaned_data["code"], "status")
            except ValidationError as exc:
                code_form.add_error("code", exc.messages[0])
            else:
                request.session.pop("mediation_status", None)
                if ch.case is None or ch.party is None:
                    raise Http404
                _grant(request, ch.case, ch.party)
                return redirect("mediation:party_case", code=ch.case.code)
    return render(request, "mediation/status.html", {"form": form, "code_form": code_form, "pending": pending})


def party_case(request: HttpRequest, code: str) -> HttpResponse:
    case, party = _party_from_session(request, code)
    agreement = Agreement.objects.filter(case=case).prefetch_related("signatures").first()
    signed = bool(agreement and agreement.signatures.filter(party=party).exists())
    lang = _language_code()
    text = None
    if agreement:
        text = agreement.texts.get(party.preferred_language) or agreement.texts.get(lang) or agreement.texts.get("zh")
    return render(
        request,
        "mediation/party_case.html",
        {
            "case": case,
            "party": party,
            "agreement": agreement,
            "signed": signed,
            "text": text,
            "sign_pending": request.session.get("mediation_sign", {}).get(code),
            "code_form": CodeForm(),
            "sessions": case.sessions.all(),
            "rated": case.ratings.filter(party=party, direction="of_mediator").exists(),
        },
    )


@require_POST
def party_sign(request: HttpRequest, code: str) -> HttpResponse:
    case, party = _party_from_session(request, code)
    agreement = get_object_or_404(Agreement, case=case)
    pending = dict(request.session.get("mediation_sign", {}))
    try:
        if request.POST.get("step") == "send":
            ch = actions.do_send_signing_code(agreement, party)
            pending[code] = ch.pk
            request.session["mediation_sign"] = pending
        else:
            actions.do_sign_as_party(
                agreement, party, challenge_id=pending.get(code), code=request.POST.get("code", "")
            )
            pending.pop(code, None)
            request.session["mediation_sign"] = pending
            messages.success(request, _("You have signed the agreement."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("mediation:party_case", code=code)


@require_POST
def party_rate(request: HttpRequest, code: str) -> HttpResponse:
    case, party = _party_from_session(request, code)
    try:
        actions.do_rate_mediator(
            case,
            party,
            stars=int(request.POST.get("stars", "0") or 0),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Thank you for your rating."))
    except (ValidationError, ValueError) as exc:
        _errors(request, exc if isinstance(exc, ValidationError) else ValidationError(_("Give 1 to 5 stars.")))
    return redirect("mediation:party_case", code=code)


def party_agreement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    case, _party = _party_from_session(request, code)
    return _pdf_response(get_object_or_404(Agreement, case=case))


def _pdf_response(agreement: Agreement) -> HttpResponse:
    resp = HttpResponse(render_pdf(agreement), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{agreement.case.code}-agreement.pdf"'
    return resp


# -------------------------------------------------------------------------------------- mediators


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    if access.is_dispatcher(request.user):  # the menu shows both entries to every mediator-role account
        return redirect("mediation:console")
    m = access.require_mediator(request.user)
    now = timezone.now()
    offers = (
        access.offers_for(request.user)
        .filter(status=OfferStatus.PENDING, expires_at__gt=now)
        .select_related("case", "case__division")
        .prefetch_related("case__parties")
    )
    cases = (
        access.cases_visible_to(request.user)
        .filter(mediator=m)
        .open()  # type: ignore[attr-defined]
        .select_related("division")
        .prefetch_related("parties")
    )
    agenda = (
        access.cases_visible_to(request.user)
        .filter(mediator=m, sessions__starts_at__gte=now - datetime.timedelta(hours=2))
        .values("pk", "code", "sessions__starts_at", "sessions__mode", "sessions__place", "sessions__video_link")
        .order_by("sessions__starts_at")[:20]
    )
    return render(
        request,
        "mediation/workbench.html",
        {"mediator": m, "offers": offers, "cases": cases, "agenda": agenda, "now": now},
    )


@login_required
@require_POST
def duty(request: HttpRequest) -> HttpResponse:
    m = access.require_mediator(request.user)
    actions.do_set_on_duty(m, request.POST.get("on_duty") == "1", acting_user=request.user)
    return redirect("mediation:workbench")


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.access_offer(request.user, pk)
    try:
        case = actions.do_accept_offer(offer.pk, acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("mediation:workbench")
    messages.success(request, _("Case {code} is yours.").format(code=case.code))
    return redirect("mediation:case", pk=case.pk)


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = access.access_offer(request.user, pk)
    try:
        actions.do_decline_offer(offer.pk, acting_user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("mediation:workbench")


def _reason_words(reasons: list[dict[str, Any]]) -> str:
    parts = []
    for r in reasons:
        label = str(REASON_LABELS.get(r.get("code", ""), r.get("code", "")))
        points = r.get("points") or 0
        code = r.get("code", "")
        # A township or province code says nothing to a reader: its label already says "same".
        detail = "" if code in ("same_township", "same_hometown") else (r.get("detail") or "")
        if code == "no_shared_language" and detail.startswith("party "):
            number, _sep, langs = detail.removeprefix("party ").partition(": ")
            names = ", ".join(str(LANGUAGE_NAMES.get(x, x)) for x in langs.split(",") if x)
            detail = str(_("party {n} speaks {languages}").format(n=number, languages=names))
        text = label + (f" {points:+g}" if points else "") + (f" ({detail})" if detail else "")
        parts.append(text)
    return ", ".join(parts)


def decision_rows(case: Case) -> list[dict[str, Any]]:
    """Dispatch decisions in words: candidates by name, reason codes as labels, the queue reason."""
    decisions = list(case.decisions.select_related("mediator"))
    ids: set[int] = set()
    for d in decisions:
        for e in d.reasons.get("ranked", []) + ([d.reasons["chosen"]] if d.reasons.get("chosen") else []):
            ids.add(int(e.get("candidate", 0)))
    names = {m.pk: str(m) for m in Mediator.objects.filter(pk__in=ids)}
    rows = []
    for d in decisions:
        ranked = d.reasons.get("ranked", []) + ([d.reasons["chosen"]] if d.reasons.get("chosen") else [])
        code = d.reasons.get("queue_reason", "")
        rows.append(
            {
                "decision": d,
                "queue_reason": str(QueueReason(code).label) if code in QueueReason.values else code,
                "candidates": [
                    {
                        "name": names.get(int(e.get("candidate", 0)), f"#{e.get('candidate')}"),
                        "score": e.get("score"),
                        "eligible": e.get("eligible", True),
                        "reasons": _reason_words(e.get("reasons", [])),
                    }
                    for e in ranked[:3]
                ],
            }
        )
    return rows


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    m = access.mediator_of(request.user)
    agreement = Agreement.objects.filter(case=case).prefetch_related("signatures").first()
    parties = list(case.parties.all())
    langs = agreement.languages if agreement else actions.agreement_languages(case)
    return render(
        request,
        "mediation/case.html",
        {
            "case": case,
            "parties": parties,
            "is_mediator": m is not None and case.mediator_id == m.pk,
            "is_dispatcher": access.is_dispatcher(request.user),
            "agreement": agreement,
            "draft_languages": [
                (lang, (agreement.texts.get(lang, "") if agreement else ""), LANGUAGE_NAMES.get(lang, lang))
                for lang in langs
            ],
            "missing": agreement.missing_signatures() if agreement else [],
            "decisions": decision_rows(case),
            "party_ratings": case.ratings.filter(direction=RatingDirection.OF_PARTY).select_related("party"),
            "offers": case.offers.select_related("mediator"),
            "contacts": case.contacts.select_related("party"),
            "sessions": case.sessions.all(),
            "notes": case.notes.all(),
            "evidence": case.evidence.all(),
            "referrals": case.referrals.all(),
            "contact_form": ContactForm(),
            "session_form": SessionForm(),
            "referral_form": ReferralForm(),
            "follow_up_form": FollowUpForm(),
            "deadline": agreement.confirmation_deadline() if agreement else None,
        },
    )


def _act(request: HttpRequest, case: Case, action: str) -> None:
    user = request.user
    post = request.POST
    agreement = Agreement.objects.filter(case=case).first()
    if action == "contact":
        f = ContactForm(post)
        if not f.is_valid():
            raise ValidationError(_("Choose the party and the outcome."))
        party = get_object_or_404(case.parties, pk=f.cleaned_data["party"])
        actions.do_record_contact(case, party, f.cleaned_data["outcome"], note=f.cleaned_data["note"], acting_user=user)
    elif action == "session":
        sf = SessionForm(post)
        if not sf.is_valid():
            raise ValidationError([e for errs in sf.errors.values() for e in errs])
        actions.do_schedule_session(case, acting_user=user, **sf.cleaned_data)
    elif action == "session_held":
        session = get_object_or_404(case.sessions, pk=post.get("session"))
        actions.do_record_session(session, summary=post.get("summary", ""), acting_user=user)
    elif action == "note":
        actions.do_add_note(case, post.get("text", ""), acting_user=user)
    elif action == "draft":
        texts = {k.removeprefix("text_"): str(v) for k, v in post.items() if k.startswith("text_")}
        perform_by = datetime.date.fromisoformat(post["perform_by"]) if post.get("perform_by") else None
        actions.do_draft_agreement(
            case,
            texts=texts,
            amount=Decimal(post.get("amount") or 0),
            perform_by=perform_by,
            acting_user=user,
        )
    elif action == "paper_sign" and agreement:
        party = get_object_or_404(case.parties, pk=post.get("party"))
        actions.do_record_paper_signature(agreement, party, acting_user=user)
    elif action == "sign" and agreement:
        actions.do_sign_as_mediator(agreement, acting_user=user)
    elif action == "seal" and agreement:
        actions.do_seal_agreement(agreement, acting_user=user)
    elif action == "confirm" and agreement:
        ids = list(case.parties.values_list("pk", flat=True)) if post.get("joint") else []
        actions.do_request_confirmation(
            agreement, court=post.get("court", ""), consenting_party_ids=ids, acting_user=user
        )
    elif action == "follow_up" and agreement:
        actions.do_record_follow_up(
            agreement, outcome=post.get("outcome", ""), note=post.get("note", ""), acting_user=user
        )
    elif action == "refer":
        rf = ReferralForm(post)
        if not rf.is_valid():
            raise ValidationError([e for errs in rf.errors.values() for e in errs])
        actions.do_refer_case(case, acting_user=user, **rf.cleaned_data)
    elif action == "rate_party":
        party = get_object_or_404(case.parties, pk=post.get("party"))
        actions.do_rate_party(
            case, party, stars=int(post.get("stars") or 0), comment=post.get("comment", ""), acting_user=user
        )
    elif action == "evidence":
        if not request.FILES.get("file"):
            raise ValidationError({"file": _("Choose a file to upload.")})
        actions.do_add_evidence(case, request.FILES["file"], description=post.get("description", ""), acting_user=user)
    else:
        raise Http404


CASE_ACTIONS = (
    "contact",
    "session",
    "session_held",
    "note",
    "draft",
    "sign",
    "seal",
    "confirm",
    "follow_up",
    "refer",
    "rate_party",
    "evidence",
)


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = access.access_case(request.user, pk)
    if action not in CASE_ACTIONS:
        raise Http404
    mediator = access.mediator_of(request.user)
    if not ((mediator and case.mediator_id == mediator.pk) or access.is_dispatcher(request.user)):
        raise Http404
    try:
        _act(request, case, action)
        messages.success(request, _("Saved."))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    except ValueError:
        messages.error(request, _("Check the values entered."))
    return redirect("mediation:case", pk=case.pk)


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.access_case(request.user, pk)
    return _pdf_response(get_object_or_404(Agreement, case=case))


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An uploaded evidence file, for the case's mediator or a dispatcher (recorded in the audit log).

    Always a download with the stored type and ``nosniff``: an upload is never rendered as a page here.
    """
    case = access.access_case(request.user, pk)
    try:
        ev = actions.open_evidence(case, evidence_pk, acting_user=request.user)
    except (PermissionDenied, Evidence.DoesNotExist):
        raise Http404 from None
    try:
        handle = ev.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = os.path.basename(ev.file.name or "") or "evidence"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=ev.content_type or None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def party_phone(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """Show one party's full number once (as a message) to the mediator who has to call them."""
    case = access.access_case(request.user, pk)
    party = get_object_or_404(case.parties, pk=party_pk)
    try:
        phone = actions.reveal_party_phone(case, party, acting_user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.info(
            request,
            _("Phone of {party}: {phone} (this view is recorded).").format(party=party, phone=phone),
        )
    return redirect("mediation:case", pk=case.pk)


# --------------------------------------------------------------------------- dispatcher and officers


@login_required
def console(request: HttpRequest) -> HttpResponse:
    if access.mediator_of(request.user) is not None:
        return redirect("mediation:workbench")
    access.require_dispatcher(request.user)
    now = timezone.now()
    p = policy()
    cases = access.cases_visible_to(request.user).select_related("division", "mediator")
    open_cases = cases.open()  # type: ignore[attr-defined]
    return render(
        request,
        "mediation/console.html",
        {
            "queue": open_cases.filter(status="queued").prefetch_related("parties")[:100],
            "same_day": open_cases.filter(same_day=True)[:50],
            "needs_person": open_cases.filter(needs_person=True)[:50],
            "unaccepted": sla.waiting_for_acceptance(cases, now, p)[:50],
            "overdue": sla.overdue(cases, now)[:50],
            "alerts": access.alerts_visible_to(request.user)
            .filter(acknowledged_at__isnull=True)
            .select_related("division")[:50],
            "mediators": access.mediators_visible_to(request.user)
            .filter(active=True)
            .order_by("-on_duty", "name")[:200],
            "now": now,
        },
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_dispatcher(request.user)
    case = access.access_case(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("mediators") if i.isdigit()]
    mediators = list(access.mediators_visible_to(request.user).filter(pk__in=ids))
    try:
        actions.do_offer_manually(case, mediators, acting_user=request.user)
        messages.success(
            request,
            _("Offered to {n} mediators; the first to accept takes the case.").format(n=len(mediators)),
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("mediation:console")


@login_required
@require_POST
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_dispatcher(request.user)
    alert = get_object_or_404(access.alerts_visible_to(request.user), pk=pk)
    try:
        actions.do_acknowledge_alert(alert, acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("mediation:console")


@login_required
@require_POST
def run_dispatch(request: HttpRequest) -> HttpResponse:
    access.require_dispatcher(request.user)
    expired = actions.expire_offers()
    batch = actions.dispatch_batch(acting_user=request.user)
    messages.success(
        request,
        _("{expired} offers timed out; {batch} held cases offered.").format(expired=expired, batch=len(batch)),
    )
    return redirect("mediation:console")


@login_required
def file_case(request: HttpRequest) -> HttpResponse:
    """An officer, the hotline or a grid worker files a case for a party."""
    if not access.may_file(request.user):
        raise Http404
    form = OfficerCaseForm(request.POST or None, request.FILES or None, initial={"languages": ["zh"]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        role: Any = getattr(request.user, "role", "")
        channel = {Role.POLICE: Channel.OFFICER, Role.GRID_WORKER: Channel.GRID}.get(role, Channel.HOTLINE)
        nationality = (d["nationality"] or "CHN").upper()
        data = CaseInput(
            channel=channel,
            category=d["category"],
            description=d["description"],
            division_code=d["division"],
            amount=d["amount"] or Decimal(0),
            claimants=d["claimants"],
            threats=d["threats"],
            parties=[
                PartyInput(
                    role=PartyRole.CLAIMANT,
                    name=d["name"],
                    languages=list(d["languages"]),
                    foreign=nationality != "CHN",
                    nationality=nationality,
                    phone=d["phone"],
                ),
                PartyInput(
                    role=PartyRole.RESPONDENT,
                    name=d["other_name"],
                    company=d["other_company"],
                    kind="merchant" if d["other_company"] else "person",
                    languages=list(d["other_languages"]),
                    phone=d["other_phone"],
                ),
            ],
        )
        try:
            if d.get("evidence"):
                actions.check_evidence(d["evidence"])
            case = actions.do_file_case(data, acting_user=request.user)
            if d.get("evidence"):
                actions.do_add_evidence(case, d["evidence"], acting_user=request.user)
            messages.success(request, _("Case {code} filed.").format(code=case.code))
            if not access.cases_visible_to(request.user).filter(pk=case.pk).exists():
                # e.g. a grid worker filing for the whole community: the code is the receipt, not a 404
                return redirect("mediation:file")
            return redirect("mediation:case", pk=case.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(request, "mediation/file.html", {"form": form})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not access.may_see_statistics(request.user):
        raise Http404
    cases = (
        access.cases_visible_to(request.user)
        if getattr(request.user, "role", "") != Role.ANALYST
        else Case.objects.in_scope(getattr(request.user, "scope_code", None))
    )
    mediators = access.mediators_visible_to(request.user)
    return render(
        request,
        "mediation/statistics.html",
        {
            "rows": stats.by_township_and_category(cases),
            "mediators": stats.mediator_statistics(mediators, Case.objects.all()),
        },
    )
