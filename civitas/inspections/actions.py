"""State changes of inspections: every function validates, writes with update_fields, audits, emits events.

The hazard loop (each transition is one function; anything else raises `ForbiddenTransition`):

    logged ──fix on the spot (after-photo)──▶ fixed_on_spot ──┐
       └────issue notice (deadline)─────────▶ notice_issued ──report fix──▶ fix_reported ──┤
                                                   ▲                                      │ re-inspect
                                                   └──────────── failed (new deadline) ◀───┤
                                                                  passed ──close──▶ closed ◀┘
    any state except annulled ──annul on appeal──▶ annulled (credit reversed)

A re-inspection task is scheduled automatically whenever a fix is made or reported. `now` is a
parameter everywhere time matters, so deadlines and escalation are tested with a frozen clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import Role
from civitas.accounts.models import User
from civitas.core import audit, events
from civitas.inspections import rollups
from civitas.inspections.access import may_inspect, may_manage
from civitas.inspections.choices import (
    Acknowledgement,
    AssigneeKind,
    CampaignStatus,
    Department,
    EscalationLevel,
    EvidenceKind,
    HazardStatus,
    InspectionErrorCode,
    LeadStatus,
    PremisesType,
    TaskKind,
    TaskStatus,
)
from civitas.inspections.generation import generate_tasks
from civitas.inspections.models import (
    Campaign,
    Checklist,
    ChecklistItem,
    Evidence,
    Hazard,
    Inspection,
    ItemResult,
    Lead,
    Notice,
    OfficialProfile,
    Premises,
    Reinspection,
    ReportService,
    Task,
)
from civitas.inspections.photos import CheckedPhoto, check_photo
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division, RentalProperty

LANDLORD_SCHEME = "landlord-12"
MERCHANT_SCHEME = "merchant-credit"
MERCHANT_RULE = "safety_hazard"


class ForbiddenTransition(ValidationError):
    """A hazard (or task) may not move from its current state by this action."""

    def __init__(self, message: Any) -> None:
        super().__init__(message, code=InspectionErrorCode.FORBIDDEN_TRANSITION)


def _setting_days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def reinspection_after_fix_days() -> int:
    return _setting_days("CIVITAS_INSPECTION_REINSPECT_AFTER_FIX_DAYS", 3)


def reinspection_after_spot_fix_days() -> int:
    return _setting_days("CIVITAS_INSPECTION_REINSPECT_AFTER_SPOT_FIX_DAYS", 7)


def enforcement_after_days() -> int:
    """Days a hazard stays overdue at township level before it goes to enforcement."""
    return _setting_days("CIVITAS_INSPECTION_ENFORCEMENT_AFTER_DAYS", 7)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


def department_of(user: Any) -> str:
    profile = OfficialProfile.objects.filter(user_id=getattr(user, "pk", 0) or 0).values_list("department", flat=True)
    found = profile.first()
    if found:
        return found
    return Department.GRID if getattr(user, "role", None) == Role.GRID_WORKER else Department.SAFETY


# --- Officials and premises -------------------------------------------------------------------------


@transaction.atomic
def do_set_department(user: User, department: str, *, title: str = "", acting_user: Any) -> OfficialProfile:
    if department not in Department.values:
        raise ValidationError({"department": _("Unknown department.")})
    profile, _created = OfficialProfile.objects.update_or_create(
        user=user, defaults={"department": department, "title": title}
    )
    audit.record("inspections.department_set", actor=acting_user, obj=profile, new={"department": department})
    return profile


@transaction.atomic
def do_register_premises(
    *,
    kind: str,
    address: str,
    division_code: str,
    name: str = "",
    owner_id: int | None = None,
    latitude: Any = None,
    longitude: Any = None,
    acting_user: Any,
) -> Premises:
    """Register a shop, three-in-one premises or warehouse (rental houses come from the registry)."""
    if not may_inspect(acting_user):
        raise PermissionDenied
    if kind not in PremisesType.values or kind == PremisesType.RENTAL_HOUSE:
        raise ValidationError(
            {
                "kind": _(
                    "Rental houses are registered as rental properties; choose a shop, "
                    "three-in-one premises or warehouse."
                )
            }
        )
    if not address.strip():
        raise ValidationError({"address": _("Enter the address.")})
    division = Division.objects.filter(code=division_code, level=DivisionLevel.GRID).first()
    if division is None:
        raise ValidationError({"division_code": _("Choose a grid unit.")})
    premises = Premises.objects.create(
        kind=kind,
        name=name.strip(),
        address=address.strip(),
        division=division,
        owner_id=owner_id,
        latitude=latitude,
        longitude=longitude,
    )
    audit.record(
        "inspections.premises_registered",
        actor=acting_user,
        obj=premises,
        new={"kind": kind, "address": premises.address, "owner_id": owner_id},
    )
    return premises


def premises_for_property(prop: RentalProperty) -> Premises:
    """The inspection record of a rental property (created on first use)."""
    premises, _created = Premises.objects.get_or_create(
        rental_property=prop,
        defaults={
            "kind": PremisesType.RENTAL_HOUSE,
            "address": str(prop),
            "division_id": prop.division_id,
            "owner_id": prop.landlord_id,
            "latitude": prop.building.latitude,
            "longitude": prop.building.longitude,
        },
    )
    return premises


@transaction.atomic
def do_create_campaign(
    *,
    name: str,
    division_code: str,
    premises_types: Iterable[str],
    starts_on: datetime.date,
    ends_on: datetime.date,
    assignee_kind: str = AssigneeKind.GRID_WORKER,
    acting_user: Any,
) -> Campaign:
    """Create a campaign and generate one task per matching premises in its area."""
    if not may_manage(acting_user):
        raise PermissionDenied
    types = [t for t in premises_types if t in PremisesType.values]
    errors: dict[str, list[Any]] = {}
    if not name.strip():
        errors["name"] = [_("Give the campaign a name.")]
    if not types:
        errors["premises_types"] = [_("Choose at least one type of premises.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The campaign ends before it starts.")]
    scope = acting_user.scope_code or ""
    if not division_code.startswith(scope) or not Division.objects.filter(code=division_code).exists():
        errors["division_code"] = [_("Choose an area inside your jurisdiction.")]
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        name=name.strip(),
        division_id=division_code,
        premises_types=types,
        assignee_kind=assignee_kind,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=acting_user,
    )
    n = generate_tasks(campaign)
    audit.record(
        "inspections.campaign_created",
        actor=acting_user,
        obj=campaign,
        new={"name": campaign.name, "types": types, "tasks": n},
    )
    return campaign


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, acting_user: Any) -> Campaign:
    if campaign.status == CampaignStatus.CLOSED:
        raise ForbiddenTransition(_("The campaign is already closed."))
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    audit.record("inspections.campaign_closed", actor=acting_user, obj=campaign)
    return campaign


# --- The inspection ---------------------------------------------------------------------------------


@dataclass
class ItemAnswer:
    passed: bool | None
    note: str = ""
    photos: list[Any] = field(default_factory=list)


@dataclass
class InspectionInput:
    answers: Mapping[str, ItemAnswer]  # by checklist item code
    acknowledgement: str
    acknowledged_by: str = ""
    note: str = ""
    idempotency_key: str = ""
    checklist_id: int | None = None


def _credit_instruction(hazard: Hazard) -> dict[str, Any] | None:
    if not hazard.owner_id:
        return None
    if hazard.premises.owner_kind == "landlord":
        scheme, subject, rule = LANDLORD_SCHEME, "landlord", hazard.item.credit_rule or "fire_hazard"
    else:
        scheme, subject, rule = MERCHANT_SCHEME, "merchant", MERCHANT_RULE
    return {
        "scheme": scheme,
        "rule": rule,
        "subject_type": subject,
        "subject_id": hazard.owner_id,
        "note": _site_language_note(
            _("Safety inspection hazard #{hazard}: {item}"), hazard=hazard.pk, item=hazard.item.code
        ),
    }


def _site_language_note(message: Any, **params: Any) -> str:
    """A credit note is stored with the ledger entry as its evidence: in the site's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message).format(**params)


