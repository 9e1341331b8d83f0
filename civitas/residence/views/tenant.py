"""Tenant check-in by scanning the landlord code: no account, the phone proves itself by SMS code."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from civitas.people.identity import document_index, phone_index
from civitas.residence import actions, phone_codes
from civitas.residence.choices import OCCUPYING, DeclarationSource
from civitas.residence.forms import (
    BaseMemberFormSet,
    CodeForm,
    DeclarationForm,
    MemberFormSet,
    TenantChangeForm,
    declaration_input,
)
from civitas.residence.models import Declaration, LandlordCode
from civitas.residence.qr import resolve_token
from civitas.residence.views import pending

RECEIPT_SALT = "civitas.residence.receipt"


def receipt_token(decl: Declaration) -> str:
    return signing.dumps(decl.pk, salt=RECEIPT_SALT)


def _code_or_404(request: HttpRequest, token: str) -> LandlordCode | HttpResponse:
    code = resolve_token(token)
    if code is None:
        return render(request, "residence/tenant/code_invalid.html", status=404)
    return code


def _rooms(code: LandlordCode) -> list[tuple[int, str]]:
    if code.room is not None:
        return [(code.room.pk, code.room.number)]
    return [(r.pk, r.number) for r in code.property.rooms.order_by("floor", "number")]


@never_cache
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    code = _code_or_404(request, token)
    if isinstance(code, HttpResponse):
        return code
    rooms = _rooms(code)
    form = DeclarationForm(request.POST or None, rooms=rooms)
    members = cast(BaseMemberFormSet, MemberFormSet(request.POST or None, prefix="m"))
    if request.method == "POST" and form.is_valid() and members.is_valid():
        form.check_person(form.cleaned_data["phone"])
        members.check_people()
        if not form.errors and all(not f.errors for f in members.forms):
            try:
                challenge = phone_codes.do_send_code(form.cleaned_data["phone"])
            except ValidationError as exc:
                form.add_error("phone", exc.message_dict.get("phone", exc.messages))
            else:
                pending.save(
                    request,
                    {
                        "token": token,
                        "op": "declare",
                        "post": dict(request.POST.lists()),
                        "phone": form.cleaned_data["phone"],
                        "challenge": challenge.pk,
                        "key": "qr-" + uuid.uuid4().hex,
                    },
                )
                return redirect("residence:checkin-verify", token=token)
    return render(
        request,
        "residence/tenant/checkin.html",
        {
            "code": code,
            "property": code.property,
            "form": form,
            "members": members,
            "token": token,
        },
    )


def _rebuild_declaration(pend: dict[str, Any], code: LandlordCode) -> Any:
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for k, values in pend["post"].items():
        post.setlist(k, values)
    form = DeclarationForm(post, rooms=_rooms(code))
    members = MemberFormSet(post, prefix="m")
    if not (form.is_valid() and members.is_valid()):
        raise ValidationError(_("The form changed; please fill it in again."))
    return declaration_input(
        form, members, source=DeclarationSource.TENANT_QR, phone_verified=True, idempotency_key=pend["key"]
    )


def _perform(pend: dict[str, Any], code: LandlordCode) -> Declaration:
    if pend["op"] == "declare":
        return actions.do_declare(_rebuild_declaration(pend, code), acting_user=None)
    import datetime

    decl = Declaration.objects.get(pk=pend["declaration"], property=code.property)
    day = datetime.date.fromisoformat(pend["date"])
    if pend["op"] == "check_out":
        return actions.do_check_out(decl, day, acting_user=None)
    return actions.do_change_room(
        decl,
        int(pend["room"]),
        day,
        acting_user=None,
        source=DeclarationSource.TENANT_QR,
        phone_verified=True,
        idempotency_key=pend["key"],
    )


@never_cache
def checkin_verify(request: HttpRequest, token: str) -> HttpResponse:
    code = _code_or_404(request, token)
    if isinstance(code, HttpResponse):
        return code
    pend = pending.load(request, token)
    if pend is None:
        return redirect("residence:checkin", token=token)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if not phone_codes.check_code(pend["challenge"], pend["phone"], form.cleaned_data["code"]):
            form.add_error("code", _("The code is wrong or has expired. Check the SMS or start again."))
        else:
            try:
                decl = _perform(pend, code)
            except ValidationError as exc:
                error = exc
            else:
                pending.clear(request)
                return redirect("residence:receipt", token=receipt_token(decl))
    masked = pend["phone"][:-8] + "****" + pend["phone"][-4:]
    return render(
        request,
        "residence/tenant/verify.html",
        {
            "code": code,
            "property": code.property,
            "form": form,
            "phone": masked,
            "token": token,
            "error": error,
            "op": pend["op"],
        },
    )


@never_cache
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=RECEIPT_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    decl = Declaration.objects.select_related("property__building", "room").filter(pk=pk).first()
    if decl is None:
        raise Http404
    members = decl.members.select_related("person").order_by("id")
    return render(request, "residence/tenant/receipt.html", {"decl": decl, "members": members})


@never_cache
def tenant_change(request: HttpRequest, token: str) -> HttpResponse:
    """Move out or change room: the document and the phone given at check-in, then an SMS code."""
    code = _code_or_404(request, token)
    if isinstance(code, HttpResponse):
        return code
    all_rooms = [(r.pk, r.number) for r in code.property.rooms.order_by("floor", "number")]
    form = TenantChangeForm(request.POST or None, rooms=all_rooms)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        number = d["doc_number"].strip().upper().replace(" ", "")
        # Matched among this property's current declarations by blind index, so any issuing country works.
        decl = (
            Declaration.objects.filter(
                property=code.property,
                status__in=OCCUPYING,
                members__person__doc_index=document_index(number),
                members__person__phone_index=phone_index(d["phone"]),
            )
            .order_by("-declared_at")
            .first()
        )
        if decl is None:
            form.add_error(None, _("No current declaration at this address matches this document and phone."))
        else:
            try:
                challenge = phone_codes.do_send_code(d["phone"])
            except ValidationError as exc:
                form.add_error("phone", exc.messages)
            else:
                pending.save(
                    request,
                    {
                        "token": token,
                        "op": d["action"],
                        "declaration": decl.pk,
                        "date": d["date"].isoformat(),
                        "room": d.get("room") or "",
                        "phone": d["phone"],
                        "challenge": challenge.pk,
                        "key": "qr-" + uuid.uuid4().hex,
                    },
                )
                return redirect("residence:checkin-verify", token=token)
    return render(
        request,
        "residence/tenant/change.html",
        {"code": code, "property": code.property, "form": form, "token": token},
    )
