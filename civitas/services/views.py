"""Resident-facing pages (no account needed): catalogue, applications, bookings, the digital card."""

from __future__ import annotations

import datetime
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.people.models import Person
from civitas.services import actions, residents
from civitas.services.choices import ApplicationStatus, AppointmentStatus, CardStatus, ServiceKind
from civitas.services.forms import (
    ApplicationForm,
    BookingForm,
    IdentifyForm,
    MoreDocumentsForm,
    PassportCheckForm,
    ProfileForm,
    SearchForm,
)
from civitas.services.models import (
    Application,
    Appointment,
    MerchantCard,
    Reminder,
    Service,
    ServiceCategory,
    ServicePoint,
    Slot,
    Volunteer,
)
from civitas.services.signing import card_token, public_key_document
from civitas.services.texts import current_lang

SEARCH_FIELD = {"zh-hans": "search_zh", "en": "search_en", "ar": "search_ar", "ru": "search_ru"}
BOOKING_DAYS = 14


def search_services(q: str = "", category: str = "", lang: str | None = None) -> Any:
    """The catalogue query used by the page and the API: active services, in the language's own text."""
    qs = Service.objects.filter(active=True).select_related("category")
    if category:
        qs = qs.filter(category__code=category)
    q = (q or "").strip().lower()
    if q:
        field = SEARCH_FIELD[lang or current_lang()]
        # the active language's text (with its fallback), and also the English one: names like "visa"
        cond = Q(**{f"{field}__icontains": q}) | Q(search_en__icontains=q)
        qs = qs.filter(cond)
    return qs


def catalogue(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = category = ""
    if form.is_valid():
        q, category = form.cleaned_data["q"], form.cleaned_data["category"]
    services = list(search_services(q, category))
    return render(
        request,
        "services/catalogue.html",
        {
            "form": form,
            "q": q,
            "category": category,
            "services": services,
            "categories": ServiceCategory.objects.all(),
            "online_count": sum(s.is_online for s in services),
        },
    )


def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("category"), code=code, active=True)
    points = service.points.filter(active=True)
    return render(request, "services/service_detail.html", {"service": service, "points": points})


