"""The landlord workbench: own properties only (others are 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civitas.residence import actions, qr
from civitas.residence.access import (
    access_code,
    access_declaration,
    access_landlord_property,
    declarations_visible_to,
    is_landlord,
    is_officer,
    landlord_properties,
    require,
)
from civitas.residence.choices import DeclarationSource
from civitas.residence.forms import (
    CheckOutForm,
    DeclarationForm,
    MemberFormSet,
    ReasonForm,
    declaration_input,
)
from civitas.residence.models import Declaration, LandlordCode, Residency
from civitas.residence.occupancy import room_loads


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    require(is_landlord(request.user))
    props = list(
        landlord_properties(request.user)
        .select_related("building", "division")
        .annotate(
            n_rooms=Count("rooms", distinct=True),
        )
        .order_by("id")
    )
    residents = dict(
        Residency.objects.current()
        .filter(property__in=props)
        .values("property_id")
        .annotate(n=Count("id"))
        .values_list("property_id", "n")
    )
    pending = list(
        declarations_visible_to(request.user)
        .pending_landlord()
        .select_related("property__building", "room")
        .prefetch_related("members__person")[:100]
    )
    for p in props:
        p.residents = residents.get(p.pk, 0)  # type: ignore[attr-defined]
    return render(request, "residence/landlord/workbench.html", {"properties": props, "pending": pending})


@login_required
def property_page(request: HttpRequest, pk: int) -> HttpResponse:
    prop = access_landlord_property(request.user, pk)
    decls = declarations_visible_to(request.user).filter(property=prop)
    pending = list(decls.pending_landlord().select_related("room").prefetch_related("members__person"))
    tenants = list(
        Residency.objects.current()
        .filter(property=prop)
        .select_related("person", "room", "declaration")
        .order_by("room__number", "start")
    )
    history = list(
        decls.exclude(Q(pk__in=[d.pk for d in pending])).select_related("room").prefetch_related("members__person")[:50]
    )
    codes = {c.room_id: c for c in LandlordCode.objects.filter(property=prop).select_related("room")}
    prop_code = codes.get(None)
    return render(
        request,
        "residence/landlord/property.html",
        {
            "property": prop,
            "loads": room_loads(prop),
            "pending": pending,
            "tenants": tenants,
            "history": history,
            "code": prop_code,
            "room_codes": {k: v for k, v in codes.items() if k is not None},
            "qr": qr.qr_svg_data_uri(prop_code) if prop_code else None,
            "checkin_url": qr.checkin_url(prop_code) if prop_code else None,
            "reject_form": ReasonForm(),
            "checkout_form": CheckOutForm(),
        },
    )


@login_required
@require_POST
def code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    prop = access_landlord_property(request.user, pk)
    room_id = request.POST.get("room") or None
    room = get_object_or_404(prop.rooms, pk=room_id) if room_id else None
    actions.do_issue_code(prop, room, acting_user=request.user)
    messages.success(request, _("The landlord code is ready to print."))
    return redirect("residence:landlord-property", pk=prop.pk)


@login_required
@require_POST
def code_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    code = access_code(request.user, pk)
    actions.do_revoke_code(code, acting_user=request.user)
    messages.success(request, _("The old code no longer works. Print and put up the new poster."))
    return redirect("residence:landlord-property", pk=code.property_id)


@login_required
def poster(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    code = access_code(request.user, pk)
    if fmt == "pdf":
        resp = HttpResponse(qr.poster_pdf(code), content_type="application/pdf")
    else:
        resp = HttpResponse(qr.poster_png(code), content_type="image/png")
    resp["Content-Disposition"] = f'inline; filename="landlord-code-{code.pk}-v{code.version}.{fmt}"'
    return resp


@login_required
def declare_for_tenant(request: HttpRequest, pk: int) -> HttpResponse:
    prop = access_landlord_property(request.user, pk)
    rooms = [(r.pk, r.number) for r in prop.rooms.order_by("floor", "number")]
    form = DeclarationForm(request.POST or None, rooms=rooms, phone_required=False)
    members = MemberFormSet(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            decl = actions.do_declare(
                declaration_input(form, members, source=DeclarationSource.LANDLORD), acting_user=request.user
            )
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, msgs)
        else:
            messages.success(
                request,
                _("Declaration {number}: {status}.").format(number=decl.number, status=decl.get_status_display()),
            )
            return redirect("residence:declaration", pk=decl.pk)
    return render(request, "residence/landlord/declare.html", {"property": prop, "form": form, "members": members})


def _landlord_declaration(request: HttpRequest, pk: int) -> Declaration:
    require(is_landlord(request.user))
    return access_declaration(request.user, pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    decl = _landlord_declaration(request, pk)
    try:
        decl = actions.do_confirm_declaration(decl, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Declaration {number}: {status}.").format(number=decl.number, status=decl.get_status_display()),
        )
    return redirect(request.POST.get("next") or "residence:workbench")


@login_required
@require_POST
def landlord_reject(request: HttpRequest, pk: int) -> HttpResponse:
    decl = _landlord_declaration(request, pk)
    form = ReasonForm(request.POST)
    try:
        actions.do_landlord_reject(decl, form.data.get("reason", ""), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Declaration {number} rejected.").format(number=decl.number))
    return redirect(request.POST.get("next") or "residence:workbench")


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_landlord(request.user) or is_officer(request.user))
    decl = access_declaration(request.user, pk)
    form = CheckOutForm(request.POST)
    if form.is_valid():
        try:
            actions.do_check_out(decl, form.cleaned_data["move_out"], acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Move-out recorded."))
    else:
        messages.error(request, _("Enter the move-out date."))
    return redirect("residence:declaration", pk=decl.pk)


@login_required
@require_POST
def change_room(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_landlord(request.user))
    decl = access_declaration(request.user, pk)
    form = CheckOutForm(request.POST)
    room_id = request.POST.get("room", "")
    if form.is_valid() and room_id.isdigit() and decl.property.rooms.filter(pk=room_id).exists():
        try:
            new = actions.do_change_room(
                decl,
                int(room_id),
                form.cleaned_data["move_out"],
                acting_user=request.user,
                source=DeclarationSource.LANDLORD,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Change of room recorded."))
            return redirect("residence:declaration", pk=new.pk)
    else:
        messages.error(request, _("Choose the new room and the date."))
    return redirect("residence:declaration", pk=decl.pk)