def _event_subject(hazard: Hazard) -> tuple[str, Any]:
    if hazard.owner_id:
        return (hazard.premises.owner_kind, hazard.owner_id)
    return ("premises", hazard.premises_id)


def _hazard_payload(hazard: Hazard) -> dict[str, Any]:
    return {
        "hazard_id": hazard.pk,
        "premises_id": hazard.premises_id,
        "property_id": hazard.premises.rental_property_id,
        "item_code": hazard.item.code,
        "severity": hazard.severity,
        "inspection_id": hazard.inspection_id,
    }


def _photo_errors(
    checklist: Checklist, data: InspectionInput
) -> tuple[dict[str, list[Any]], dict[str, list[CheckedPhoto]]]:
    errors: dict[str, list[Any]] = {}
    checked: dict[str, list[CheckedPhoto]] = {}
    for item in checklist.items.all():
        answer = data.answers.get(item.code)
        key = f"item_{item.code}"
        if answer is None or answer.passed is None:
            errors.setdefault(key, []).append(_("Mark “{item}” as passed or failed.").format(item=item.text_in()))
            continue
        photos: list[CheckedPhoto] = []
        for upload in answer.photos:
            try:
                photos.append(check_photo(upload, key))
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.message_dict.get(key, exc.messages))
        if not answer.passed and item.photo_required and not answer.photos:
            errors.setdefault(key, []).append(_("A photo is required when “{item}” fails.").format(item=item.text_in()))
        checked[item.code] = photos
    return errors, checked


