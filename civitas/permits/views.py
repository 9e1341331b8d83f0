"""Pages: residents (status, apply, card, school place), officers (queues, clocks), analysts (forecast)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.permits import actions, entitlements, forecast, resident, schoolplaces, sources, verification
from civitas.permits.access import (
    FORECAST_ROLES,
    OFFICER_ROLES,
    SCHOOL_ROLES,
    access_application,
    access_permit,
    applications_visible_to,
    permits_visible_to,
    require,
    school_applications_visible_to,
    schools_visible_to,
)
from civitas.permits.choices import ApplicationStatus, PermitStatus
from civitas.permits.forms import (
    AllocationForm,
    CancelForm,
    CodeForm,
    DocumentForm,
    ExtendForm,
    FactForm,
    ForecastForm,
    RejectForm,
    SchoolApplicationForm,
)
from civitas.permits.models import AllocationRun, Permit, PermitApplication, School, SchoolApplication
from civitas.permits.rules import current_policy
from civitas.permits.schoolpoints import TieBreakRule


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- public ----------------------------------------------------------------------------------------


def public_key(request: HttpRequest) -> JsonResponse:
    return JsonResponse(verification.public_key_document(), json_dumps_params={"ensure_ascii": False})


def verify(request: HttpRequest) -> HttpResponse:
    """A school, hospital or employer scans the QR: the offline result, then the live status."""
    token = request.GET.get("t", "") or request.POST.get("t", "")
    result = verification.verify_online(token, sources.today()) if token else None
    return render(request, "permits/verify.html", {"token": token, "result": result})


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "permits/catalogue.html", {"catalogue": entitlements.CATALOGUE})


# --- residents -------------------------------------------------------------------------------------


def resident_start(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resident.start(request, form.cleaned_data["document"])
        return redirect("permits:resident_code")
    return render(request, "permits/resident_start.html", {"form": form})


def resident_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if resident.confirm(request, form.cleaned_data["code"]) is not None:
            return redirect("permits:resident_home")
        form.add_error("code", _("The code is wrong or has expired. Ask for a new one."))
    return render(request, "permits/resident_code.html", {"form": form})


def resident_link(request: HttpRequest, token: str) -> HttpResponse:
    person = resident.person_from_link(token)
    if person is None:
        raise Http404
    resident.sign_in(request, person)
    return redirect("permits:resident_home")


@require_POST
def resident_logout(request: HttpRequest) -> HttpResponse:
    resident.sign_out(request)
    return redirect("permits:resident_start")


def resident_home(request: HttpRequest) -> HttpResponse:
    person = resident.current(request)
    if person is None:
        return redirect("permits:resident_start")
    today = sources.today()
    permit = actions.live_permit(person)
    context = {
        "person": person,
        "today": today,
        "permit": permit,
        "application": PermitApplication.objects.filter(person=person).order_by("-submitted_at").first(),
        "result": None if permit else actions.check_eligibility(person, today),
        "reminders": permit.reminders.all()[:10] if permit else [],
        "window_opens": permit.window_opens(current_policy().endorsement_window_months) if permit else None,
        "school_applications": SchoolApplication.objects.filter(parent=person).select_related("placed_school"),
        "entitlements": [entitlements.check(e, permit, today) for e in entitlements.CATALOGUE] if permit else [],
    }
    return render(request, "permits/resident_home.html", context)


@require_POST
def resident_apply(request: HttpRequest) -> HttpResponse:
    person = resident.current(request)
    if person is None:
        return redirect("permits:resident_start")
    try:
        app = actions.do_apply(person, acting_user=None, channel="online")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Application {ref} submitted. You will receive an SMS when the permit is issued.").format(
                ref=app.reference
            ),
        )
    return redirect("permits:resident_home")


def resident_card(request: HttpRequest) -> HttpResponse:
    person = resident.current(request)
    if person is None:
        return redirect("permits:resident_start")
    permit = Permit.objects.filter(person=person).order_by("-issued_on", "-pk").first()
    if permit is None:
        raise Http404
    today = sources.today()
    token = verification.token_for(permit, today)
    return render(
        request,
        "permits/resident_card.html",
        {
            "permit": permit,
            "person": person,
            "qr": verification.qr_svg(token),
            "token": token,
            "verify_url": verification.verify_url(token),
            "valid": permit.is_valid_on(today),
        },
    )


def resident_school(request: HttpRequest) -> HttpResponse:
    person = resident.current(request)
    if person is None:
        return redirect("permits:resident_start")
    township = (person.division_id or "")[:9]
    schools = list(School.objects.filter(township_id=township).values_list("pk", "name")) or list(
        School.objects.values_list("pk", "name")[:50]
    )
    form = SchoolApplicationForm(request.POST or None, schools=schools)
    today = sources.today()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = schoolplaces.do_apply_school(
                person,
                child_name=data["child_name"],
                child_birth_date=data["child_birth_date"],
                grade=data["grade"],
                year=today.year if today.month < 9 else today.year + 1,
                preferences=form.preferences(),
                declared={
                    "parent_education": data.get("parent_education") or "",
                    "municipal_honours": data.get("municipal_honours") or 0,
                },
                acting_user=None,
                today=today,
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("Application submitted with {score} points.").format(score=app.score))
            return redirect("permits:resident_home")
    return render(request, "permits/resident_school.html", {"form": form, "person": person})


# --- officers --------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, OFFICER_ROLES)
    today = sources.today()
    apps = applications_visible_to(request.user).select_related("person", "division")
    permits = permits_visible_to(request.user).select_related("person")
    horizon = today + datetime.timedelta(days=31)
    context = {
        "today": today,
        "submitted": apps.filter(status=ApplicationStatus.SUBMITTED).order_by("submitted_at")[:100],
        "accepted": apps.filter(status=ApplicationStatus.ACCEPTED).order_by("due_on")[:100],
        "overdue": apps.overdue(today).order_by("due_on")[:100],
        "due_soon": permits.filter(status=PermitStatus.VALID, valid_until__lte=horizon).order_by("valid_until")[:100],
        "suspended": permits.filter(status=PermitStatus.SUSPENDED).order_by("suspended_on")[:100],
        "counts": {s: permits.filter(status=s).count() for s in PermitStatus.values},
    }
    return render(request, "permits/queue.html", context)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = access_application(request.user, pk)
    return render(
        request,
        "permits/application.html",
        {
            "app": app,
            "today": sources.today(),
            "extend_form": ExtendForm(),
            "reject_form": RejectForm(),
            "permit": getattr(app, "permit", None) if app.status == ApplicationStatus.ISSUED else None,
            "max_days": current_policy().max_processing_days,
        },
    )


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = access_application(request.user, pk)
    try:
        if action == "accept":
            actions.do_accept(app, acting_user=request.user)
        elif action == "issue":
            permit = actions.do_issue(app, acting_user=request.user)
            messages.success(request, _("Permit {number} issued.").format(number=permit.number))
        elif action == "extend":
            form = ExtendForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            actions.do_extend(
                app,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        elif action == "reject":
            reject = RejectForm(request.POST)
            if not reject.is_valid():
                raise ValidationError(reject.errors.as_text())
            actions.do_reject(app, reason=reject.cleaned_data["reason"], acting_user=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("permits:application", pk=app.pk)


@login_required
def permit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permit = access_permit(request.user, pk)
    today = sources.today()
    return render(
        request,
        "permits/permit.html",
        {
            "permit": permit,
            "today": today,
            "cancel_form": CancelForm(),
            "can_endorse": permit.can_endorse(today, current_policy().endorsement_window_months),
            "window_opens": permit.window_opens(current_policy().endorsement_window_months),
            "endorsements": permit.endorsements.all(),
            "reminders": permit.reminders.all()[:20],
            "resident_link": resident.link_for(permit.person),
        },
    )


@login_required
@require_POST
def permit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    permit = access_permit(request.user, pk)
    try:
        if action == "endorse":
            endorsement = actions.do_endorse(permit, acting_user=request.user)
            if endorsement.late:
                messages.warning(
                    request,
                    _("Late endorsement: the permit is restored and residence years now " "count from today."),
                )
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            actions.do_cancel(
                permit,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        else:
            raise Http404
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("permits:permit", pk=permit.pk)


def _officer_person(request: HttpRequest, pk: int) -> Any:
    require(request.user, OFFICER_ROLES)
    from django.shortcuts import get_object_or_404

    from civitas.people.models import Person

    return get_object_or_404(Person.objects.in_scope(request.user.scope_code), pk=pk)  # type: ignore[union-attr]


@login_required
def person_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    person = _officer_person(request, pk)
    today = sources.today()
    form = FactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_fact(person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            return redirect("permits:person", pk=person.pk)
    return render(
        request,
        "permits/person.html",
        {
            "person": person,
            "result": actions.check_eligibility(person, today),
            "form": form,
            "permit": actions.live_permit(person),
            "application": actions.open_application(person),
            "facts": person.permit_facts.all(),
        },
    )


@login_required
@require_POST
def person_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer files the application at the counter on the resident's behalf."""
    person = _officer_person(request, pk)
    try:
        app = actions.do_apply(person, acting_user=request.user, channel="counter")
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("permits:person", pk=person.pk)
    return redirect("permits:application", pk=app.pk)


