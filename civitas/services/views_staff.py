"""Staff pages: applications with their legal clocks, breach warnings, stations, cards, volunteers."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.services import actions
from civitas.services.access import (
    DIRECTORY_ROLES,
    access_application,
    access_appointment,
    access_card,
    access_point,
    applications_visible_to,
    appointments_visible_to,
    cards_visible_to,
    points_visible_to,
    require_staff,
    volunteers_visible_to,
)
from civitas.services.choices import ApplicationStatus, CardStatus
from civitas.services.forms import NoteForm
from civitas.services.holidays import load_calendar
from civitas.services.models import ApplicationDocument
from civitas.services.reports import breach_list, processing_times

PAGE = 50


def staff_view(fn: Callable[..., Any]) -> Callable[..., Any]:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        require_staff(request.user)
        return fn(request, *args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    apps = applications_visible_to(request.user)
    return render(
        request,
        "services/staff/home.html",
        {
            "breaches": breach_list(apps),
            "counts": {s.label: apps.filter(status=s.value).count() for s in ApplicationStatus},
            "points": points_visible_to(request.user),
        },
    )


@staff_view
def applications(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = applications_visible_to(request.user).select_related("service", "person")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "services/staff/applications.html",
        {"apps": qs[:PAGE], "status": status, "statuses": ApplicationStatus.choices},
    )


@staff_view
def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = access_application(request.user, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        note = form.cleaned_data["note"]
        try:
            if action == "accept":
                actions.do_accept_application(app, acting_user=request.user)
            elif action == "request":
                actions.do_request_documents(app, note, acting_user=request.user)
            elif action in ("approve", "refuse"):
                actions.do_decide_application(app, approve=action == "approve", note=note, acting_user=request.user)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Done."))
            return redirect("services:staff_application", pk=app.pk)
    return render(
        request,
        "services/staff/application.html",
        {
            "app": app,
            "clock": actions.application_clock(app, calendar=load_calendar()),
            "form": form,
            "steps": app.steps.all(),
            "documents": app.documents.all(),
            "stops": app.stops.all(),
        },
    )


@staff_view
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(
        ApplicationDocument.objects.filter(application__in=applications_visible_to(request.user)), pk=pk
    )
    return FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, as_attachment=True, filename=doc.original_name
    )


@staff_view
def report(request: HttpRequest) -> HttpResponse:
    return render(
        request, "services/staff/report.html", {"rows": processing_times(applications_visible_to(request.user))}
    )


@staff_view
def point_day(request: HttpRequest, pk: int) -> HttpResponse:
    point = access_point(request.user, pk)
    day = parse_date(request.GET.get("day", "")) or timezone.localdate()
    if request.method == "POST" and request.POST.get("action") == "open":
        n = actions.do_open_slots(point, day, acting_user=request.user)
        messages.success(request, _("{n} slots opened.").format(n=n))
        return redirect(f"{request.path}?day={day.isoformat()}")
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    appts = (
        appointments_visible_to(request.user)
        .filter(slot__point=point, slot__starts_at__gte=start, slot__starts_at__lt=start + datetime.timedelta(days=1))
        .select_related("slot", "person", "service")
    )
    slots = point.slots.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
    return render(
        request,
        "services/staff/point_day.html",
        {
            "point": point,
            "day": day,
            "appointments": appts,
            "slots": slots,
            "prev": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
        },
    )


@staff_view
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    appt = access_appointment(request.user, pk)
    try:
        appt = actions.do_check_in(appt, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Queue number {n} for {name}.").format(n=appt.queue_number, name=appt.person.display_name())
        )
    day = timezone.localtime(appt.slot.starts_at).date()
    return redirect(reverse("services:staff_point", kwargs={"pk": appt.slot.point_id}) + f"?day={day.isoformat()}")


@staff_view
def cards(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = cards_visible_to(request.user).select_related("person")
    if status in CardStatus.values:
        qs = qs.filter(status=status)
    return render(
        request, "services/staff/cards.html", {"cards": qs[:PAGE], "status": status, "statuses": CardStatus.choices}
    )


@staff_view
def card(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access_card(request.user, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note, action = form.cleaned_data["note"], request.POST.get("action")
        try:
            if action == "issue":
                actions.do_issue_card(obj, acting_user=request.user)
            elif action == "renew":
                actions.do_renew_card(obj, acting_user=request.user)
            elif action == "suspend":
                actions.do_suspend_card(obj, note=note, acting_user=request.user)
            elif action == "reinstate":
                actions.do_reinstate_card(obj, acting_user=request.user)
            elif action == "revoke":
                actions.do_revoke_card(obj, note=note, acting_user=request.user)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Done."))
            return redirect("services:staff_card", pk=obj.pk)
    return render(
        request,
        "services/staff/card.html",
        {"card": obj, "form": form, "log": obj.verifications.select_related("partner")[:30]},
    )


@login_required
def volunteers(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) not in DIRECTORY_ROLES:
        raise PermissionDenied(_("Only service-centre staff and mediators may open the directory."))
    kind = request.GET.get("kind", "")
    lang = request.GET.get("language", "")
    rows: Any = volunteers_visible_to(request.user).select_related("person", "point").filter(active=True)
    if kind:
        rows = rows.filter(kind=kind)
    if lang:
        rows = [v for v in rows if lang in v.languages]
    return render(request, "services/staff/volunteers.html", {"volunteers": rows, "kind": kind, "language": lang})