def apply(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service, code=code, active=True, kind=ServiceKind.ONLINE)
    person = residents.current_person(request)
    form = ApplicationForm(request.POST or None, request.FILES or None, service=service, identified=person is not None)
    if request.method == "POST" and form.is_valid():
        applicant = person or form.person
        try:
            app = actions.do_submit_application(
                service, applicant, form.answers(), form.uploads(), acting_user=request.user, language=current_lang()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            residents.remember(request, applicant)
            messages.success(request, _("Your application {ref} was received.").format(ref=app.reference))
            return redirect("services:application_status", token=residents.link_token("app", app.pk))
    return render(request, "services/apply.html", {"service": service, "form": form, "person": person})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = f"doc_{field}" if f"doc_{field}" in form.fields else (field if field in form.fields else None)
            for err in errors:
                form.add_error(target, err)
    else:
        form.add_error(None, exc)


def _unlock(request: HttpRequest, person_id: int) -> tuple[bool, PassportCheckForm]:
    """Has this browser shown the passport of `person_id`? A POSTed passport number unlocks it."""
    person = residents.current_person(request)
    if person is not None and person.pk == person_id:
        return True, PassportCheckForm()
    form = PassportCheckForm(request.POST if request.POST.get("action") == "unlock" else None)
    if form.is_valid():
        owner = Person.objects.get(pk=person_id)
        if residents.holds_document(owner, form.cleaned_data["passport"]):
            residents.remember(request, owner)
            return True, PassportCheckForm()
        form.add_error("passport", _("This passport number does not match. Check it and try again."))
    return False, form


def application_status(request: HttpRequest, token: str) -> HttpResponse:
    pk = residents.read_link_token(token, "app")
    if pk is None:
        raise Http404
    app = get_object_or_404(Application.objects.select_related("service", "person"), pk=pk)
    unlocked, check = _unlock(request, app.person_id)
    if not unlocked:
        return render(request, "services/locked.html", {"form": check, "what": _("application status")})
    upload = None
    if app.status == ApplicationStatus.MORE_DOCUMENTS:
        upload = MoreDocumentsForm(
            request.POST if request.POST.get("action") == "upload" else None, request.FILES or None, service=app.service
        )
        if upload.is_bound and upload.is_valid():
            try:
                actions.do_provide_documents(
                    app, upload.uploads(), acting_user=request.user, note=upload.cleaned_data["note"]
                )
            except ValidationError as exc:
                _add_errors(upload, exc)
            else:
                messages.success(request, _("Thank you. Your documents were received and processing continues."))
                return redirect("services:application_status", token=token)
    state = actions.application_clock(app)
    return render(
        request,
        "services/application_status.html",
        {
            "app": app,
            "steps": app.steps.all(),
            "clock": state,
            "upload": upload,
            "documents": app.documents.all(),
            "open_stop": app.stops.filter(ended_on__isnull=True).first(),
        },
    )


def me(request: HttpRequest) -> HttpResponse:
    person = residents.current_person(request)
    if person is None:
        form = IdentifyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            residents.remember(request, form.person)
            residents.profile_for(form.person)
            return redirect("services:me")
        return render(request, "services/me_identify.html", {"form": form})
    profile = residents.profile_for(person)
    profile_form = ProfileForm(
        request.POST or None,
        initial={
            "language": profile.language,
            "visa_expiry": profile.visa_expiry,
            "residence_permit_expiry": profile.residence_permit_expiry,
        },
    )
    if request.method == "POST" and profile_form.is_valid():
        actions.do_update_profile(person, acting_user=request.user, **profile_form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("services:me")
    apps = [
        (a, residents.link_token("app", a.pk))
        for a in Application.objects.filter(person=person).select_related("service")[:20]
    ]
    appts = [
        (a, residents.link_token("appt", a.pk))
        for a in Appointment.objects.filter(person=person)
        .select_related("slot__point")
        .order_by("-slot__starts_at")[:10]
    ]
    card = MerchantCard.objects.filter(person=person).exclude(status=CardStatus.REFUSED).first()
    return render(
        request,
        "services/me.html",
        {
            "person": person,
            "profile": profile,
            "form": profile_form,
            "apps": apps,
            "appointments": appts,
            "card": card,
            "card_token": residents.link_token("card", card.pk) if card else "",
            "reminders": Reminder.objects.filter(person=person)[:10],
        },
    )


@require_POST
def me_leave(request: HttpRequest) -> HttpResponse:
    residents.forget(request)
    return redirect("services:catalogue")


def points(request: HttpRequest) -> HttpResponse:
    rows = ServicePoint.objects.filter(active=True).prefetch_related("services")
    return render(request, "services/points.html", {"points": rows})


def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(ServicePoint, pk=pk, active=True)
    now = timezone.now()
    slots = Slot.objects.filter(
        point=point, starts_at__gt=now, starts_at__lt=now + datetime.timedelta(days=BOOKING_DAYS)
    ).order_by("starts_at")
    days: dict[datetime.date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
    volunteers = Volunteer.objects.filter(point=point, active=True)
    spoken = sorted({lang for v in volunteers for lang in v.languages} | set(point.languages))
    return render(
        request,
        "services/point_detail.html",
        {
            "point": point,
            "days": sorted(days.items()),
            "services": point.services.filter(active=True),
            "spoken": spoken,
            "volunteer_count": len(volunteers),
        },
    )


def book(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    point = get_object_or_404(ServicePoint, pk=pk, active=True)
    slot = get_object_or_404(Slot, pk=slot_pk, point=point)
    person = residents.current_person(request)
    services = list(point.services.filter(active=True))
    form = BookingForm(request.POST or None, services=services, identified=person is not None)
    if request.method == "POST" and form.is_valid():
        booker = person or form.person
        service = next((s for s in services if s.code == form.cleaned_data.get("service")), None)
        try:
            appt = actions.do_book_appointment(slot.pk, booker, service=service, acting_user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            residents.remember(request, booker)
            messages.success(request, _("Booked. Your booking number is {ref}.").format(ref=appt.reference))
            return redirect("services:booking", token=residents.link_token("appt", appt.pk))
    return render(request, "services/book.html", {"point": point, "slot": slot, "form": form, "person": person})


def booking(request: HttpRequest, token: str) -> HttpResponse:
    pk = residents.read_link_token(token, "appt")
    if pk is None:
        raise Http404
    appt = get_object_or_404(Appointment.objects.select_related("slot__point", "service"), pk=pk)
    unlocked, check = _unlock(request, appt.person_id)
    if not unlocked:
        return render(request, "services/locked.html", {"form": check, "what": _("booking")})
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            actions.do_cancel_appointment(appt, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your booking was cancelled."))
        return redirect("services:booking", token=token)
    return render(
        request, "services/booking.html", {"appt": appt, "cancellable": appt.status == AppointmentStatus.BOOKED}
    )


def verification_url(credential: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("services:verify_link", kwargs={"code": credential})


def card(request: HttpRequest, token: str) -> HttpResponse:
    pk = residents.read_link_token(token, "card")
    if pk is None:
        raise Http404
    obj = get_object_or_404(MerchantCard.objects.select_related("person"), pk=pk)
    unlocked, check = _unlock(request, obj.person_id)
    if not unlocked:
        return render(request, "services/locked.html", {"form": check, "what": _("merchant card")})
    today = timezone.localdate()
    qr = credential = ""
    usable = obj.status == CardStatus.ACTIVE and not obj.is_expired(today)
    if usable:
        credential = card_token(obj)
        qr = segno.make(verification_url(credential), error="m").svg_data_uri(scale=4, border=2)
    log = obj.verifications.select_related("partner")[:50]
    return render(
        request,
        "services/card.html",
        {
            "card": obj,
            "qr": qr,
            "credential": credential,
            "usable": usable,
            "expired": obj.is_expired(today),
            "log": log,
            "renewal_due": usable and obj.expires_on and (obj.expires_on - today).days <= 30,
        },
    )


def card_apply(request: HttpRequest) -> HttpResponse:
    return redirect("services:apply", code=actions.MERCHANT_CARD_SERVICE)


def public_key(request: HttpRequest) -> JsonResponse:
    """The key partners' devices use for offline verification."""
    response = JsonResponse(public_key_document())
    response["Cache-Control"] = "public, max-age=3600"
    return response
