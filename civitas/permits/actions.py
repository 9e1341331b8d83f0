"""Every state change of a permit: apply, accept, extend, issue, reject, endorse, suspend, expire, cancel.

Dates are calendar days in Asia/Shanghai (the regulation counts calendar days). Each action validates,
saves with `update_fields`, writes an audit event and emits a domain event; SMS go out on commit.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, events, sms
from civitas.people.identity import reveal_phone
from civitas.people.models import Person
from civitas.permits import sources
from civitas.permits.choices import (
    LIVE_PERMIT,
    OPEN_APPLICATION,
    ApplicationStatus,
    CancelReason,
    FactKind,
    PermitStatus,
    ReminderKind,
)
from civitas.permits.eligibility import EligibilityResult, add_months, current_run, eligibility
from civitas.permits.models import Endorsement, EvidenceFact, Permit, PermitApplication, Reminder
from civitas.permits.rules import Policy, current_policy

log = logging.getLogger("civitas.permits")


def check_eligibility(
    person: Person, today: datetime.date | None = None, policy: Policy | None = None
) -> EligibilityResult:
    """Eligibility of one person today, from their residence history and recorded facts (no writes)."""
    policy = policy or current_policy()
    return eligibility(
        sources.residence_periods(person.pk),
        sources.recorded_facts(person.pk),
        today or sources.today(),
        policy.eligibility,
    )


def live_permit(person: Person) -> Permit | None:
    return Permit.objects.filter(person=person, status__in=LIVE_PERMIT).first()


def open_application(person: Person) -> PermitApplication | None:
    return PermitApplication.objects.filter(person=person, status__in=OPEN_APPLICATION).first()


def _sms(person: Person, text: str) -> bool:
    if not person.phone_enc:
        return False
    phone = reveal_phone(person.phone_enc)
    transaction.on_commit(lambda: sms.send_sms(phone, text))
    return True


def _not_eligible_error(result: EligibilityResult) -> ValidationError:
    messages = []
    for condition in result.failed:
        text = f"{condition.label}: {condition.reason}"
        if condition.hint:
            text += " " + gettext("What would satisfy it: {hint}").format(hint=condition.hint)
        messages.append(text)
    return ValidationError({"__all__": messages}, code="not_eligible")


@transaction.atomic
def do_record_fact(
    person: Person,
    *,
    kind: str,
    start: datetime.date,
    end: datetime.date | None,
    reference: str,
    label: str = "",
    acting_user: Any,
) -> EvidenceFact:
    if kind not in FactKind.values:
        raise ValidationError({"kind": [_("Choose a kind of fact.")]})
    if end is not None and end < start:
        raise ValidationError({"end": [_("The end date is before the start date.")]})
    if not reference.strip():
        raise ValidationError({"reference": [_("Enter the number of the document you saw.")]})
    fact = EvidenceFact.objects.create(
        person=person,
        kind=kind,
        start=start,
        end=end,
        reference=reference.strip(),
        label=label.strip(),
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(
        "permits.fact_recorded",
        actor=acting_user,
        obj=person,
        new={"kind": kind, "start": start, "end": end, "reference": fact.reference},
    )
    return fact


def _moment_on(day: datetime.date) -> datetime.datetime:
    """Now, or noon of a back-dated day (demo data, imports): a submission never follows its acceptance."""
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def do_apply(
    person: Person, *, acting_user: Any, today: datetime.date | None = None, channel: str = "online"
) -> PermitApplication:
    """Submit an application; refuse when not eligible (saying what fails) or when one is already open."""
    today = today or sources.today()
    Person.objects.select_for_update().filter(pk=person.pk).first()  # serialise a person's applications
    if live_permit(person) is not None:
        raise ValidationError({"__all__": [_("You already hold a residence permit.")]}, code="duplicate")
    existing = open_application(person)
    if existing is not None:
        raise ValidationError(
            {"__all__": [_("An application ({ref}) is already being processed.").format(ref=existing.reference)]},
            code="duplicate",
        )
    if not person.division_id:
        raise ValidationError({"__all__": [_("No current address in the city is on record.")]})
    result = check_eligibility(person, today)
    if not result.eligible:
        raise _not_eligible_error(result)
    try:
        with transaction.atomic():
            app = PermitApplication.objects.create(
                person=person,
                division_id=person.division_id,
                submitted_at=_moment_on(today),
                eligibility=result.as_dict(),
                channel=channel,
            )
    except IntegrityError:
        raise ValidationError({"__all__": [_("An application is already being processed.")]}, code="duplicate")
    audit.record("permits.applied", actor=acting_user, obj=app, new={"person": person.pk, "channel": channel})
    events.emit(
        "permits.application_submitted",
        subject=("person", person.pk),
        division_code=app.division_id,
        payload={"application_id": app.pk, "person_id": person.pk},
    )
    return app


def _locked(app: PermitApplication) -> PermitApplication:
    return PermitApplication.objects.select_for_update().get(pk=app.pk)


@transaction.atomic
def do_accept(app: PermitApplication, *, acting_user: Any, today: datetime.date | None = None) -> PermitApplication:
    """Accept the file: the legal clock starts (issue within `processing_days` calendar days)."""
    app = _locked(app)
    if app.status != ApplicationStatus.SUBMITTED:
        raise ValidationError({"__all__": [_("Only a submitted application can be accepted.")]}, code="state")
    today = today or sources.today()
    policy = current_policy()
    app.status, app.accepted_on = ApplicationStatus.ACCEPTED, today
    app.due_on = today + datetime.timedelta(days=policy.processing_days)
    app.save(update_fields=["status", "accepted_on", "due_on"])
    audit.record("permits.accepted", actor=acting_user, obj=app, new={"accepted_on": today, "due_on": app.due_on})
    return app


@transaction.atomic
def do_extend(app: PermitApplication, *, days: int, reason: str, acting_user: Any) -> PermitApplication:
    """Extend the clock; the total never goes beyond `max_processing_days` after acceptance."""
    app = _locked(app)
    if app.status != ApplicationStatus.ACCEPTED or app.accepted_on is None or app.due_on is None:
        raise ValidationError({"__all__": [_("Only an accepted application can be extended.")]}, code="state")
    if not reason.strip():
        raise ValidationError({"reason": [_("State why more time is needed.")]})
    if days < 1:
        raise ValidationError({"days": [_("Extend by at least one day.")]})
    limit = app.accepted_on + datetime.timedelta(days=current_policy().max_processing_days)
    new_due = app.due_on + datetime.timedelta(days=days)
    if new_due > limit:
        raise ValidationError(
            {
                "days": [
                    _("The permit must be issued by {limit} at the latest ({n} days after " "acceptance).").format(
                        limit=limit.isoformat(), n=current_policy().max_processing_days
                    )
                ]
            }
        )
    old = app.due_on
    app.due_on, app.extension_reason = new_due, reason.strip()[:200]
    app.save(update_fields=["due_on", "extension_reason"])
    audit.record(
        "permits.extended",
        actor=acting_user,
        obj=app,
        old={"due_on": old},
        new={"due_on": new_due},
        note=app.extension_reason,
    )
    return app


@transaction.atomic
def do_reject(
    app: PermitApplication, *, reason: str, acting_user: Any, today: datetime.date | None = None
) -> PermitApplication:
    app = _locked(app)
    if app.status not in OPEN_APPLICATION:
        raise ValidationError({"__all__": [_("This application is already decided.")]}, code="state")
    if not reason.strip():
        raise ValidationError({"reason": [_("State the reason; the applicant is told.")]})
    app.status, app.decided_on, app.rejection_reason = (
        ApplicationStatus.REJECTED,
        today or sources.today(),
        reason,
    )
    app.save(update_fields=["status", "decided_on", "rejection_reason"])
    audit.record("permits.rejected", actor=acting_user, obj=app, note=reason[:300])
    _sms(
        app.person,
        gettext("Civitas: your residence permit application {ref} was not approved: {reason}").format(
            ref=app.reference, reason=reason
        ),
    )
    return app


def permit_number(division_code: str, issued_on: datetime.date, pk: int) -> str:
    """City code, issue year and a serial: 330782-2026-00000042 (unique by construction)."""
    return f"{division_code[:6]}{issued_on.year}{pk:08d}"


@transaction.atomic
def do_issue(app: PermitApplication, *, acting_user: Any, today: datetime.date | None = None) -> Permit:
    app = _locked(app)
    if app.status != ApplicationStatus.ACCEPTED:
        raise ValidationError({"__all__": [_("Accept the application before issuing the permit.")]}, code="state")
    today = today or sources.today()
    if live_permit(app.person) is not None:
        raise ValidationError({"__all__": [_("This person already holds a residence permit.")]}, code="duplicate")
    permit = Permit.objects.create(
        number=f"pending-{app.pk}",
        person=app.person,
        application=app,
        division_id=app.division_id,
        issued_on=today,
        valid_until=add_months(today, 12),
        residence_years_since=today,
    )
    permit.number = permit_number(app.division_id, today, permit.pk)
    permit.save(update_fields=["number"])
    app.status, app.decided_on = ApplicationStatus.ISSUED, today
    app.save(update_fields=["status", "decided_on"])
    audit.record(
        "permits.issued",
        actor=acting_user,
        obj=permit,
        new={
            "number": permit.number,
            "application": app.pk,
            "valid_until": permit.valid_until,
            "days_taken": (today - app.accepted_on).days if app.accepted_on else None,
        },
    )
    events.emit(
        "permits.issued",
        subject=("person", app.person_id),
        division_code=permit.division_id,
        payload={"permit_id": permit.pk, "person_id": app.person_id, "number": permit.number},
    )
    _sms(
        app.person,
        gettext(
            "Civitas: your residence permit {number} is issued. Endorse it every year in the " "month before {day}."
        ).format(number=permit.number, day=permit.valid_until.isoformat()),
    )
    return permit


def _locked_permit(permit: Permit) -> Permit:
    return Permit.objects.select_for_update().get(pk=permit.pk)


@transaction.atomic
def do_endorse(permit: Permit, *, acting_user: Any, today: datetime.date | None = None) -> Endorsement:
    """Annual endorsement. On time: one more year from the anniversary. Late (suspended): restored for a
    year from today, and the residence-years counter restarts today (art. 10)."""
    permit = _locked_permit(permit)
    today = today or sources.today()
    window = current_policy().endorsement_window_months
    if not permit.can_endorse(today, window):
        if permit.status in (PermitStatus.CANCELLED, PermitStatus.EXPIRED):
            msg = _("A {status} permit cannot be endorsed; apply again.").format(status=permit.get_status_display())
        else:
            msg = _("Endorsement opens on {opens} (one month before {due}).").format(
                opens=permit.window_opens(window).isoformat(), due=permit.valid_until.isoformat()
            )
        raise ValidationError({"__all__": [msg]}, code="outside_window")
    late = permit.status == PermitStatus.SUSPENDED
    old = {
        "status": permit.status,
        "valid_until": permit.valid_until,
        "residence_years_since": permit.residence_years_since,
    }
    previous = permit.valid_until
    if late:
        permit.valid_until = add_months(today, 12)
        permit.residence_years_since = today
        permit.status, permit.suspended_on = PermitStatus.VALID, None
    else:
        permit.valid_until = add_months(previous, 12)
    permit.save(update_fields=["valid_until", "residence_years_since", "status", "suspended_on"])
    endorsement = Endorsement.objects.create(
        permit=permit,
        endorsed_on=today,
        late=late,
        previous_valid_until=previous,
        valid_until=permit.valid_until,
        endorsed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(
        "permits.endorsed",
        actor=acting_user,
        obj=permit,
        old=old,
        new={
            "status": permit.status,
            "valid_until": permit.valid_until,
            "residence_years_since": permit.residence_years_since,
            "late": late,
        },
    )
    events.emit(
        "permits.endorsed",
        subject=("person", permit.person_id),
        division_code=permit.division_id,
        payload={"permit_id": permit.pk, "person_id": permit.person_id, "late": late},
    )
    return endorsement


@transaction.atomic
def do_cancel(
    permit: Permit, *, reason: str, acting_user: Any, today: datetime.date | None = None, note: str = ""
) -> Permit:
    permit = _locked_permit(permit)
    if reason not in CancelReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if permit.status not in LIVE_PERMIT:
        raise ValidationError({"__all__": [_("This permit is no longer in force.")]}, code="state")
    old = permit.status
    permit.status, permit.ended_on, permit.cancel_reason = (
        PermitStatus.CANCELLED,
        today or sources.today(),
        reason,
    )
    permit.save(update_fields=["status", "ended_on", "cancel_reason"])
    audit.record(
        "permits.cancelled",
        actor=acting_user,
        obj=permit,
        old={"status": old},
        new={"status": permit.status, "reason": reason},
        note=note,
    )
    events.emit(
        "permits.cancelled",
        subject=("person", permit.person_id),
        division_code=permit.division_id,
        payload={"permit_id": permit.pk, "person_id": permit.person_id, "reason": reason},
    )
    return permit


def _remind(permit: Permit, kind: str, due_on: datetime.date, today: datetime.date, text: str) -> bool:
    reminder, created = Reminder.objects.get_or_create(
        permit=permit, kind=kind, due_on=due_on, defaults={"created_on": today, "text": text[:300]}
    )
    if created:
        reminder.sent_sms = _sms(permit.person, text)
        if reminder.sent_sms:
            reminder.save(update_fields=["sent_sms"])
    return created


@transaction.atomic
def send_reminders(today: datetime.date) -> int:
    """Remind holders whose endorsement window is open (once when it opens, once in the last week)."""
    policy = current_policy()
    sent = 0
    horizon = add_months(today, policy.endorsement_window_months)
    for permit in Permit.objects.filter(
        status=PermitStatus.VALID, valid_until__gte=today, valid_until__lte=horizon
    ).select_related("person"):
        due = permit.valid_until
        text = gettext("Civitas: endorse your residence permit {number} by {day}, or it will be suspended.").format(
            number=permit.number, day=due.isoformat()
        )
        sent += _remind(permit, ReminderKind.ENDORSEMENT_WINDOW, due, today, text)
        if (due - today).days <= policy.last_reminder_days_before:
            sent += _remind(permit, ReminderKind.ENDORSEMENT_LAST_WEEK, due, today, text)
    return sent


@transaction.atomic
def suspend_missed(today: datetime.date, *, acting_user: Any = None) -> dict[str, int]:
    """Suspend valid permits whose anniversary passed without endorsement; expire long-suspended ones."""
    policy = current_policy()
    suspended = expired = 0
    for permit in (
        Permit.objects.select_for_update()
        .filter(status=PermitStatus.VALID, valid_until__lt=today)
        .select_related("person")
    ):
        permit.status, permit.suspended_on = (
            PermitStatus.SUSPENDED,
            permit.valid_until + datetime.timedelta(days=1),
        )
        permit.save(update_fields=["status", "suspended_on"])
        audit.record(
            "permits.suspended",
            actor=acting_user,
            actor_label="system",
            obj=permit,
            old={"status": PermitStatus.VALID},
            new={"status": permit.status, "missed": permit.valid_until},
        )
        events.emit(
            "permits.suspended",
            subject=("person", permit.person_id),
            division_code=permit.division_id,
            payload={"permit_id": permit.pk, "person_id": permit.person_id},
        )
        _remind(
            permit,
            ReminderKind.SUSPENDED,
            permit.valid_until,
            today,
            gettext(
                "Civitas: your residence permit {number} is suspended because it was not endorsed by {day}. "
                "Endorse it to restore it; residence years then count from the day of endorsement."
            ).format(number=permit.number, day=permit.valid_until.isoformat()),
        )
        suspended += 1
    for permit in Permit.objects.select_for_update().filter(status=PermitStatus.SUSPENDED, suspended_on__isnull=False):
        if today >= add_months(permit.suspended_on, policy.expire_after_suspended_months):  # type: ignore[arg-type]
            permit.status, permit.ended_on = PermitStatus.EXPIRED, today
            permit.save(update_fields=["status", "ended_on"])
            audit.record(
                "permits.expired",
                actor=acting_user,
                actor_label="system",
                obj=permit,
                old={"status": PermitStatus.SUSPENDED},
                new={"status": permit.status},
            )
            expired += 1
    return {"suspended": suspended, "expired": expired}


def review_departure(person_id: int, today: datetime.date, *, acting_user: Any = None) -> bool:
    """Cancel the person's live permit when they no longer live in the city (beyond the gap tolerance)."""
    permit = Permit.objects.filter(person_id=person_id, status__in=LIVE_PERMIT).first()
    if permit is None:
        return False
    tolerance = current_policy().eligibility.gap_tolerance_days
    if current_run(sources.residence_periods(person_id), today, tolerance):
        return False
    do_cancel(
        permit,
        reason=CancelReason.DECLARED_OUT,
        acting_user=acting_user,
        today=today,
        note=f"no verified residence in the city for more than {tolerance} days",
    )
    return True