# --- schools ---------------------------------------------------------------------------------------


@login_required
def schools(request: HttpRequest) -> HttpResponse:
    require(request.user, SCHOOL_ROLES)
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = schoolplaces.do_run_allocation(
                year=form.cleaned_data["year"],
                grade=form.cleaned_data["grade"],
                acting_user=request.user,
                scope_code=request.user.scope_code or "",  # type: ignore[union-attr]
            )
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(
                request, _("{placed} of {n} applicants placed.").format(placed=run.placed, n=run.applicants)
            )
            return redirect("permits:schools")
    apps = school_applications_visible_to(request.user)
    scheme = schoolplaces.active_scheme()
    return render(
        request,
        "permits/schools.html",
        {
            "form": form,
            "schools": schools_visible_to(request.user).select_related("township"),
            "runs": AllocationRun.objects.all()[:10],
            "applications": apps.select_related("placed_school")[:200],
            "scheme": scheme,
            "ties": TieBreakRule.from_dict(scheme.tie_break).describe() if scheme.tie_break else None,
        },
    )


# --- analysts --------------------------------------------------------------------------------------


def _forecast(request: HttpRequest) -> tuple[Any, Any, dict[str, str], int]:
    from civitas.places.models import Division

    require(request.user, FORECAST_ROLES)
    form = ForecastForm(request.GET or None)
    today = sources.today()
    base_year, years = today.year, 8
    if form.is_valid():
        base_year = form.cleaned_data.get("base_year") or base_year
        years = form.cleaned_data.get("years") or years
    scope = request.user.scope_code or ""  # type: ignore[union-attr]
    counts, result = forecast.school_forecast(
        scope, base_year, years, forecast.Assumptions.from_dict(current_policy().forecast)
    )
    names = dict(Division.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return counts, result, names, base_year


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    counts, result, names, base_year = _forecast(request)
    townships = []
    for code in sorted(counts):
        townships.append(
            {
                "code": code,
                "name": names.get(code, code),
                "ages": [int(counts[code]["female"][a] + counts[code]["male"][a]) for a in range(0, 16)],
                "chart": forecast.chart_svg(result, code, names.get(code, code)),
                "rows": result.for_township(code),
            }
        )
    return render(
        request,
        "permits/forecast.html",
        {
            "townships": townships,
            "base_year": base_year,
            "form": ForecastForm(request.GET or None),
            "ages": list(range(0, 16)),
        },
    )


@login_required
def forecast_xlsx(request: HttpRequest) -> HttpResponse:
    counts, result, names, base_year = _forecast(request)
    response = HttpResponse(
        forecast.xlsx(counts, result, names),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="school-forecast-{base_year}.xlsx"'
    return response
