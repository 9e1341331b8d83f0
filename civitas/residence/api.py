"""The residence API: the same actions, querysets and filters as the pages (OpenAPI generated)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from civitas.accounts.choices import Role
from civitas.people.actions import PersonInput
from civitas.places.access import access_division
from civitas.places.models import Room
from civitas.residence import actions, intake, qr
from civitas.residence.access import (
    COUNT_ROLES,
    access_code,
    access_declaration,
    access_landlord_property,
    declarations_visible_to,
    is_landlord,
    is_officer,
    residencies_visible_to,
    reviewable_by,
    role_of,
    watch_list_visible_to,
)
from civitas.residence.bulk import do_import_batch
from civitas.residence.choices import DeclarationSource, Relation
from civitas.residence.counts import counts_by_township
from civitas.residence.filters import DeclarationFilter
from civitas.residence.models import CheckinSubmission, Declaration
from civitas.residence.occupancy import room_loads

router = Router(tags=["residence"])
DECLARING_ROLES: dict[str, str] = {
    Role.LANDLORD: DeclarationSource.LANDLORD,
    Role.PARTNER: DeclarationSource.HOTEL_API,
    Role.POLICE: DeclarationSource.OFFICER,
    Role.GRID_WORKER: DeclarationSource.OFFICER,
    Role.CITY_ADMIN: DeclarationSource.OFFICER,
}


class MemberOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    doc_masked: str = Field(..., alias="person.doc_masked")
    nationality: str = Field(..., alias="person.nationality")
    relation: str


class ResultOut(Schema):
    rule: str
    passed: bool
    reason: str


class DeclarationOut(Schema):
    id: int
    number: str
    status: str
    source: str
    property_id: int
    room_id: int
    division_id: str
    move_in: datetime.date
    move_out: datetime.date | None
    arrived_at: datetime.datetime | None
    declared_at: datetime.datetime
    landlord_confirmed_at: datetime.datetime | None
    purpose: str
    employer: str
    days_late: int
    foreign: bool
    supersedes_id: int | None
    members: list[MemberOut]
    results: list[ResultOut]

    @staticmethod
    def resolve_members(obj: Declaration) -> list[Any]:
        return list(obj.members.all())

    @staticmethod
    def resolve_results(obj: Declaration) -> list[Any]:
        return [r for r in obj.results.all() if r.current]


# The input models of a check-in are plain pydantic models, not django-ninja `Schema`s: a Schema's root
# validator wraps every value it validates for reading Django objects (`from_attributes`), which an input
# parsed from JSON never needs, and that wrapping was most of the hot path's body validation in a profile.
# django-ninja takes both alike for bodies, and the OpenAPI document is the same.
class PersonIn(pydantic.BaseModel):
    doc_kind: str
    doc_number: str
    name: str
    sex: str = ""
    birth_date: datetime.date | None = None
    nationality: str = "CHN"
    doc_expiry: datetime.date | None = None
    phone: str = ""
    relation: str = Relation.SELF
    visa_expiry: datetime.date | None = None


class DeclarationIn(pydantic.BaseModel):
    room_id: int
    members: list[PersonIn]
    move_in: datetime.date
    arrived_at: datetime.datetime | None = None
    purpose: str
    employer: str = ""
    idempotency_key: str | None = None


class BatchIn(Schema):
    batch_id: str
    rows: list[DeclarationIn]


class RowError(Schema):
    field: str
    message: str


class RejectedRow(Schema):
    row: int
    errors: list[RowError]


class CreatedRow(Schema):
    row: int
    id: int
    number: str
    status: str


class BatchOut(Schema):
    batch_id: str
    accepted: bool
    replayed: bool
    rows: int
    created: list[CreatedRow]
    rejected: list[RejectedRow]


class ReasonIn(Schema):
    reason: str


class DecideIn(Schema):
    decision: str
    note: str = ""
    move_in: datetime.date | None = None
    purpose: str | None = None
    employer: str | None = None


class MoveOutIn(Schema):
    move_out: datetime.date


class ChangeIn(Schema):
    room_id: int
    moved_on: datetime.date
    idempotency_key: str | None = None


class ResidentOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    doc_masked: str = Field(..., alias="person.doc_masked")
    property_id: int
    room_id: int
    division_id: str
    start: datetime.date
    end: datetime.date | None
    confirmed: bool
    declaration_id: int


class RoomLoadOut(Schema):
    room_id: int
    number: str
    area_m2: str
    beds: int
    occupants: int
    people: int
    capacity: int


class CodeOut(Schema):
    id: int
    property_id: int
    room_id: int | None
    version: int
    url: str


class CountOut(Schema):
    township: str
    name: str
    total: int
    verified: int
    flagged: int
    late: int
    foreign: int


class WatchIn(Schema):
    doc_number: str
    reason: str


class WatchOut(Schema):
    id: int
    doc_masked: str
    reason: str
    added_at: datetime.datetime
    active: bool


def _with_details(qs: Any) -> Any:
    return qs.select_related("property", "room").prefetch_related("members__person", "results")


def _input(row: DeclarationIn, source: str) -> actions.DeclarationInput:
    members = [
        actions.MemberInput(
            person=PersonInput(
                name=m.name,
                doc_kind=m.doc_kind,
                doc_number=m.doc_number,
                sex=m.sex,
                birth_date=m.birth_date,
                nationality=m.nationality,
                doc_country=m.nationality,
                doc_expiry=m.doc_expiry,
                phone=m.phone,
                name_latin=m.name if m.nationality.upper() != "CHN" else "",
            ),
            relation=m.relation,
            visa_expiry=m.visa_expiry,
        )
        for m in row.members
    ]
    return actions.DeclarationInput(
        room_id=row.room_id,
        members=members,
        move_in=row.move_in,
        arrived_at=row.arrived_at,
        purpose=row.purpose,
        employer=row.employer,
        source=source,
        idempotency_key=row.idempotency_key,
    )


def _declaring_source(request: HttpRequest, room_id: int) -> str:
    """Landlords and partners (hotels) may declare into any let room (a landlord's room that is not theirs
    is flagged by the rules); officers only within their jurisdiction."""
    user = request.user
    source = DECLARING_ROLES.get(role_of(user) or "")
    if source is None:
        raise PermissionDenied(_("Your role may not file declarations."))
    if source == DeclarationSource.OFFICER:
        get_object_or_404(Room.objects.in_scope(getattr(user, "scope_code", None)), pk=room_id)
    return source


@router.get("/declarations", response=list[DeclarationOut], summary="Declarations you may see, filtered")
def list_declarations(
    request: HttpRequest, filters: Query[DeclarationFilter], limit: int = 100, offset: int = 0
) -> Any:
    qs = filters.apply(declarations_visible_to(request.user))
    return list(_with_details(qs)[offset : offset + min(limit, 500)])


class SubmissionAccepted(Schema):
    submission_id: int
    status: str
    status_url: str


class SubmissionOut(Schema):
    submission_id: int
    status: str
    status_url: str
    received_at: datetime.datetime
    processed_at: datetime.datetime | None
    declaration: DeclarationOut | None
    errors: list[RowError]


def _status_url(sub: Any) -> str:
    return f"/api/residence/submissions/{sub.pk}"


@router.post(
    "/declarations",
    response={201: DeclarationOut, 200: DeclarationOut, 202: SubmissionAccepted},
    summary="File a declaration (landlord, hotel system or officer); idempotent",
    description=(
        "With the header `Prefer: respond-async` (RFC 7240) the declaration is checked for everything that "
        "needs no register look-up (documents, phones, dates, purpose, room), stored once per client and "
        "`Idempotency-Key` (header or `idempotency_key`; else declarant, room and move-in date) and answered "
        "202 with the URL of its status (`GET /api/residence/submissions/{id}`); a worker files it."
    ),
)
def create_declaration(request: HttpRequest, payload: DeclarationIn) -> Any:
    if intake.prefers_async(request.META.get("HTTP_PREFER", "")):
        return accept_submission(request, payload)
    data = _input(payload, _declaring_source(request, payload.room_id))
    decl = actions.do_declare(data, acting_user=request.user)
    if not data.replayed:  # do_declare keeps what it wrote (members with their people, results) on decl
        return Status(201, decl)
    return Status(200, _with_details(Declaration.objects.filter(pk=decl.pk)).get())


def accept_submission(request: HttpRequest, payload: DeclarationIn) -> HttpResponse:
    """The 202 answer to `Prefer: respond-async`: the submission stored (or, for a retry, found) and where
    to follow it. The operation above and the route's direct view (`acceptview`) both answer with this."""
    data = _input(payload, _declaring_source(request, payload.room_id))
    client_key = request.META.get("HTTP_IDEMPOTENCY_KEY") or payload.idempotency_key
    sub, _created = intake.do_receive(payload.model_dump_json(), data, client_key=client_key, acting_user=request.user)
    url = _status_url(sub)
    body = {"submission_id": sub.pk, "status": str(sub.status), "status_url": url}
    response = HttpResponse(json.dumps(body), status=202, content_type="application/json; charset=utf-8")
    response["Location"] = url
    response["Preference-Applied"] = "respond-async"
    return response


