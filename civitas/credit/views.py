"""Pages of the credit app (thin: parse input, call access/listing/actions, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.credit import actions, ledger, listing, merchant_card, queries, replay_batch
from civitas.credit.access import (
    APPEAL_DECIDER_ROLES,
    access_appeal_to_decide,
    access_entry,
    access_landlord,
    access_merchant,
    appeals_to_decide,
    is_officer,
    may_simulate,
    own_entries,
)
from civitas.credit.choices import AppealStatus, SubjectType
from civitas.credit.forms import AppealForm, DecisionForm, DraftRuleSetForm, RecordEntryForm, SimulationForm
from civitas.credit.models import LedgerEntry, MerchantFile, Notification, Scheme
from civitas.credit.seed_data import LANDLORD_SCHEME, MERCHANT_SCHEME
from civitas.places.models import RentalProperty


def _user(request: HttpRequest) -> Any:
    """The signed-in user (views below are behind login_required)."""
    return request.user


def _require_officer(request: HttpRequest) -> None:
    if not is_officer(request.user):
        raise PermissionDenied


def subject_summary(scheme: Scheme, subject_type: str, subject_id: int) -> dict[str, Any]:
    today = timezone.localdate()
    cycle = ledger.cycle_of(scheme, today)
    return {
        "scheme": scheme,
        "cycle": cycle,
        "points": ledger.current_balance(scheme, subject_type, subject_id, today),
        "consequences": [c for c in queries.active_consequences(subject_type, subject_id) if c.scheme_id == scheme.pk],
        "entries": list(listing.subject_ledger(scheme, subject_type, subject_id)[:200]),
    }


def _entry_appeal_state(entry: LedgerEntry, user: Any) -> dict[str, Any]:
    appeal = getattr(entry, "appeal", None) if hasattr(entry, "appeal") else None
    deadline = actions.appeal_deadline(entry)
    may_appeal = (
        entry.is_deduction
        and appeal is None
        and user.person_id == entry.subject_id
        and not LedgerEntry.objects.filter(reverses=entry).exists()
        and timezone.localdate() <= deadline
    )
    return {"appeal": appeal, "deadline": deadline, "may_appeal": may_appeal}


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own balances, entries in plain words, consequences and how to appeal."""
    person_id = request.user.person_id  # type: ignore[union-attr]
    sections = []
    if person_id:
        landlord = ledger.scheme_by_code(LANDLORD_SCHEME)
        if _user(request).role == "landlord" or own_entries(request.user).filter(scheme=landlord).exists():
            sections.append(subject_summary(landlord, SubjectType.LANDLORD, person_id))
        mf = MerchantFile.objects.filter(person_id=person_id).first()
        if mf is not None:
            merchant = ledger.scheme_by_code(MERCHANT_SCHEME)
            sections.append(
                {
                    **subject_summary(merchant, SubjectType.MERCHANT, person_id),
                    "merchant_file": mf,
                    "grade": queries.merchant_grade(person_id),
                    "public_url": merchant_card.public_url(mf) if mf.public_consent else "",
                }
            )
    notes = Notification.objects.filter(person_id=person_id)[:10] if person_id else []
    return render(request, "credit/mine.html", {"sections": sections, "notifications": notes})


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    e = access_entry(request.user, pk)
    return render(
        request,
        "credit/entry.html",
        {"entry": e, "form": AppealForm(), **_entry_appeal_state(e, request.user)},
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence photo of an entry, for the subject and officers in scope only (never a public URL)."""
    e = access_entry(request.user, pk)
    if not e.evidence_photo:
        raise Http404
    return FileResponse(e.evidence_photo.open("rb"), content_type=_photo_type(e.evidence_photo.name or ""))


def _photo_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp"}.get(suffix, "image/jpeg")


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    e = get_object_or_404(own_entries(request.user).select_related("scheme", "rule"), pk=pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            actions.do_file_appeal(e, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your appeal has been sent. An officer will decide and you will be told."))
            return redirect("credit:entry", pk=e.pk)
    return render(
        request,
        "credit/entry.html",
        {"entry": e, "form": form, **_entry_appeal_state(e, request.user)},
        status=422,
    )


@login_required
def landlords(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    order = request.GET.get("order", "balance")
    rows = listing.landlord_rows(
        request.user,
        township=request.GET.get("township", ""),
        order=order,
        q=request.GET.get("q", "").strip(),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "credit/landlords.html", {"page": page, "order": order, "trend_days": listing.TREND_DAYS})


def _record(
    request: HttpRequest,
    scheme: Scheme,
    subject_id: int,
    properties: list[RentalProperty],
    default_division: str,
) -> tuple[RecordEntryForm, bool]:
    choices = [(str(p.pk), str(p)) for p in properties]
    if request.method != "POST":
        return RecordEntryForm(scheme=scheme, properties=choices), False
    form = RecordEntryForm(request.POST, request.FILES, scheme=scheme, properties=choices)
    if not form.is_valid():
        return form, False
    division = default_division
    if properties and form.cleaned_data.get("property"):
        division = next(p.division_id for p in properties if str(p.pk) == form.cleaned_data["property"])
    try:
        actions.do_record_violation(
            scheme_code=scheme.code,
            rule_code=form.cleaned_data["rule"],
            subject_id=subject_id,
            occurred_on=form.cleaned_data["occurred_on"],
            note=form.cleaned_data.get("evidence_note") or "",
            photo=form.cleaned_data.get("evidence_photo"),
            division_code=division,
            acting_user=request.user,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errs in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            form.add_error(None, exc)
        return form, False
    messages.success(request, _("Entry recorded. The person has been notified."))
    return form, True


@login_required
def landlord(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    person = access_landlord(request.user, pk)
    scheme = ledger.scheme_by_code(LANDLORD_SCHEME)
    props = list(
        RentalProperty.objects.in_scope(request.user.scope_code)  # type: ignore[union-attr]
        .filter(landlord=person)
        .select_related("building")
    )
    form, done = _record(request, scheme, person.pk, props, props[0].division_id if props else "")
    if done:
        return redirect("credit:landlord", pk=person.pk)
    return render(
        request,
        "credit/subject.html",
        {"person": person, "form": form, **subject_summary(scheme, SubjectType.LANDLORD, person.pk)},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def merchants(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    page = Paginator(listing.merchant_rows(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "credit/merchants.html", {"page": page})


@login_required
def merchant(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    mf = access_merchant(request.user, pk)
    scheme = ledger.scheme_by_code(MERCHANT_SCHEME)
    form, done = _record(request, scheme, mf.person_id, [], mf.division_code)
    if done:
        return redirect("credit:merchant", pk=mf.pk)
    return render(
        request,
        "credit/subject.html",
        {
            "person": mf.person,
            "merchant_file": mf,
            "form": form,
            "grade": queries.merchant_grade(mf.person_id),
            **subject_summary(scheme, SubjectType.MERCHANT, mf.person_id),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    if not (is_officer(request.user) and _user(request).role in APPEAL_DECIDER_ROLES):
        raise PermissionDenied
    qs = appeals_to_decide(request.user).select_related("entry", "entry__rule", "entry__recorded_by")
    pending = qs.filter(status=AppealStatus.PENDING).order_by("filed_at")
    decided = qs.exclude(status=AppealStatus.PENDING).order_by("-decided_at")[:20]
    return render(request, "credit/appeals.html", {"pending": pending, "decided": decided})


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    a = access_appeal_to_decide(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide_appeal(
                a,
                uphold=form.cleaned_data["decision"] == "uphold",
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Decision recorded. The person has been notified."))
            return redirect("credit:appeals")
    return render(
        request,
        "credit/decide.html",
        {"appeal": a, "entry": a.entry, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def simulate(request: HttpRequest) -> HttpResponse:
    """Draft a rule set, then replay a past year's facts under it and compare with the rules in force."""
    if not may_simulate(request.user):
        raise PermissionDenied
    draft_form = DraftRuleSetForm(
        request.POST if request.POST.get("action") == "draft" else None,
        initial={"effective_from": timezone.localdate()},
    )
    sim_form = SimulationForm(request.GET if "rule_set" in request.GET else None)
    results = None
    if request.method == "POST" and draft_form.is_valid():
        d = draft_form.cleaned_data
        try:
            rs = actions.do_draft_rule_set(
                d["scheme"],
                effective_from=d["effective_from"],
                points=d["points"],
                thresholds=d["thresholds"],
                note=d["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            draft_form.add_error(None, exc)
        else:
            messages.success(request, _("Draft {version} saved; replay a year under it below.").format(version=rs))
            return redirect(f"{request.path}?rule_set={rs.pk}&cycle={timezone.localdate().year - 1}")
    if sim_form.is_bound and sim_form.is_valid():
        rs, cycle = sim_form.cleaned_data["rule_set"], sim_form.cleaned_data["cycle"]
        in_force = ledger.rule_set_in_force(rs.scheme, timezone.localdate())
        scope = _user(request).scope_code
        scope = None if scope == "330782" else scope
        facts = replay_batch.fact_arrays(rs.scheme, cycle, scope)  # fetched once, replayed under both
        results = {
            "draft": replay_batch.replay_arrays(rs.scheme, rs, cycle, facts),
            "current": replay_batch.replay_arrays(rs.scheme, in_force, cycle, facts) if in_force else None,
        }
    return render(
        request,
        "credit/simulate.html",
        {"draft_form": draft_form, "sim_form": sim_form, "results": results},
        status=422 if request.method == "POST" else 200,
    )


def public_grade(request: HttpRequest, token: str) -> HttpResponse:
    """What a seller sees after scanning a buyer's (or a merchant's) card: grade and stars, nothing else."""
    mf = merchant_card.file_for_token(token)
    if mf is None:
        raise Http404
    grade = queries.merchant_grade(mf.person_id)
    return render(
        request,
        "credit/public_grade.html",
        {"mf": mf, "grade": grade, "stars": range(grade["stars"] if grade else 0)},
    )


@login_required
def merchant_qr(request: HttpRequest, pk: int) -> HttpResponse:
    mf = get_object_or_404(MerchantFile, pk=pk, public_consent=True)
    if request.user.person_id != mf.person_id:  # type: ignore[union-attr]
        access_merchant(request.user, pk)
    return HttpResponse(merchant_card.qr_svg(mf), content_type="image/svg+xml")


@login_required
@require_POST
def merchant_consent(request: HttpRequest) -> HttpResponse:
    mf = get_object_or_404(MerchantFile, person_id=request.user.person_id)  # type: ignore[union-attr]
    actions.do_set_merchant_consent(mf, consent=request.POST.get("consent") == "1", acting_user=request.user)
    messages.success(request, _("Your choice has been saved."))
    return redirect("credit:mine")
