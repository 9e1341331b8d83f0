"""State changes of the services app. Each validates, writes, audits and publishes in one transaction."""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, events
from civitas.people.models import Person
from civitas.services import clock, credentials
from civitas.services.cardstatus import CardSnapshot, card_status, check_and_log, fused_check_available, log_scan
from civitas.services.choices import (
    SCENARIO_DISCLOSES,
    ApplicationStatus,
    AppointmentStatus,
    CardStatus,
    ReminderKind,
    VerificationResult,
)
from civitas.services.holidays import load_calendar
from civitas.services.models import (
    Application,
    ApplicationDocument,
    ApplicationStep,
    Appointment,
    ClockStop,
    MerchantCard,
    Partner,
    QueueCounter,
    Reminder,
    ResidentProfile,
    Service,
    ServicePoint,
    Slot,
    Volunteer,
)
from civitas.services.signing import public_keys
from civitas.services.texts import current_lang
from civitas.services.uploads import CONTENT_TYPES, check_upload

log = logging.getLogger("civitas.services")
CARD_VALIDITY_DAYS = 365
MERCHANT_CARD_SERVICE = "merchant-card"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _division_of(person: Person) -> str:
    return person.division_id or settings.DIVISION_ROOT_CODE


def _error(message: Any, code: str, field_name: str = "__all__") -> ValidationError:
    return ValidationError({field_name: [ValidationError(message, code=code)]})


def _reference(prefix: str, model: Any, moment: datetime.datetime) -> str:
    for _attempt in range(10):
        ref = f"{prefix}{_local_date(moment):%y%m}{secrets.token_hex(3).upper()}"
        if not model.objects.filter(**{("number" if model is MerchantCard else "reference"): ref}).exists():
            return ref
    raise RuntimeError("could not draw a unique reference")


# --- Resident profiles ----------------------------------------------------------------------------


@transaction.atomic
def do_update_profile(
    person: Person,
    *,
    acting_user: Any,
    language: str | None = None,
    visa_expiry: datetime.date | None = None,
    residence_permit_expiry: datetime.date | None = None,
    moved_at: datetime.datetime | None = None,
) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(person=person)
    old = {
        "language": profile.language,
        "visa_expiry": profile.visa_expiry,
        "residence_permit_expiry": profile.residence_permit_expiry,
        "moved_at": profile.moved_at,
    }
    changed = []
    for name, value in (
        ("language", language),
        ("visa_expiry", visa_expiry),
        ("residence_permit_expiry", residence_permit_expiry),
        ("moved_at", moved_at),
    ):
        if value is not None and getattr(profile, name) != value:
            setattr(profile, name, value)
            changed.append(name)
    if changed:
        profile.save(update_fields=changed)
        audit.record(
            "services.profile_update",
            actor=acting_user,
            obj=profile,
            object_type="services.residentprofile",
            division_code=_division_of(person),
            old={k: old[k] for k in changed},
            new={k: getattr(profile, k) for k in changed},
        )
    return profile


def on_declaration_verified(event: Any) -> None:
    """residence.declaration_verified for a foreigner: the accommodation registration is done."""
    payload = event.payload or {}
    if not payload.get("foreign") or not payload.get("person_id"):
        return
    person = Person.objects.filter(pk=payload["person_id"]).first()
    if person is None:
        return
    profile, _ = ResidentProfile.objects.get_or_create(person=person)
    if profile.accommodation_registered_at is None or profile.accommodation_registered_at < event.occurred_at:
        profile.accommodation_registered_at = event.occurred_at
        profile.save(update_fields=["accommodation_registered_at"])


# --- Online applications --------------------------------------------------------------------------


def _stops(app: Application) -> list[clock.Stop]:
    return [clock.Stop(s.started_on, s.ended_on) for s in app.stops.all()]


def application_clock(
    app: Application, today: datetime.date | None = None, calendar: clock.Calendar | None = None
) -> clock.ClockState:
    today = today or timezone.localdate()
    end = _local_date(app.decided_at) if app.decided_at else today
    return clock.clock_state(
        app.submitted_on, app.service.time_limit_days, end, calendar or load_calendar(), _stops(app)
    )