@router.get(
    "/submissions/{int:pk}",
    response=SubmissionOut,
    summary="An asynchronous submission: received, processed (with its declaration) or rejected (with errors)",
)
def get_submission(request: HttpRequest, pk: int) -> Any:
    sub = get_object_or_404(CheckinSubmission.objects.filter(client_id=request.user.pk), pk=pk)
    decl = None
    if sub.declaration_id:
        decl = _with_details(Declaration.objects.filter(pk=sub.declaration_id)).first()
    return {
        "submission_id": sub.pk,
        "status": sub.status,
        "status_url": _status_url(sub),
        "received_at": sub.received_at,
        "processed_at": sub.processed_at,
        "declaration": decl,
        "errors": sub.error or [],
    }


@router.post("/import", response=BatchOut, summary="Bulk import: all-or-nothing per batch, resumable by batch id")
def import_batch(request: HttpRequest, payload: BatchIn) -> Any:
    source = DECLARING_ROLES.get(role_of(request.user) or "")
    if source is None:
        raise PermissionDenied(_("Your role may not file declarations."))
    if source == DeclarationSource.OFFICER:
        in_scope = set(
            Room.objects.in_scope(getattr(request.user, "scope_code", None) or "")
            .filter(pk__in=[r.room_id for r in payload.rows])
            .values_list("pk", flat=True)
        )
        outside = [
            {"row": i, "errors": [{"field": "room_id", "message": str(_("Not in your jurisdiction."))}]}
            for i, r in enumerate(payload.rows)
            if r.room_id not in in_scope
        ]
        if outside:
            return {
                "batch_id": payload.batch_id,
                "accepted": False,
                "replayed": False,
                "rows": len(payload.rows),
                "created": [],
                "rejected": outside,
            }
    rows = [_input(r, source) for r in payload.rows]
    return do_import_batch(payload.batch_id, rows, acting_user=request.user)