def cancel_departed(today: datetime.date, *, lookback_days: int = 120) -> int:
    """Review every holder who checked out recently (from `residence.checked_out` events)."""
    from civitas.core.models import DomainEvent

    since = timezone.now() - datetime.timedelta(days=lookback_days)
    person_ids = {
        int(pid)
        for pid in DomainEvent.objects.filter(kind="residence.checked_out", occurred_at__gte=since).values_list(
            "payload__person_id", flat=True
        )
        if pid
    }
    holders = set(
        Permit.objects.filter(person_id__in=person_ids, status__in=LIVE_PERMIT).values_list("person_id", flat=True)
    )
    return sum(review_departure(pid, today) for pid in sorted(holders))


def on_checked_out(event: Any) -> None:
    """`residence.checked_out` handler: idempotent (cancelling twice is a no-op)."""
    person_id = (event.payload or {}).get("person_id")
    if not person_id:
        return
    try:
        review_departure(int(person_id), sources.today())
    except ValidationError:  # already cancelled concurrently
        log.info("permit for person %s already ended", person_id)


def notify_eligible(today: datetime.date, rows: list[Any] | None = None, *, limit: int = 5000) -> int:
    """Tell residents who are eligible, hold no permit and have no open application that they can apply
    (one SMS with a signed link, once per person). `rows` as for `batch.evaluate`; default: the database."""
    from civitas.permits import batch, resident
    from civitas.permits.models import EligibilityNotice

    policy = current_policy()
    if rows is None:
        result = batch.evaluate_all(today, policy.eligibility)
    else:
        result = batch.evaluate(rows, today, policy.eligibility, batch.current_facts(today))
    eligible = set(result.person_id[result.eligible].tolist())
    eligible -= set(
        Permit.objects.filter(person_id__in=eligible, status__in=LIVE_PERMIT).values_list("person_id", flat=True)
    )
    eligible -= set(
        PermitApplication.objects.filter(person_id__in=eligible, status__in=OPEN_APPLICATION).values_list(
            "person_id", flat=True
        )
    )
    eligible -= set(EligibilityNotice.objects.filter(person_id__in=eligible).values_list("person_id", flat=True))
    sent = 0
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    for person in Person.objects.filter(pk__in=sorted(eligible)[:limit]):
        with transaction.atomic():
            text = gettext("Civitas: you can now apply for a Yiwu residence permit: {link}").format(
                link=base + resident.link_for(person)
            )
            EligibilityNotice.objects.create(person=person, sent_on=today, sent_sms=_sms(person, text))
        sent += 1
    return sent