def _step(app: Application, moment: datetime.datetime, note: str = "") -> None:
    ApplicationStep.objects.create(application=app, status=app.status, at=moment, note=note)


def _save_documents(app: Application, uploads: list[tuple[str, Any]]) -> None:
    specs = {s["code"]: s for s in app.service.upload_specs}
    for code, upload in uploads:
        spec = specs.get(code)
        if spec is None:
            raise _error(_("This service does not ask for that document."), "unknown_document", code)
        try:
            kind = check_upload(upload, spec)
        except ValidationError as exc:
            raise ValidationError({code: exc.error_list})
        ApplicationDocument.objects.create(
            application=app,
            code=code,
            file=upload,
            original_name=str(getattr(upload, "name", code))[:200],
            content_type=CONTENT_TYPES[kind],
            size=upload.size,
        )


@transaction.atomic
def do_submit_application(
    service: Service,
    person: Person,
    answers: dict[str, Any],
    uploads: list[tuple[str, Any]],
    *,
    acting_user: Any,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """A resident's online application; the legal clock starts the next working day."""
    if not service.is_online or not service.active:
        raise _error(_("This service cannot be applied for online."), "not_online")
    if not person.is_foreign:
        raise _error(_("Online applications here are for foreign residents."), "not_foreign")
    missing = [s["code"] for s in service.upload_specs if s.get("required") and s["code"] not in dict(uploads)]
    if missing:
        raise ValidationError(
            {code: [ValidationError(_("This document is required."), code="required")] for code in missing}
        )
    moment = _now(now)
    lang = language or current_lang()
    app = Application.objects.create(
        reference=_reference("YJ", Application, moment),
        service=service,
        person=person,
        division_code=_division_of(person),
        language=lang,
        answers=answers,
        submitted_at=moment,
        submitted_on=_local_date(moment),
    )
    app.due_on = clock.add_working_days(app.submitted_on, service.time_limit_days, load_calendar())
    app.save(update_fields=["due_on"])
    _save_documents(app, uploads)
    _step(app, moment)
    ResidentProfile.objects.get_or_create(person=person, defaults={"language": lang})
    if service.code == MERCHANT_CARD_SERVICE:
        do_apply_card(person, acting_user=acting_user, now=moment)
    audit.record(
        "services.application_submit",
        actor=acting_user,
        obj=app,
        new={"service": service.code, "reference": app.reference, "due_on": app.due_on},
    )
    events.emit(
        "services.application_submitted",
        subject=("person", person.pk),
        division_code=app.division_code,
        payload={"application_id": app.pk, "service": service.code, "person_id": person.pk},
    )
    return app


def _locked(app: Application) -> Application:
    return Application.objects.select_for_update().select_related("service").get(pk=app.pk)


def _require(app: Application, allowed: tuple[str, ...]) -> None:
    if app.status not in allowed:
        raise _error(
            _("This application is {status}; that step is not possible now.").format(status=app.get_status_display()),
            "wrong_status",
        )


@transaction.atomic
def do_accept_application(app: Application, *, acting_user: Any, now: datetime.datetime | None = None) -> Application:
    app = _locked(app)
    _require(app, (ApplicationStatus.SUBMITTED,))
    moment = _now(now)
    app.status = ApplicationStatus.ACCEPTED
    app.save(update_fields=["status"])
    _step(app, moment)
    audit.record(
        "services.application_accept",
        actor=acting_user,
        obj=app,
        old={"status": "submitted"},
        new={"status": app.status},
    )
    return app


@transaction.atomic
def do_request_documents(
    app: Application, note: str, *, acting_user: Any, now: datetime.datetime | None = None
) -> Application:
    """Ask the applicant for more; the legal clock stops until they answer."""
    app = _locked(app)
    _require(app, (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED))
    if not note.strip():
        raise _error(_("Say which documents are missing."), "note_required", "note")
    moment = _now(now)
    old = app.status
    app.status = ApplicationStatus.MORE_DOCUMENTS
    app.due_on = None
    app.save(update_fields=["status", "due_on"])
    ClockStop.objects.create(application=app, started_on=_local_date(moment), reason=note.strip())
    _step(app, moment, note.strip())
    audit.record(
        "services.application_request_documents",
        actor=acting_user,
        obj=app,
        old={"status": old},
        new={"status": app.status},
        note=note.strip(),
    )
    return app


@transaction.atomic
def do_provide_documents(
    app: Application,
    uploads: list[tuple[str, Any]],
    *,
    acting_user: Any,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Application:
    """The applicant answers a request: the clock runs again."""
    app = _locked(app)
    _require(app, (ApplicationStatus.MORE_DOCUMENTS,))
    if not uploads:
        raise _error(_("Upload at least one document."), "no_documents")
    moment = _now(now)
    _save_documents(app, uploads)
    ClockStop.objects.filter(application=app, ended_on__isnull=True).update(ended_on=_local_date(moment))
    app.status = ApplicationStatus.ACCEPTED
    app.due_on = clock.add_working_days(app.submitted_on, app.service.time_limit_days, load_calendar(), _stops(app))
    app.save(update_fields=["status", "due_on"])
    _step(app, moment, note.strip())
    audit.record(
        "services.application_documents_provided",
        actor=acting_user,
        obj=app,
        old={"status": "more_documents"},
        new={"status": app.status, "due_on": app.due_on},
    )
    return app


@transaction.atomic
def do_decide_application(
    app: Application, *, approve: bool, note: str, acting_user: Any, now: datetime.datetime | None = None
) -> Application:
    app = _locked(app)
    _require(app, (ApplicationStatus.ACCEPTED,))
    if not approve and not note.strip():
        raise _error(_("Give the reason for a refusal."), "note_required", "note")
    moment = _now(now)
    app.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    app.decided_at = moment
    app.decision_note = note.strip()
    app.processing_days = clock.working_days_between(
        app.submitted_on, _local_date(moment), load_calendar(), _stops(app)
    )
    app.due_on = None
    app.save(update_fields=["status", "decided_at", "decision_note", "processing_days", "due_on"])
    _step(app, moment, app.decision_note)
    if app.service.code == MERCHANT_CARD_SERVICE:
        card = MerchantCard.objects.filter(person=app.person, status=CardStatus.APPLIED).first()
        if card is not None:
            if approve:
                do_issue_card(card, acting_user=acting_user, now=moment)
            else:
                do_refuse_card(card, note=app.decision_note, acting_user=acting_user)
    audit.record(
        "services.application_decide",
        actor=acting_user,
        obj=app,
        old={"status": "accepted"},
        new={"status": app.status, "processing_days": app.processing_days},
        note=app.decision_note[:300],
    )
    events.emit(
        "services.application_decided",
        subject=("person", app.person_id),
        division_code=app.division_code,
        payload={
            "application_id": app.pk,
            "service": app.service.code,
            "person_id": app.person_id,
            "approved": approve,
            "processing_days": app.processing_days,
        },
    )
    return app


# --- 1+N network: appointments -------------------------------------------------------------------


@transaction.atomic
def do_book_appointment(
    slot_id: int,
    person: Person,
    *,
    acting_user: Any,
    service: Service | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book a place in a slot. The slot row is locked, so concurrent bookings never exceed capacity."""
    slot = Slot.objects.select_for_update().select_related("point").get(pk=slot_id)
    if slot.starts_at <= _now(now):
        raise _error(_("This time has already passed. Choose a later time."), "slot_past", "slot")
    if Appointment.objects.filter(slot=slot, person=person).exclude(status=AppointmentStatus.CANCELLED).exists():
        raise _error(_("You have already booked this time."), "double_booking", "slot")
    if slot.booked >= slot.capacity:
        raise _error(_("This time is fully booked. Please choose another time."), "slot_full", "slot")
    slot.booked += 1
    slot.save(update_fields=["booked"])
    try:
        with transaction.atomic():
            appt = Appointment.objects.create(
                reference=_reference("BK", Appointment, _now(now)), slot=slot, person=person, service=service
            )
    except IntegrityError:
        raise _error(_("You have already booked this time."), "double_booking", "slot")
    audit.record(
        "services.appointment_book",
        actor=acting_user,
        obj=appt,
        division_code=slot.point.division_code,
        new={"slot": slot.pk, "point": slot.point.code, "person": person.pk},
    )
    return appt


@transaction.atomic
def do_cancel_appointment(appt: Appointment, *, acting_user: Any) -> Appointment:
    appt = Appointment.objects.select_for_update().get(pk=appt.pk)
    if appt.status != AppointmentStatus.BOOKED:
        raise _error(_("Only a booked appointment can be cancelled."), "wrong_status")
    slot = Slot.objects.select_for_update().get(pk=appt.slot_id)
    slot.booked = max(0, slot.booked - 1)
    slot.save(update_fields=["booked"])
    appt.status = AppointmentStatus.CANCELLED
    appt.save(update_fields=["status"])
    audit.record(
        "services.appointment_cancel",
        actor=acting_user,
        obj=appt,
        old={"status": "booked"},
        new={"status": appt.status},
    )
    return appt


@transaction.atomic
def do_check_in(appt: Appointment, *, acting_user: Any, now: datetime.datetime | None = None) -> Appointment:
    """The resident arrives: the next queue number of the point for the day."""
    appt = Appointment.objects.select_for_update().select_related("slot__point").get(pk=appt.pk)
    if appt.status == AppointmentStatus.ARRIVED:
        return appt
    if appt.status != AppointmentStatus.BOOKED:
        raise _error(_("This appointment was cancelled."), "wrong_status")
    moment = _now(now)
    point = appt.slot.point
    day = _local_date(moment)
    QueueCounter.objects.get_or_create(point=point, day=day)
    counter = QueueCounter.objects.select_for_update().get(point=point, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    appt.status, appt.queue_number, appt.arrived_at = AppointmentStatus.ARRIVED, counter.last, moment
    appt.save(update_fields=["status", "queue_number", "arrived_at"])
    audit.record(
        "services.appointment_check_in",
        actor=acting_user,
        obj=appt,
        division_code=point.division_code,
        new={"queue_number": appt.queue_number},
    )
    return appt


@transaction.atomic
def do_open_slots(
    point: ServicePoint,
    day: datetime.date,
    *,
    acting_user: Any,
    start_hour: int = 9,
    end_hour: int = 16,
    minutes: int = 30,
    capacity: int = 4,
) -> int:
    """Open bookable slots for a day (idempotent: existing slots are kept)."""
    tz = timezone.get_current_timezone()
    created = 0
    moment = datetime.datetime.combine(day, datetime.time(start_hour), tzinfo=tz)
    end = datetime.datetime.combine(day, datetime.time(end_hour), tzinfo=tz)
    while moment < end:
        _, made = Slot.objects.get_or_create(
            point=point, starts_at=moment, defaults={"minutes": minutes, "capacity": capacity}
        )
        created += made
        moment += datetime.timedelta(minutes=minutes)
    if created:
        audit.record(
            "services.slots_open",
            actor=acting_user,
            obj=point,
            object_type="services.servicepoint",
            division_code=point.division_code,
            new={"day": day, "slots": created},
        )
    return created


# --- Merchant cards -------------------------------------------------------------------------------


def _card_expiry(person: Person, start: datetime.date) -> datetime.date:
    expiry = start + datetime.timedelta(days=CARD_VALIDITY_DAYS)
    profile = ResidentProfile.objects.filter(person=person).first()
    cap = profile and (profile.residence_permit_expiry or profile.visa_expiry)
    if cap and cap > start:
        expiry = min(expiry, cap)
    return expiry


def _lock_card(card: MerchantCard) -> MerchantCard:
    return MerchantCard.objects.select_for_update().select_related("person").get(pk=card.pk)


def _require_card(card: MerchantCard, allowed: tuple[str, ...]) -> None:
    if card.status not in allowed:
        raise _error(
            _("This card is {status}; that step is not possible now.").format(status=card.get_status_display()),
            "wrong_status",
        )


@transaction.atomic
def do_apply_card(person: Person, *, acting_user: Any, now: datetime.datetime | None = None) -> MerchantCard:
    if not person.is_foreign:
        raise _error(_("The merchant card is for foreign residents."), "not_foreign")
    existing = MerchantCard.objects.filter(person=person, status__in=["applied", "active", "suspended"]).first()
    if existing is not None:
        return existing
    moment = _now(now)
    card = MerchantCard.objects.create(
        number=_reference("SYK", MerchantCard, moment),
        person=person,
        division_code=_division_of(person),
        applied_at=moment,
    )
    audit.record("services.card_apply", actor=acting_user, obj=card, new={"number": card.number})
    return card


@transaction.atomic
def do_issue_card(card: MerchantCard, *, acting_user: Any, now: datetime.datetime | None = None) -> MerchantCard:
    card = _lock_card(card)
    _require_card(card, (CardStatus.APPLIED,))
    moment = _now(now)
    card.status, card.issued_at, card.serial = CardStatus.ACTIVE, moment, card.serial + 1
    card.expires_on = _card_expiry(card.person, _local_date(moment))
    card.save(update_fields=["status", "issued_at", "serial", "expires_on"])
    audit.record(
        "services.card_issue",
        actor=acting_user,
        obj=card,
        old={"status": "applied"},
        new={"status": card.status, "expires_on": card.expires_on},
    )
    events.emit(
        "services.card_issued",
        subject=("person", card.person_id),
        division_code=card.division_code,
        payload={"card_id": card.pk, "person_id": card.person_id, "expires_on": card.expires_on.isoformat()},
    )
    return card


@transaction.atomic
def do_refuse_card(card: MerchantCard, *, note: str, acting_user: Any) -> MerchantCard:
    card = _lock_card(card)
    _require_card(card, (CardStatus.APPLIED,))
    card.status, card.status_note = CardStatus.REFUSED, note[:200]
    card.save(update_fields=["status", "status_note"])
    audit.record(
        "services.card_refuse",
        actor=acting_user,
        obj=card,
        old={"status": "applied"},
        new={"status": card.status},
        note=note[:300],
    )
    return card


@transaction.atomic
def do_renew_card(card: MerchantCard, *, acting_user: Any, now: datetime.datetime | None = None) -> MerchantCard:
    """A new validity period and a new credential serial: QR codes issued before stop working."""
    card = _lock_card(card)
    _require_card(card, (CardStatus.ACTIVE,))
    moment = _now(now)
    old = {"expires_on": card.expires_on, "serial": card.serial}
    start = max(_local_date(moment), card.expires_on or _local_date(moment))
    card.expires_on, card.serial, card.issued_at = _card_expiry(card.person, start), card.serial + 1, moment
    card.save(update_fields=["expires_on", "serial", "issued_at"])
    audit.record(
        "services.card_renew",
        actor=acting_user,
        obj=card,
        old=old,
        new={"expires_on": card.expires_on, "serial": card.serial},
    )
    return card


def _set_card_status(
    card: MerchantCard, status: str, allowed: tuple[str, ...], action: str, note: str, acting_user: Any, event: str
) -> MerchantCard:
    card = _lock_card(card)
    _require_card(card, allowed)
    old = card.status
    card.status, card.status_note = status, note[:200]
    card.save(update_fields=["status", "status_note"])
    audit.record(action, actor=acting_user, obj=card, old={"status": old}, new={"status": status}, note=note[:300])
    events.emit(
        event,
        subject=("person", card.person_id),
        division_code=card.division_code,
        payload={"card_id": card.pk, "person_id": card.person_id},
    )
    return card


@transaction.atomic
def do_suspend_card(card: MerchantCard, *, note: str, acting_user: Any) -> MerchantCard:
    if not note.strip():
        raise _error(_("Give the reason."), "note_required", "note")
    return _set_card_status(
        card,
        CardStatus.SUSPENDED,
        (CardStatus.ACTIVE,),
        "services.card_suspend",
        note,
        acting_user,
        "services.card_suspended",
    )


@transaction.atomic
def do_reinstate_card(card: MerchantCard, *, acting_user: Any) -> MerchantCard:
    return _set_card_status(
        card,
        CardStatus.ACTIVE,
        (CardStatus.SUSPENDED,),
        "services.card_reinstate",
        "",
        acting_user,
        "services.card_reinstated",
    )


@transaction.atomic
def do_revoke_card(card: MerchantCard, *, note: str, acting_user: Any) -> MerchantCard:
    if not note.strip():
        raise _error(_("Give the reason."), "note_required", "note")
    return _set_card_status(
        card,
        CardStatus.REVOKED,
        (CardStatus.ACTIVE, CardStatus.SUSPENDED),
        "services.card_revoke",
        note,
        acting_user,
        "services.card_revoked",
    )


# --- Card verification by partners ----------------------------------------------------------------


@dataclass
class VerificationOutcome:
    result: str
    scenario: str
    card: CardSnapshot | None = None
    disclosed: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.result == VerificationResult.VALID

    def message(self) -> Any:
        return RESULT_MESSAGES[self.result]


RESULT_MESSAGES: dict[str, Any] = {
    VerificationResult.VALID: _("Valid merchant card."),
    VerificationResult.EXPIRED: _("This card has expired. The holder should renew it."),
    VerificationResult.REVOKED: _("This card has been revoked and is not valid."),
    VerificationResult.SUSPENDED: _("This card is suspended and is not valid at the moment."),
    VerificationResult.FORGED: _("This code was not issued by the city: the card is forged or altered."),
    VerificationResult.MALFORMED: _("This is not a merchant card code. Scan the QR code on the card."),
    VerificationResult.SUPERSEDED: _("This code was replaced by a newer one. Ask the holder to open the card again."),
    VerificationResult.NOT_ALLOWED: _("Your organisation is not registered to check cards for this purpose."),
}
_FAILURES = {
    credentials.Failure.MALFORMED: VerificationResult.MALFORMED,
    credentials.Failure.BAD_SIGNATURE: VerificationResult.FORGED,
    credentials.Failure.UNKNOWN_KEY: VerificationResult.FORGED,
    credentials.Failure.EXPIRED: VerificationResult.EXPIRED,
}

# The market grade shown to a seller may be this many seconds old (per worker process): a grade moves
# with credit-ledger entries, which are not instantaneous facts anyway, while a stall scans the same buyer
# several times in a row. Card status is never cached (see cardstatus.py).
CREDIT_GRADE_SECONDS = 30.0
_CREDIT_GRADE_MAX = 10_000
_grade_cache: dict[int, tuple[float, dict[str, Any] | None]] = {}


def forget_credit_grades(**kwargs: Any) -> None:
    _grade_cache.clear()


def credit_grade(person_id: int) -> dict[str, Any] | None:
    """The holder's market credit grade from the credit app, None when there is no file (or no app yet)."""
    hit = _grade_cache.get(person_id)
    clock = time.monotonic()
    if hit is not None and hit[0] > clock:
        return hit[1]
    try:
        from civitas.credit.queries import merchant_grade
    except ImportError:
        return None
    try:
        grade = merchant_grade(person_id)
    except Exception:  # a failing credit query must not make a card unverifiable (and is not cached)
        log.exception("merchant_grade failed for person %s", person_id)
        return None
    if len(_grade_cache) >= _CREDIT_GRADE_MAX:
        _grade_cache.clear()
    _grade_cache[person_id] = (clock + CREDIT_GRADE_SECONDS, grade)
    return grade


def _disclose(card: CardSnapshot, scenario: str, *, credit_file: bool | None = None) -> dict[str, Any]:
    """What the scenario may see of the card; `credit_file` False (known from the scan's own statement)
    spares the credit app a question whose answer is "no file"."""
    out: dict[str, Any] = {}
    wanted = SCENARIO_DISCLOSES.get(scenario, ())
    if "holder" in wanted:
        out["holder"] = card.holder()
    if "nationality" in wanted:
        out["nationality"] = card.nationality
    if "document" in wanted:
        out["document"] = card.doc_masked
    if "credit" in wanted:
        out["credit"] = None if credit_file is False else credit_grade(card.person_id)
    if wanted:
        out["expires_on"] = card.expires_on
    return out


def do_verify_card(
    token: str, *, partner: Partner, scenario: str, acting_user: Any, today: datetime.date | None = None
) -> VerificationOutcome:
    """Offline check (signature, expiry), then the live status; every scan goes into the holder's log.

    Not wrapped in the audit chain on purpose: scans are frequent, and CardVerification is their log.
    On PostgreSQL a genuine scan by an allowed partner is one statement (status read, judged and logged);
    otherwise two: the card's live status and the log row (cardstatus.py). Nothing about the card is cached.
    """
    today = today or timezone.localdate()
    token = credentials.token_from_scan(token)
    outcome = VerificationOutcome(result=VerificationResult.VALID, scenario=scenario)
    by_id = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
    claims: credentials.CardClaims | None
    try:
        claims = credentials.verify_offline(token, public_keys(), today)
    except credentials.CredentialError as exc:
        outcome.result = _FAILURES[exc.failure]
        claims = exc.claims
    if claims is not None and outcome.valid and partner.allows(scenario) and fused_check_available():
        checked = check_and_log(
            claims.card_number,
            serial=claims.serial,
            today=today,
            partner_id=partner.pk,
            scenario=scenario,
            by_id=by_id,
            credit_file="credit" in SCENARIO_DISCLOSES.get(scenario, ()),
        )
        if checked is not None:
            outcome.card, outcome.result, credit_file = checked
            if outcome.valid:
                outcome.disclosed = _disclose(outcome.card, scenario, credit_file=credit_file)
            return outcome
    if claims is not None:
        outcome.card = card_status(claims.card_number)
        if outcome.card is None:
            outcome.result = VerificationResult.FORGED
    if not partner.allows(scenario):
        outcome.result = VerificationResult.NOT_ALLOWED
    elif outcome.result == VerificationResult.VALID and outcome.card is not None:
        card = outcome.card
        if card.status == CardStatus.SUSPENDED:
            outcome.result = VerificationResult.SUSPENDED
        elif card.status != CardStatus.ACTIVE:
            outcome.result = VerificationResult.REVOKED
        elif claims is not None and claims.serial != card.serial:
            outcome.result = VerificationResult.SUPERSEDED
        elif card.is_expired(today):
            outcome.result = VerificationResult.EXPIRED
        else:
            outcome.disclosed = _disclose(card, scenario)
    log_scan(
        card_id=outcome.card.pk if outcome.card is not None else None,
        partner_id=partner.pk,
        scenario=scenario,
        result=outcome.result,
        by_id=by_id,
    )
    return outcome


# --- Partners and volunteers ----------------------------------------------------------------------


@transaction.atomic
def do_register_partner(
    name: str, kind: str, scenarios: list[str], *, acting_user: Any, accounts: Sequence[Any] = ()
) -> Partner:
    from civitas.services.choices import Scenario

    unknown = [s for s in scenarios if s not in Scenario.values]
    if unknown:
        raise _error(_("Unknown scenario: {codes}.").format(codes=", ".join(unknown)), "unknown_scenario", "scenarios")
    partner = Partner.objects.create(name=name, kind=kind, scenarios=list(scenarios))
    if accounts:
        partner.accounts.set(accounts)
    audit.record(
        "services.partner_register",
        actor=acting_user,
        obj=partner,
        new={"name": name, "kind": kind, "scenarios": scenarios},
    )
    return partner


@transaction.atomic
def do_register_volunteer(
    person: Person, *, kind: str, languages: list[str], acting_user: Any, point: ServicePoint | None = None
) -> Volunteer:
    if not languages:
        raise _error(_("List the languages the volunteer speaks."), "languages_required", "languages")
    vol, created = Volunteer.objects.update_or_create(
        person=person,
        kind=kind,
        defaults={"languages": languages, "country": person.nationality, "point": point, "active": True},
    )
    audit.record(
        "services.volunteer_register",
        actor=acting_user,
        obj=vol,
        division_code=point.division_code if point else "",
        new={"kind": kind, "languages": languages, "created": created},
    )
    return vol


# --- Reminders ------------------------------------------------------------------------------------

# Days before the act-by date that a reminder is generated, and the act-by date's offset from expiry.
REMINDER_RULES: dict[str, tuple[int, int]] = {
    ReminderKind.VISA: (7, 7),  # extend >= 7 days before the stay ends; remind 7 days earlier
    ReminderKind.RESIDENCE_PERMIT: (30, 14),  # extend >= 30 days before expiry; remind 14 days earlier
    ReminderKind.CARD_RENEWAL: (0, 30),  # renew by the expiry date; remind 30 days earlier
}
REMINDER_TEXTS: dict[str, Any] = {
    ReminderKind.VISA: _(
        "Your permitted stay ends on {expiry}. Apply for an extension by {act_by} " "(at least 7 days before)."
    ),
    ReminderKind.RESIDENCE_PERMIT: _(
        "Your residence permit expires on {expiry}. Apply to extend it by {act_by} " "(at least 30 days before)."
    ),
    ReminderKind.ACCOMMODATION: _(
        "You moved on {expiry}. Register your new address with the police by {act_by} " "(within 24 hours)."
    ),
    ReminderKind.CARD_RENEWAL: _("Your merchant card {number} is valid until {expiry}. Renew it by {act_by}."),
}


def _due_reminders(today: datetime.date) -> list[tuple[Any, ...]]:
    """(person id, kind, subject date, act-by date, language, card number) of every reminder due today."""
    out: list[tuple[Any, ...]] = []
    horizon = today + datetime.timedelta(days=60)
    profiles = ResidentProfile.objects.all()
    for p in profiles.filter(visa_expiry__gte=today, visa_expiry__lte=horizon).values_list(
        "person_id", "visa_expiry", "language"
    ):
        out.append((p[0], ReminderKind.VISA, p[1], p[2]))
    for p in profiles.filter(residence_permit_expiry__gte=today, residence_permit_expiry__lte=horizon).values_list(
        "person_id", "residence_permit_expiry", "language"
    ):
        out.append((p[0], ReminderKind.RESIDENCE_PERMIT, p[1], p[2]))
    rows: list[tuple[Any, ...]] = []
    for person_id, kind, expiry, lang in out:
        offset, lead = REMINDER_RULES[kind]
        act_by = expiry - datetime.timedelta(days=offset)
        if today >= act_by - datetime.timedelta(days=lead):
            rows.append((person_id, kind, expiry, act_by, lang, ""))
    moves: Any = profiles.filter(moved_at__isnull=False).values_list(
        "person_id", "moved_at", "accommodation_registered_at", "language"
    )
    for person_id, moved_at, registered_at, lang in moves:
        if registered_at is None or registered_at < moved_at:
            rows.append(
                (
                    person_id,
                    ReminderKind.ACCOMMODATION,
                    _local_date(moved_at),
                    _local_date(moved_at + datetime.timedelta(hours=24)),
                    lang,
                    "",
                )
            )
    offset, lead = REMINDER_RULES[ReminderKind.CARD_RENEWAL]
    langs = dict(profiles.values_list("person_id", "language"))
    for person_id, number, expires_on in MerchantCard.objects.filter(
        status=CardStatus.ACTIVE, expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=lead)
    ).values_list("person_id", "number", "expires_on"):
        rows.append((person_id, ReminderKind.CARD_RENEWAL, expires_on, expires_on, langs.get(person_id, "en"), number))
    return rows


@transaction.atomic
def do_generate_reminders(*, today: datetime.date | None = None, acting_user: Any = None) -> int:
    """Create every reminder due today, once (idempotent by person, kind and date), in the resident's language."""
    today = today or timezone.localdate()
    created = 0
    for person_id, kind, subject, act_by, lang, number in _due_reminders(today):
        if Reminder.objects.filter(person_id=person_id, kind=kind, subject_date=subject).exists():
            continue
        with translation.override(lang or "en"):
            message = str(REMINDER_TEXTS[kind]).format(
                expiry=subject.isoformat(), act_by=act_by.isoformat(), number=number
            )
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    person_id=person_id,
                    kind=kind,
                    subject_date=subject,
                    act_by=act_by,
                    language=lang or "en",
                    message=message,
                )
        except IntegrityError:  # a concurrent run created it
            continue
        created += 1
    if created:
        audit.record(
            "services.reminders_generate",
            actor=acting_user,
            object_type="services.reminder",
            new={"day": today, "created": created},
        )
    return created