@router.get("/declarations/{int:pk}", response=DeclarationOut, summary="One declaration")
def get_declaration(request: HttpRequest, pk: int) -> Any:
    access_declaration(request.user, pk)
    return _with_details(Declaration.objects.filter(pk=pk)).get()


def _landlord_decl(request: HttpRequest, pk: int) -> Declaration:
    if not is_landlord(request.user):
        raise PermissionDenied(_("Only the landlord confirms or rejects."))
    return access_declaration(request.user, pk)


@router.post("/declarations/{int:pk}/confirm", response=DeclarationOut, summary="Landlord confirms")
def confirm(request: HttpRequest, pk: int) -> Any:
    actions.do_confirm_declaration(_landlord_decl(request, pk), acting_user=request.user)
    return _with_details(Declaration.objects.filter(pk=pk)).get()


@router.post("/declarations/{int:pk}/reject", response=DeclarationOut, summary="Landlord rejects with a reason")
def landlord_reject(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    actions.do_landlord_reject(_landlord_decl(request, pk), payload.reason, acting_user=request.user)
    return _with_details(Declaration.objects.filter(pk=pk)).get()


@router.post(
    "/declarations/{int:pk}/decide",
    response=DeclarationOut,
    summary="Officer approves, corrects or rejects a flagged declaration",
)
def decide(request: HttpRequest, pk: int, payload: DecideIn) -> Any:
    if not is_officer(request.user):
        raise PermissionDenied(_("Only officers decide."))
    decl = access_declaration(request.user, pk)
    corrections = {
        k: v
        for k, v in {
            "move_in": payload.move_in,
            "purpose": payload.purpose,
            "employer": payload.employer,
        }.items()
        if v
    }
    actions.do_decide(decl, payload.decision, note=payload.note, corrections=corrections, acting_user=request.user)
    return _with_details(Declaration.objects.filter(pk=pk)).get()


@router.post("/declarations/{int:pk}/check-out", response=DeclarationOut, summary="Record a move-out")
def check_out(request: HttpRequest, pk: int, payload: MoveOutIn) -> Any:
    if not (is_landlord(request.user) or is_officer(request.user)):
        raise PermissionDenied(_("Only the landlord or an officer records a move-out."))
    actions.do_check_out(access_declaration(request.user, pk), payload.move_out, acting_user=request.user)
    return _with_details(Declaration.objects.filter(pk=pk)).get()


@router.post(
    "/declarations/{int:pk}/change-room",
    response={201: DeclarationOut, 200: DeclarationOut},
    summary="Record a change of room (a new declaration replacing this one)",
)
def change_room(request: HttpRequest, pk: int, payload: ChangeIn) -> Any:
    if not is_landlord(request.user):
        raise PermissionDenied(_("Only the landlord records a change of room."))
    decl = access_declaration(request.user, pk)
    get_object_or_404(decl.property.rooms, pk=payload.room_id)
    new = actions.do_change_room(
        decl,
        payload.room_id,
        payload.moved_on,
        acting_user=request.user,
        source=DeclarationSource.LANDLORD,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _with_details(Declaration.objects.filter(pk=new.pk)).get())


@router.get("/review", response=list[DeclarationOut], summary="Flagged declarations in your jurisdiction")
def review(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    qs = reviewable_by(request.user).order_by("declared_at", "id")
    return list(_with_details(qs)[offset : offset + min(limit, 500)])


@router.get("/residents", response=list[ResidentOut], summary="Residents of a division now or on a date")
def residents(
    request: HttpRequest,
    division: str | None = None,
    on: datetime.date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Any:
    if not is_officer(request.user):
        raise PermissionDenied(_("Only officers list residents."))
    div = access_division(request.user, division or getattr(request.user, "scope_code", None) or "")
    qs = residencies_visible_to(request.user).filter(division__code__startswith=div.code)
    qs = qs.on(on) if on else qs.current()
    return list(qs.select_related("person").order_by("id")[offset : offset + min(limit, 1000)])


@router.get("/counts", response=list[CountOut], summary="Declarations by township for a day or a week")
def counts(request: HttpRequest, day: datetime.date | None = None, period: str = "day") -> Any:
    if role_of(request.user) not in COUNT_ROLES:
        raise PermissionDenied(_("Your role has no counts."))
    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=6) if period == "week" else day
    return counts_by_township(Declaration.objects.in_scope(getattr(request.user, "scope_code", None) or ""), since, day)


@router.get("/properties/{int:pk}/rooms", response=list[RoomLoadOut], summary="Rooms with occupancy and capacity")
def rooms(request: HttpRequest, pk: int) -> Any:
    prop = access_landlord_property(request.user, pk)
    return [
        {
            "room_id": r.room.pk,
            "number": r.room.number,
            "area_m2": str(r.room.area_m2),
            "beds": r.room.beds,
            "occupants": r.occupants,
            "people": r.people,
            "capacity": r.capacity,
        }
        for r in room_loads(prop)
    ]


def _code_out(code: Any) -> dict[str, Any]:
    return {
        "id": code.pk,
        "property_id": code.property_id,
        "room_id": code.room_id,
        "version": code.version,
        "url": qr.checkin_url(code),
    }


@router.post("/properties/{int:pk}/code", response=CodeOut, summary="The landlord code of a property or room")
def issue_code(request: HttpRequest, pk: int, room_id: int | None = None) -> Any:
    prop = access_landlord_property(request.user, pk)
    room = get_object_or_404(prop.rooms, pk=room_id) if room_id else None
    return _code_out(actions.do_issue_code(prop, room, acting_user=request.user))


@router.post("/codes/{int:pk}/revoke", response=CodeOut, summary="Revoke a code and re-issue it")
def revoke_code(request: HttpRequest, pk: int) -> Any:
    return _code_out(actions.do_revoke_code(access_code(request.user, pk), acting_user=request.user))


@router.get("/watch-list", response=list[WatchOut], summary="Watch-list entries (police)")
def watch_list(request: HttpRequest) -> Any:
    if role_of(request.user) not in (Role.POLICE, Role.CITY_ADMIN):
        raise PermissionDenied(_("Only the police see the watch list."))
    return list(watch_list_visible_to(request.user).filter(active=True).order_by("-added_at")[:500])


@router.post("/watch-list", response={201: WatchOut}, summary="Add a document to the watch list (police)")
def add_watch(request: HttpRequest, payload: WatchIn) -> Any:
    return Status(201, actions.do_add_to_watch_list(payload.doc_number, payload.reason, acting_user=request.user))


# Public check-in by the landlord code (no account): the same steps as the mobile pages.


class CheckinRoomOut(Schema):
    id: int
    number: str


class CheckinOut(Schema):
    property: str
    rooms: list[CheckinRoomOut]


class PhoneIn(Schema):
    phone: str


class ChallengeOut(Schema):
    challenge_id: int


class TenantDeclarationIn(DeclarationIn):
    phone: str
    challenge_id: int
    code: str


class ReceiptOut(Schema):
    number: str
    status: str
    receipt_url: str


def _code_or_404(token: str) -> Any:
    from django.http import Http404

    code = qr.resolve_token(token)
    if code is None:
        raise Http404
    return code


@router.get("/checkin/{token}", auth=None, response=CheckinOut, summary="Rooms behind a landlord code (public)")
def checkin_info(request: HttpRequest, token: str) -> Any:
    code = _code_or_404(token)
    rooms = [code.room] if code.room else list(code.property.rooms.order_by("floor", "number"))
    return {"property": str(code.property), "rooms": [{"id": r.pk, "number": r.number} for r in rooms]}


@router.post(
    "/checkin/{token}/phone-code",
    auth=None,
    response=ChallengeOut,
    summary="Send a one-time code to the tenant's phone (public)",
)
def checkin_phone_code(request: HttpRequest, token: str, payload: PhoneIn) -> Any:
    from django.core.exceptions import ValidationError

    from civitas.documents.errors import DocumentError
    from civitas.documents.phones import normalise_phone
    from civitas.residence import phone_codes

    _code_or_404(token)
    try:
        phone = normalise_phone(payload.phone)
    except DocumentError as exc:
        raise ValidationError({"phone": [exc.message]}) from exc
    return {"challenge_id": phone_codes.do_send_code(phone).pk}


@router.post(
    "/checkin/{token}",
    auth=None,
    response={201: ReceiptOut, 200: ReceiptOut},
    summary="A tenant's declaration with the SMS code (public, idempotent)",
)
def checkin_declare(request: HttpRequest, token: str, payload: TenantDeclarationIn) -> Any:
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from civitas.documents.errors import DocumentError
    from civitas.documents.phones import normalise_phone
    from civitas.residence import phone_codes
    from civitas.residence.views.tenant import receipt_token

    code = _code_or_404(token)
    if payload.idempotency_key:  # a retry after a lost response: the code was already used
        key = actions.stored_key(payload.idempotency_key, None)
        done = Declaration.objects.filter(idempotency_key=key, property=code.property).first()
        if done is not None:
            return Status(
                200,
                {
                    "number": done.number,
                    "status": done.status,
                    "receipt_url": reverse("residence:receipt", kwargs={"token": receipt_token(done)}),
                },
            )
    allowed = {code.room_id} if code.room_id else set(code.property.rooms.values_list("pk", flat=True))
    if payload.room_id not in allowed:
        raise ValidationError({"room_id": [_("Choose a room of this property.")]})
    try:
        phone = normalise_phone(payload.phone)
    except DocumentError as exc:
        raise ValidationError({"phone": [exc.message]}) from exc
    if not phone_codes.check_code(payload.challenge_id, phone, payload.code):
        raise ValidationError({"code": [_("The code is wrong or has expired.")]})
    data = _input(payload, DeclarationSource.TENANT_QR)
    data.phone_verified = True
    data.members[0].person.phone = phone  # type: ignore[union-attr]
    decl = actions.do_declare(data, acting_user=None)
    out = {
        "number": decl.number,
        "status": decl.status,
        "receipt_url": reverse("residence:receipt", kwargs={"token": receipt_token(decl)}),
    }
    return Status(200 if data.replayed else 201, out)