def do_submit_inspection(
    premises: Premises,
    data: InspectionInput,
    *,
    acting_user: Any,
    task: Task | None = None,
    now: datetime.datetime | None = None,
) -> Inspection:
    """Record a walked checklist; each failed item becomes a logged hazard (and a credit event).

    Idempotent: the same `idempotency_key` returns the inspection already recorded, so a phone on a
    flaky connection may resubmit safely.
    """
    if not may_inspect(acting_user):
        raise PermissionDenied
    key = (data.idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": _("The form is missing its submission key; reload the page.")})
    existing = Inspection.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_submitter(existing, acting_user)
    try:
        with transaction.atomic():
            return _record_inspection(premises, data, key, acting_user=acting_user, task=task, now=_now(now))
    except IntegrityError:
        existing = Inspection.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_submitter(existing, acting_user)


def _same_submitter(existing: Inspection, acting_user: Any) -> Inspection:
    if existing.inspector_id != acting_user.pk:
        raise ValidationError({"idempotency_key": _("This submission key belongs to another inspection.")})
    return existing


def _record_inspection(
    premises: Premises,
    data: InspectionInput,
    key: str,
    *,
    acting_user: Any,
    task: Task | None,
    now: datetime.datetime,
) -> Inspection:
    checklist = (
        Checklist.objects.filter(pk=data.checklist_id, premises_type=premises.kind).first()
        if data.checklist_id
        else Checklist.current(premises.kind)
    )
    if checklist is None:
        raise ValidationError(_("There is no checklist for this type of premises."))
    if task is not None and task.status != TaskStatus.OPEN:
        raise ForbiddenTransition(_("This task is already done."))
    errors, photos = _photo_errors(checklist, data)
    if data.acknowledgement not in Acknowledgement.values:
        errors["acknowledgement"] = [_("Record whether the occupant or owner acknowledged the result.")]
    elif data.acknowledgement == Acknowledgement.SIGNED and not data.acknowledged_by.strip():
        errors["acknowledged_by"] = [_("Enter the name of the person who acknowledged.")]
    if errors:
        raise ValidationError(errors, code=InspectionErrorCode.INCOMPLETE_CHECKLIST)
    department = department_of(acting_user)
    inspection = Inspection.objects.create(
        task=task,
        premises=premises,
        checklist=checklist,
        inspector=acting_user,
        department=department,
        division_id=premises.division_id,
        township_code=premises.division_id[:9],
        inspected_at=now,
        note=data.note.strip(),
        acknowledgement=data.acknowledgement,
        acknowledged_by=data.acknowledged_by.strip(),
        idempotency_key=key,
    )
    rollups.inspection_added(inspection)
    items = list(checklist.items.all())
    ItemResult.objects.bulk_create(
        [
            ItemResult(
                inspection=inspection,
                item=item,
                passed=bool(data.answers[item.code].passed),
                note=data.answers[item.code].note[:300],
            )
            for item in items
        ]
    )
    hazards = []
    for item in items:
        answer = data.answers[item.code]
        for photo in photos.get(item.code, []):
            _save_evidence(photo, kind=EvidenceKind.FINDING, inspection=inspection, item=item, user=acting_user)
        if answer.passed:
            continue
        hazard = Hazard.objects.create(
            inspection=inspection,
            item=item,
            premises=premises,
            owner_id=premises.owner_id,
            division_id=premises.division_id,
            township_code=premises.division_id[:9],
            severity=item.severity,
            note=answer.note[:300],
            found_at=now,
            responsible=acting_user,
            department=department,
        )
        rollups.hazard_added(hazard)
        Evidence.objects.filter(inspection=inspection, item=item).update(hazard=hazard)
        audit.record(
            "inspections.hazard_logged",
            actor=acting_user,
            obj=hazard,
            new={"status": hazard.status, "item": item.code, "premises": premises.pk},
        )
        credit = _credit_instruction(hazard)
        payload = _hazard_payload(hazard) | ({"credit": credit} if credit else {})
        event = events.emit(
            "inspections.hazard_confirmed",
            subject=_event_subject(hazard),
            division_code=hazard.division_id,
            payload=payload,
            occurred_at=now,
        )
        hazard.credit_event = event
        hazard.save(update_fields=["credit_event"])
        hazards.append(hazard)
    inspection.hazards_found = len(hazards)
    inspection.save(update_fields=["hazards_found"])
    if task is not None:
        task.status, task.done_at = TaskStatus.DONE, now
        task.save(update_fields=["status", "done_at"])
    audit.record(
        "inspections.inspection_submitted",
        actor=acting_user,
        obj=inspection,
        new={"checklist": checklist.pk, "hazards": len(hazards), "task": getattr(task, "pk", None)},
    )
    return inspection


def _save_evidence(
    photo: CheckedPhoto,
    *,
    kind: str,
    user: Any,
    inspection: Inspection | None = None,
    hazard: Hazard | None = None,
    item: ChecklistItem | None = None,
) -> Evidence:
    evidence = Evidence(
        inspection=inspection,
        hazard=hazard,
        item=item,
        kind=kind,
        content_type=photo.content_type,
        size=photo.size,
        sha256=photo.sha256,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    ext = photo.content_type.split("/")[-1].replace("jpeg", "jpg")
    evidence.image.save(f"{photo.sha256[:16]}.{ext}", photo.file, save=False)
    evidence.save()
    return evidence


# --- The hazard loop --------------------------------------------------------------------------------


def _transition(
    hazard: Hazard,
    new_status: str,
    *,
    acting_user: Any,
    action: str,
    fields: Iterable[str] = (),
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    old = hazard.status
    hazard.status = new_status
    rollups.save_hazard(hazard, ["status", *fields])
    audit.record(
        f"inspections.{action}",
        actor=acting_user,
        obj=hazard,
        old={"status": old},
        new={"status": new_status, **(extra or {})},
        note=note,
    )


def _refuse(hazard: Hazard, message: Any) -> None:
    raise ForbiddenTransition(
        _("{message} (hazard #{n} is “{status}”)").format(
            message=message, n=hazard.pk, status=hazard.get_status_display()
        )
    )


def _schedule_reinspection(hazard: Hazard, due: datetime.date, *, assignee: Any) -> Task:
    return Task.objects.create(
        premises_id=hazard.premises_id,
        kind=TaskKind.REINSPECTION,
        hazard=hazard,
        division_id=hazard.division_id,
        township_code=hazard.township_code,
        assigned_to=assignee if getattr(assignee, "pk", None) else None,
        due_on=due,
    )


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().select_related("premises", "item").get(pk=hazard.pk)


@transaction.atomic
def do_fix_on_spot(
    hazard: Hazard,
    *,
    after_photo: Any,
    note: str = "",
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Hazard:
    """Fixed in the inspector's presence: an after-photo is required; a re-inspection follows."""
    if not may_inspect(acting_user):
        raise PermissionDenied
    now = _now(now)
    hazard = _lock(hazard)
    if not hazard.can_fix_on_spot():
        _refuse(hazard, _("Only a newly logged hazard can be fixed on the spot."))
    if after_photo is None:
        raise ValidationError(
            {"after_photo": _("An after-photo is required to record a fix on the spot.")},
            code=InspectionErrorCode.PHOTO_REQUIRED,
        )
    photo = check_photo(after_photo, "after_photo")
    _save_evidence(photo, kind=EvidenceKind.AFTER, hazard=hazard, user=acting_user)
    hazard.fixed_at, hazard.fixed_on_time = now, True
    _transition(
        hazard,
        HazardStatus.FIXED_ON_SPOT,
        acting_user=acting_user,
        action="hazard_fixed_on_spot",
        fields=["fixed_at", "fixed_on_time"],
        note=note,
    )
    _schedule_reinspection(
        hazard,
        _today(now) + datetime.timedelta(days=reinspection_after_spot_fix_days()),
        assignee=hazard.responsible,
    )
    return hazard


def owner_language(hazard: Hazard) -> str:
    """The owner's preferred language (their account's), else English for foreigners, else Chinese."""
    if not hazard.owner_id:
        return "zh-hans"
    lang = User.objects.filter(person_id=hazard.owner_id).values_list("language", flat=True).first()
    if lang:
        return lang
    return "en" if hazard.owner and hazard.owner.is_foreign else "zh-hans"


def _issue_notice(hazard: Hazard, deadline: datetime.date, *, acting_user: Any, now: datetime.datetime) -> Notice:
    hazard.round += 1
    hazard.deadline = deadline
    notice = Notice.objects.create(
        hazard=hazard,
        number=f"AQ{timezone.localtime(now):%Y%m%d}-{hazard.pk}-{hazard.round}",
        round=hazard.round,
        issued_at=now,
        deadline=deadline,
        issued_by=acting_user,
        owner_language=owner_language(hazard),
    )
    return notice


@transaction.atomic
def do_issue_notice(
    hazard: Hazard,
    *,
    deadline: datetime.date | None = None,
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Notice:
    """Issue a rectification notice with a deadline (default: the item's rectification days)."""
    if not may_inspect(acting_user):
        raise PermissionDenied
    now = _now(now)
    hazard = _lock(hazard)
    if not hazard.can_issue_notice():
        _refuse(hazard, _("A notice is issued for a newly logged hazard only."))
    today = _today(now)
    deadline = deadline or today + datetime.timedelta(days=hazard.item.deadline_days)
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    notice = _issue_notice(hazard, deadline, acting_user=acting_user, now=now)
    _transition(
        hazard,
        HazardStatus.NOTICE_ISSUED,
        acting_user=acting_user,
        action="notice_issued",
        fields=["round", "deadline"],
        extra={"deadline": deadline, "notice": notice.number},
    )
    return notice


@transaction.atomic
def do_report_fix(
    hazard: Hazard,
    *,
    note: str = "",
    photo: Any = None,
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Task:
    """The owner (or an official for them) reports the fix; a re-inspection is scheduled automatically."""
    is_owner = getattr(acting_user, "role", None) == Role.LANDLORD and acting_user.person_id == hazard.owner_id
    if not (is_owner or may_inspect(acting_user)):
        raise PermissionDenied
    now = _now(now)
    hazard = _lock(hazard)
    if not hazard.can_report_fix():
        _refuse(hazard, _("A fix can be reported only while a rectification notice is open."))
    if photo is not None:
        _save_evidence(check_photo(photo, "photo"), kind=EvidenceKind.AFTER, hazard=hazard, user=acting_user)
    hazard.fixed_at = now
    hazard.fixed_on_time = hazard.deadline is None or _today(now) <= hazard.deadline
    _transition(
        hazard,
        HazardStatus.FIX_REPORTED,
        acting_user=acting_user,
        action="fix_reported",
        fields=["fixed_at", "fixed_on_time"],
        note=note,
        extra={"on_time": hazard.fixed_on_time},
    )
    return _schedule_reinspection(
        hazard,
        _today(now) + datetime.timedelta(days=reinspection_after_fix_days()),
        assignee=hazard.responsible,
    )


@transaction.atomic
def do_reinspect(
    hazard: Hazard,
    *,
    passed: bool,
    note: str = "",
    photo: Any = None,
    new_deadline: datetime.date | None = None,
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Reinspection:
    """Re-inspect after a fix: passed → closed; failed → a new notice with a new deadline."""
    if not may_inspect(acting_user):
        raise PermissionDenied
    now = _now(now)
    hazard = _lock(hazard)
    if not hazard.can_reinspect():
        _refuse(hazard, _("A re-inspection needs a fix first (fixed on the spot or reported by the owner)."))
    if photo is not None:
        _save_evidence(check_photo(photo, "photo"), kind=EvidenceKind.REINSPECTION, hazard=hazard, user=acting_user)
    task = hazard.reinspection_tasks.filter(status=TaskStatus.OPEN).order_by("id").first()
    reinspection = Reinspection.objects.create(
        hazard=hazard,
        task=task,
        inspector=acting_user,
        passed=passed,
        township_code=hazard.township_code,
        inspected_at=now,
        note=note[:300],
    )
    rollups.reinspection_added(reinspection)
    hazard.reinspection_tasks.filter(status=TaskStatus.OPEN).update(status=TaskStatus.DONE, done_at=now)
    if passed:
        _transition(
            hazard,
            HazardStatus.PASSED,
            acting_user=acting_user,
            action="reinspection_passed",
            note=note,
            extra={"reinspection": reinspection.pk},
        )
        _close(hazard, acting_user=acting_user, now=now)
        return reinspection
    today = _today(now)
    deadline = new_deadline or today + datetime.timedelta(days=hazard.item.deadline_days)
    if deadline < today:
        raise ValidationError({"new_deadline": _("The deadline cannot be in the past.")})
    notice = _issue_notice(hazard, deadline, acting_user=acting_user, now=now)
    hazard.fixed_at, hazard.fixed_on_time = None, False
    _transition(
        hazard,
        HazardStatus.NOTICE_ISSUED,
        acting_user=acting_user,
        action="reinspection_failed",
        fields=["round", "deadline", "fixed_at", "fixed_on_time"],
        note=note,
        extra={"reinspection": reinspection.pk, "deadline": deadline, "notice": notice.number},
    )
    return reinspection


def _close(hazard: Hazard, *, acting_user: Any, now: datetime.datetime) -> None:
    if not hazard.can_close() or not hazard.reinspections.filter(passed=True).exists():
        _refuse(hazard, _("A hazard closes only after a passed re-inspection."))
    hazard.closed_at = now
    _transition(hazard, HazardStatus.CLOSED, acting_user=acting_user, action="hazard_closed", fields=["closed_at"])
    events.emit(
        "inspections.hazard_closed",
        subject=_event_subject(hazard),
        division_code=hazard.division_id,
        payload=_hazard_payload(hazard) | {"closed_at": now.isoformat(), "reinspection_passed": True},
        occurred_at=now,
    )


@transaction.atomic
def do_close_hazard(hazard: Hazard, *, acting_user: Any, now: datetime.datetime | None = None) -> Hazard:
    """Close a hazard whose re-inspection passed (re-inspection closes it already; guards manual closing)."""
    if not may_inspect(acting_user):
        raise PermissionDenied
    hazard = _lock(hazard)
    _close(hazard, acting_user=acting_user, now=_now(now))
    return hazard


@transaction.atomic
def do_annul_hazard(hazard: Hazard, *, reason: str, acting_user: Any, now: datetime.datetime | None = None) -> Hazard:
    """Annul a hazard on appeal: its credit deduction is reversed by a compensating event."""
    if not may_manage(acting_user):
        raise PermissionDenied
    now = _now(now)
    hazard = _lock(hazard)
    if not hazard.can_annul():
        _refuse(hazard, _("This hazard is already annulled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for annulling the hazard.")})
    hazard.annul_reason = reason.strip()[:300]
    _transition(
        hazard,
        HazardStatus.ANNULLED,
        acting_user=acting_user,
        action="hazard_annulled",
        fields=["annul_reason"],
        note=hazard.annul_reason,
    )
    hazard.reinspection_tasks.filter(status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED, done_at=now)
    payload = _hazard_payload(hazard) | {"reason": hazard.annul_reason}
    if hazard.credit_event_id:
        payload["credit_reverse_event"] = hazard.credit_event_id
    events.emit(
        "inspections.hazard_annulled",
        subject=_event_subject(hazard),
        division_code=hazard.division_id,
        payload=payload,
        occurred_at=now,
    )
    return hazard


# --- Escalation ---------------------------------------------------------------------------------------


def _official_for(level: int, township_code: str) -> User | None:
    """The named official at an escalation level: the township safety office, then enforcement."""
    users = User.objects.filter(is_active=True).select_related("inspection_profile")
    if level == EscalationLevel.TOWNSHIP:
        candidates = users.filter(division_id=township_code, role__in=[Role.INSPECTOR, Role.CITY_ADMIN])
        preferred = candidates.filter(inspection_profile__department=Department.SAFETY)
    else:
        candidates = users.filter(
            division_id__in=[township_code, township_code[:6]], role__in=[Role.INSPECTOR, Role.CITY_ADMIN]
        )
        preferred = candidates.filter(inspection_profile__department=Department.ENFORCEMENT)
    return preferred.order_by("-division_id", "id").first() or candidates.order_by("-division_id", "id").first()


def escalate_overdue(now: datetime.datetime | None = None, *, acting_user: Any = None) -> int:
    """Escalate overdue hazards one level: grid → township (at the deadline), township → enforcement
    (after `enforcement_after_days`). Returns how many moved. Run daily (`manage.py escalate_overdue`)."""
    now = _now(now)
    today = _today(now)
    moved = 0
    to_township = Hazard.objects.overdue(today).filter(escalation_level=EscalationLevel.GRID)
    to_enforcement = Hazard.objects.overdue(today).filter(
        escalation_level=EscalationLevel.TOWNSHIP,
        escalated_at__lte=now - datetime.timedelta(days=enforcement_after_days()),
    )
    for level, qs in ((EscalationLevel.TOWNSHIP, to_township), (EscalationLevel.ENFORCEMENT, to_enforcement)):
        officials: dict[str, User | None] = {}
        for pk in list(qs.values_list("pk", flat=True)):
            with transaction.atomic():
                hazard = Hazard.objects.select_for_update().get(pk=pk)
                if hazard.escalation_level >= level:
                    continue
                if hazard.township_code not in officials:
                    officials[hazard.township_code] = _official_for(level, hazard.township_code)
                official = officials[hazard.township_code]
                old = {"level": hazard.escalation_level, "responsible": hazard.responsible_id}
                hazard.escalation_level, hazard.escalated_at = level, now
                if official is not None:
                    hazard.responsible = official
                    hazard.department = (
                        department_of(official)
                        if level == EscalationLevel.TOWNSHIP
                        else (
                            getattr(getattr(official, "inspection_profile", None), "department", "")
                            or Department.ENFORCEMENT
                        )
                    )
                rollups.save_hazard(hazard, ["escalation_level", "escalated_at", "responsible", "department"])
                audit.record(
                    "inspections.hazard_escalated",
                    actor=acting_user,
                    obj=hazard,
                    old=old,
                    new={"level": level, "responsible": hazard.responsible_id},
                    actor_label="" if acting_user else "system:escalation",
                )
                moved += 1
    return moved


# --- Public reports (Open311 leads) -------------------------------------------------------------------


def locate(latitude: Any, longitude: Any, address: str) -> Division | None:
    """The grid unit of a report: the nearest premises or building with coordinates, else an address match."""
    from decimal import Decimal

    from civitas.places.models import Building

    if latitude is not None and longitude is not None:
        for box in (Decimal("0.002"), Decimal("0.01")):
            near = Building.objects.filter(
                latitude__range=(latitude - box, latitude + box),
                longitude__range=(longitude - box, longitude + box),
            ).select_related("division")[:50]
            best = min(
                near,
                key=lambda b: (b.latitude - latitude) ** 2 + (b.longitude - longitude) ** 2,
                default=None,
            )
            if best is not None:
                return best.division
    if address.strip():
        building = Building.objects.filter(address__icontains=address.strip()[:60]).select_related("division").first()
        if building is not None:
            return building.division
    return None


@transaction.atomic
def do_submit_report(
    *,
    service: ReportService,
    latitude: Any = None,
    longitude: Any = None,
    address_string: str = "",
    description: str = "",
    media_url: str = "",
    photo: Any = None,
    contact: str = "",
    now: datetime.datetime | None = None,
) -> Lead:
    """A citizen's hazard report. Location is required (coordinates or an address)."""
    from civitas.privacy.crypto import encrypt

    now = _now(now)
    if (latitude is None or longitude is None) and not address_string.strip():
        raise ValidationError({"location": _("A location is required: lat and long, or address_string.")})
    if photo is not None:
        check_photo(photo, "media")
    lead = Lead(
        service=service,
        latitude=latitude,
        longitude=longitude,
        address_string=address_string.strip()[:200],
        description=description.strip(),
        media_url=media_url.strip()[:200],
        requested_at=now,
        updated_at=now,
        division=locate(latitude, longitude, address_string),
        contact_enc=encrypt(contact, context="inspections.lead") if contact else "",
    )
    if photo is not None:
        lead.photo.save(f"lead-{now:%Y%m%d%H%M%S}.jpg", photo, save=False)
    lead.save()
    audit.record(
        "inspections.report_received",
        obj=lead,
        actor_label="open311",
        new={"service": service.code, "division": lead.division_id},
    )
    return lead


@transaction.atomic
def do_task_from_lead(
    lead: Lead,
    *,
    premises: Premises,
    assignee: Any = None,
    acting_user: Any,
    now: datetime.datetime | None = None,
) -> Task:
    if not may_manage(acting_user):
        raise PermissionDenied
    now = _now(now)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.NEW:
        raise ForbiddenTransition(_("This report has already been handled."))
    task = Task.objects.create(
        premises=premises,
        kind=TaskKind.LEAD,
        lead=lead,
        division_id=premises.division_id,
        township_code=premises.division_id[:9],
        assigned_to=assignee,
        due_on=_today(now) + datetime.timedelta(days=3),
    )
    lead.status, lead.handled_by, lead.updated_at = LeadStatus.TASKED, acting_user, now
    lead.status_notes = str(_("An inspection has been scheduled."))
    if lead.division_id is None:
        lead.division_id = premises.division_id
    lead.save(update_fields=["status", "handled_by", "updated_at", "status_notes", "division"])
    audit.record("inspections.report_tasked", actor=acting_user, obj=lead, new={"task": task.pk})
    return task


@transaction.atomic
def do_dismiss_lead(lead: Lead, *, reason: str, acting_user: Any, now: datetime.datetime | None = None) -> Lead:
    if not may_manage(acting_user):
        raise PermissionDenied
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.NEW:
        raise ForbiddenTransition(_("This report has already been handled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for dismissing the report.")})
    lead.status, lead.handled_by, lead.updated_at = LeadStatus.DISMISSED, acting_user, _now(now)
    lead.status_notes = reason.strip()[:300]
    lead.save(update_fields=["status", "handled_by", "updated_at", "status_notes"])
    audit.record("inspections.report_dismissed", actor=acting_user, obj=lead, note=lead.status_notes)
    return lead
