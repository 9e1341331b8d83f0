"""Every change to the credit ledger: events turned into entries, violations recorded by officers, appeals,
reversals, cycle resets, rule-set drafts and merchant files. Each validates, writes, audits, notifies."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import audit, sms
from civitas.core.models import DomainEvent
from civitas.credit import ledger
from civitas.credit.access import APPEAL_DECIDER_ROLES, OFFICER_ROLES, SIMULATION_ROLES, subject_in_scope
from civitas.credit.choices import AppealStatus, EntryKind, ErrorCode, RuleMode, RuleSetStatus, SubjectType
from civitas.credit.errors import codes_of, field_error
from civitas.credit.evidence import check_photo
from civitas.credit.models import (
    Appeal,
    LedgerEntry,
    MerchantFile,
    Notification,
    Rule,
    RuleSet,
    Scheme,
    Threshold,
)
from civitas.credit.texts import localized
from civitas.people.models import Person

log = logging.getLogger("civitas.credit")


_error = field_error


def _entry_snapshot(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "scheme": entry.scheme.code,
        "rule": entry.rule.code,
        "kind": entry.kind,
        "points": entry.points,
        "requested": entry.requested_points,
        "subject": f"{entry.subject_type}:{entry.subject_id}",
        "cycle": entry.cycle,
        "occurred_on": entry.occurred_on,
        "source_event": entry.source_event_id,
        "reverses": entry.reverses_id,
    }


# --- notifications ---------------------------------------------------------------------------------


def _notify(person_id: int, text_by_lang: dict[str, str], entry: LedgerEntry | None) -> None:
    """Tell the subject (a Notification row now; an SMS after commit when they have a phone)."""
    person = Person.objects.filter(pk=person_id).only("id", "phone_enc").first()
    if person is None:
        return
    lang = person.accounts.values_list("language", flat=True).first() or "zh-hans"
    text = localized(text_by_lang, lang)
    note = Notification.objects.create(person=person, entry=entry, text=text)
    if not person.phone_enc:
        return
    phone_enc, note_id = person.phone_enc, note.pk

    def send() -> None:
        from civitas.people.identity import reveal_phone

        sms.send_sms(reveal_phone(phone_enc), text)  # decrypted only here, never stored
        Notification.objects.filter(pk=note_id).update(sms_sent=True)

    transaction.on_commit(send)


def _notify_entry(entry: LedgerEntry) -> None:
    if entry.kind == EntryKind.RULE and entry.points < 0:
        days = entry.scheme.appeal_days
        texts = {lang: f"{text} {_appeal_hint(lang, days)}" for lang, text in entry.explanation.items()}
        _notify(entry.subject_id, texts, entry)
    elif entry.kind == EntryKind.REVERSAL:
        _notify(entry.subject_id, entry.explanation, entry)


def _appeal_hint(lang: str, days: int) -> str:
    from django.utils import translation

    with translation.override(lang):
        return str(_("You may appeal within {days} days on the Civitas credit page.").format(days=days))


# --- entries -------------------------------------------------------------------------------------


@transaction.atomic
def do_apply_event_credit(event: DomainEvent) -> LedgerEntry:
    """Turn an event's "credit" instruction into exactly one ledger entry (DUPLICATE_EVENT if already done)."""
    spec = event.payload.get("credit") or {}
    if LedgerEntry.objects.filter(source_event=event).exists():
        raise _error(
            "event",
            _("Event {id} has already been applied to the ledger.").format(id=event.pk),
            ErrorCode.DUPLICATE_EVENT,
        )
    scheme = ledger.scheme_by_code(str(spec.get("scheme", "")))
    subject_type = str(spec.get("subject_type") or scheme.subject_type)
    if subject_type != scheme.subject_type:
        raise _error(
            "subject_type",
            _("Scheme {scheme} scores {kind} subjects.").format(scheme=scheme.code, kind=scheme.subject_type),
            "wrong_subject",
        )
    try:
        subject_id = int(spec["subject_id"])
    except (KeyError, TypeError, ValueError):
        raise _error("subject_id", _("The credit instruction names no subject."), "no_subject")
    day = timezone.localdate(event.occurred_at)
    rule = ledger.rule_in_force(scheme, str(spec.get("rule", "")), day)
    try:
        with transaction.atomic():
            posting = ledger.post(
                scheme=scheme,
                rule=rule,
                subject_type=subject_type,
                subject_id=subject_id,
                day=day,
                division_code=event.division_code,
                note=str(spec.get("note", ""))[:500],
                source_event=event,
            )
    except IntegrityError:  # the same event applied concurrently
        raise _error(
            "event",
            _("Event {id} has already been applied to the ledger.").format(id=event.pk),
            ErrorCode.DUPLICATE_EVENT,
        )
    audit.record(
        "credit.entry_from_event",
        obj=posting.entry,
        division_code=event.division_code,
        new=_entry_snapshot(posting.entry),
        note=event.kind,
        actor_label="events",
    )
    _notify_entry(posting.entry)
    return posting.entry


@transaction.atomic
def do_reverse_from_event(event: DomainEvent) -> LedgerEntry | None:
    """Compensate what an earlier event created (e.g. a hazard annulled); once per reversing event."""
    if LedgerEntry.objects.filter(source_event=event).exists():
        raise _error(
            "event",
            _("Event {id} has already been applied to the ledger.").format(id=event.pk),
            ErrorCode.DUPLICATE_EVENT,
        )
    original = (
        LedgerEntry.objects.select_related("scheme", "rule", "rule_set")
        .filter(source_event_id=event.payload.get("credit_reverse_event"))
        .first()
    )
    if original is None or LedgerEntry.objects.filter(reverses=original).exists():
        return None
    return _reverse(
        original, note=str(event.payload.get("note", "")) or event.kind, acting_user=None, source_event=event
    )


def _reverse(
    original: LedgerEntry, *, note: str, acting_user: Any, source_event: DomainEvent | None = None
) -> LedgerEntry:
    posting = ledger.post(
        scheme=original.scheme,
        rule=original.rule,
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        day=original.occurred_on,
        division_code=original.division_code,
        note=note,
        recorded_by=acting_user,
        source_event=source_event,
        reverses=original,
    )
    audit.record(
        "credit.entry_reversed",
        actor=acting_user,
        obj=posting.entry,
        division_code=original.division_code,
        new=_entry_snapshot(posting.entry),
        note=note[:300],
    )
    _notify_entry(posting.entry)
    return posting.entry


def handle_event(event: DomainEvent) -> None:
    """Subscriber for every event kind: apply "credit" / "credit_reverse_event" instructions, idempotently."""
    payload = event.payload or {}
    if not isinstance(payload, dict) or not ("credit" in payload or "credit_reverse_event" in payload):
        return
    try:
        if isinstance(payload.get("credit"), dict):
            do_apply_event_credit(event)
        elif payload.get("credit_reverse_event"):
            do_reverse_from_event(event)
    except ValidationError as exc:
        if ErrorCode.DUPLICATE_EVENT in codes_of(exc):
            return  # replayed: already in the ledger
        log.warning("credit instruction of event %s (%s) rejected: %s", event.pk, event.kind, exc.messages)
        audit.record(
            "credit.event_rejected",
            object_type="core.domainevent",
            object_id=event.pk,
            division_code=event.division_code,
            note="; ".join(exc.messages)[:300],
            actor_label="events",
        )


@transaction.atomic
def do_record_violation(
    *,
    scheme_code: str,
    rule_code: str,
    subject_id: int,
    occurred_on: datetime.date,
    note: str = "",
    photo: Any = None,
    division_code: str = "",
    acting_user: Any,
) -> LedgerEntry:
    """An officer records a rule applied to a subject (usually a deduction) with evidence."""
    if not (getattr(acting_user, "is_authenticated", False) and acting_user.role in OFFICER_ROLES):
        raise PermissionDenied(_("Only officers record credit entries."))
    scheme = ledger.scheme_by_code(scheme_code)
    if not subject_in_scope(acting_user, scheme.subject_type, subject_id):
        raise PermissionDenied(_("This person is outside your jurisdiction."))
    if occurred_on > timezone.localdate():
        raise _error("occurred_on", _("The date cannot be in the future."), "future_date")
    rule = ledger.rule_in_force(scheme, rule_code, occurred_on)
    if rule.mode == RuleMode.AUTOMATIC:
        raise _error(
            "rule",
            _("Rule {code} is applied automatically from records, not by hand.").format(code=rule.code),
            "automatic_rule",
        )
    note = note.strip()
    if photo:
        check_photo(photo)
    if rule.evidence_required and not (photo or note):
        raise _error(
            "evidence_note",
            _("Rule {code} needs evidence: attach a photo or describe what you found.").format(code=rule.code),
            ErrorCode.EVIDENCE_REQUIRED,
        )
    posting = ledger.post(
        scheme=scheme,
        rule=rule,
        subject_type=scheme.subject_type,
        subject_id=subject_id,
        day=occurred_on,
        division_code=division_code,
        note=note,
        photo=photo,
        recorded_by=acting_user,
    )
    audit.record(
        "credit.entry_recorded",
        actor=acting_user,
        obj=posting.entry,
        division_code=division_code,
        new=_entry_snapshot(posting.entry),
    )
    _notify_entry(posting.entry)
    return posting.entry


# --- appeals -------------------------------------------------------------------------------------


def appeal_deadline(entry: LedgerEntry) -> datetime.date:
    return timezone.localdate(entry.recorded_at) + datetime.timedelta(days=entry.scheme.appeal_days)


@transaction.atomic
def do_file_appeal(entry: LedgerEntry, *, reason: str, acting_user: Any, today: datetime.date | None = None) -> Appeal:
    """The subject appeals a deduction within the scheme's appeal period."""
    if not (getattr(acting_user, "is_authenticated", False) and acting_user.person_id == entry.subject_id):
        raise PermissionDenied(_("Only the person the entry is about may appeal it."))
    if not entry.is_deduction:
        raise _error("entry", _("Only deductions can be appealed."), "not_a_deduction")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise _error("entry", _("This entry has already been reversed."), "already_reversed")
    if Appeal.objects.filter(entry=entry).exists():
        raise _error("entry", _("This entry has already been appealed."), "already_appealed")
    today = today or timezone.localdate()
    deadline = appeal_deadline(entry)
    if today > deadline:
        raise _error(
            "entry",
            _("The time to appeal ended on {deadline} ({days} days after the entry).").format(
                deadline=deadline.isoformat(), days=entry.scheme.appeal_days
            ),
            ErrorCode.APPEAL_OUT_OF_TIME,
        )
    if not reason.strip():
        raise _error("reason", _("Say why the entry is wrong."), "required")
    appeal = Appeal.objects.create(entry=entry, filed_by=acting_user, filed_at=timezone.now(), reason=reason.strip())
    audit.record(
        "credit.appeal_filed",
        actor=acting_user,
        obj=appeal,
        division_code=entry.division_code,
        new={"entry": entry.pk, "reason": appeal.reason[:200]},
    )
    return appeal


@transaction.atomic
def do_decide_appeal(appeal: Appeal, *, uphold: bool, note: str, acting_user: Any) -> Appeal:
    """Another officer decides; an upheld appeal adds a compensating entry (the original is never edited)."""
    if not (getattr(acting_user, "is_authenticated", False) and acting_user.role in APPEAL_DECIDER_ROLES):
        raise PermissionDenied(_("Your role may not decide appeals."))
    appeal = (
        Appeal.objects.select_for_update().select_related("entry", "entry__scheme", "entry__rule").get(pk=appeal.pk)
    )
    entry = appeal.entry
    if appeal.status != AppealStatus.PENDING:
        raise _error("appeal", _("This appeal has already been decided."), "already_decided")
    if entry.recorded_by_id is not None and entry.recorded_by_id == acting_user.pk:
        raise _error(
            "appeal",
            _("An officer other than the one who recorded the entry must decide."),
            ErrorCode.SAME_OFFICER,
        )
    if not note.strip():
        raise _error("decision_note", _("Give the reason for the decision."), "required")
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = acting_user, timezone.now(), note.strip()
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    if uphold and not LedgerEntry.objects.filter(reverses=entry).exists():
        appeal.reversal = _reverse(entry, note=appeal.decision_note, acting_user=acting_user)
        fields.append("reversal")
    appeal.save(update_fields=fields)
    audit.record(
        "credit.appeal_decided",
        actor=acting_user,
        obj=appeal,
        division_code=entry.division_code,
        old={"status": AppealStatus.PENDING},
        new={"status": appeal.status, "note": appeal.decision_note},
    )
    if not uphold:
        _notify(entry.subject_id, _dismissal_texts(appeal), entry)
    return appeal


def _dismissal_texts(appeal: Appeal) -> dict[str, str]:
    from civitas.credit.texts import in_every_language

    return in_every_language(
        lambda lang: _('Your appeal against "{reason}" was dismissed: {note}').format(
            reason=appeal.entry.rule.text(lang), note=appeal.decision_note
        )
    )


# --- cycles and rule sets -------------------------------------------------------------------------


@transaction.atomic
def do_reset_cycle(scheme: Scheme, *, acting_user: Any, today: datetime.date | None = None) -> int:
    """At a new cycle: end every consequence of earlier cycles and re-evaluate at the starting balance."""
    today = today or timezone.localdate()
    cycle = ledger.cycle_of(scheme, today)
    from civitas.credit.models import ConsequenceState

    subjects = set(
        ConsequenceState.objects.filter(scheme=scheme, ended_at__isnull=True, cycle__lt=cycle).values_list(
            "subject_type", "subject_id"
        )
    )
    for subject_type, subject_id in subjects:
        ledger.evaluate_consequences(
            scheme, subject_type, subject_id, actor=acting_user, today=today, reason="cycle_reset"
        )
    audit.record("credit.cycle_reset", actor=acting_user, obj=scheme, new={"cycle": cycle, "subjects": len(subjects)})
    return len(subjects)


@transaction.atomic
def do_recompute_balances(scheme: Scheme, cycle: int, *, acting_user: Any) -> int:
    """Check every cached balance of a cycle against the ledger and repair drift (audited); rows repaired."""
    written = ledger.recompute_balances(scheme, cycle)
    audit.record("credit.balances_recomputed", actor=acting_user, obj=scheme, new={"cycle": cycle, "repaired": written})
    return written


@transaction.atomic
def do_draft_rule_set(
    scheme: Scheme,
    *,
    effective_from: datetime.date,
    points: dict[str, int],
    thresholds: dict[str, tuple[int | None, int | None]] | None = None,
    note: str = "",
    acting_user: Any,
) -> RuleSet:
    """Copy the rule set in force and change some rules' points (0 drops a rule) or threshold bands."""
    if not (getattr(acting_user, "is_authenticated", False) and acting_user.role in SIMULATION_ROLES):
        raise PermissionDenied(_("Your role may not draft rule sets."))
    base = ledger.rule_set_in_force(scheme, effective_from) or scheme.rule_sets.order_by("-version").first()
    version = (scheme.rule_sets.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    draft = RuleSet.objects.create(
        scheme=scheme,
        version=version,
        effective_from=effective_from,
        status=RuleSetStatus.DRAFT,
        note=note[:200],
    )
    known = set()
    for rule in base.rules.all() if base else []:
        known.add(rule.code)
        new_points = points.get(rule.code, rule.points)
        if new_points == 0:
            continue
        Rule.objects.create(
            rule_set=draft,
            code=rule.code,
            description=rule.description,
            points=new_points,
            cap_points=rule.cap_points,
            cap_period=rule.cap_period,
            mode=rule.mode,
            evidence_required=rule.evidence_required,
        )
    unknown = set(points) - known
    if unknown:
        raise _error(
            "points",
            _("Unknown rule codes: {codes}.").format(codes=", ".join(sorted(unknown))),
            "unknown_rule",
        )
    thresholds = thresholds or {}
    for t in base.thresholds.all() if base else []:
        lo, hi = thresholds.get(t.code, (t.min_points, t.max_points))
        Threshold.objects.create(
            rule_set=draft,
            code=t.code,
            min_points=lo,
            max_points=hi,
            grade=t.grade,
            stars=t.stars,
            consequences=t.consequences,
            description=t.description,
        )
    audit.record(
        "credit.rule_set_drafted",
        actor=acting_user,
        obj=draft,
        new={
            "scheme": scheme.code,
            "version": version,
            "points": points,
            "thresholds": {k: list(v) for k, v in thresholds.items()},
        },
    )
    return draft


@transaction.atomic
def do_enact_rule_set(rule_set: RuleSet, *, acting_user: Any, today: datetime.date | None = None) -> RuleSet:
    """Enact a draft from its effective date; a date in the past would rewrite history, so it is refused."""
    if not (getattr(acting_user, "is_authenticated", False) and acting_user.role == "city_admin"):
        raise PermissionDenied(_("Only a city administrator enacts rule sets."))
    today = today or timezone.localdate()
    if rule_set.status != RuleSetStatus.DRAFT:
        raise _error("rule_set", _("Only a draft can be enacted."), "not_draft")
    if rule_set.effective_from < today:
        raise _error(
            "effective_from",
            _("A rule set applies from today or later; history is never rewritten."),
            "past_date",
        )
    rule_set.status = RuleSetStatus.ENACTED
    rule_set.save(update_fields=["status"])
    audit.record(
        "credit.rule_set_enacted",
        actor=acting_user,
        obj=rule_set,
        new={"version": rule_set.version, "effective_from": rule_set.effective_from},
    )
    return rule_set


# --- merchant files ------------------------------------------------------------------------------


@transaction.atomic
def do_open_merchant_file(
    person: Person,
    *,
    trade_name: str,
    market: str = "",
    division_code: str | None = None,
    public_consent: bool = False,
    acting_user: Any,
) -> MerchantFile:
    if acting_user is not None and not (
        getattr(acting_user, "is_authenticated", False) and acting_user.role in OFFICER_ROLES | {"service_staff"}
    ):
        raise PermissionDenied(_("Your role may not open merchant files."))
    if not trade_name.strip():
        raise _error("trade_name", _("Enter the trade name."), "required")
    mf, created = MerchantFile.objects.get_or_create(
        person=person,
        defaults={
            "trade_name": trade_name.strip(),
            "market": market.strip(),
            "division_id": division_code or person.division_id,
            "public_consent": public_consent,
            "consented_at": timezone.now() if public_consent else None,
        },
    )
    if created:
        audit.record(
            "credit.merchant_file_opened",
            actor=acting_user,
            obj=mf,
            new={"person": person.pk, "trade_name": mf.trade_name, "consent": public_consent},
        )
        scheme = ledger.scheme_by_code("merchant-credit")
        ledger.evaluate_consequences(scheme, SubjectType.MERCHANT, person.pk, actor=acting_user)
    return mf


@transaction.atomic
def do_set_merchant_consent(mf: MerchantFile, *, consent: bool, acting_user: Any) -> MerchantFile:
    """The merchant allows or withdraws the public grade lookup; withdrawing also invalidates old codes."""
    from civitas.credit.models import new_public_token

    if not (
        getattr(acting_user, "is_authenticated", False)
        and (acting_user.person_id == mf.person_id or acting_user.role in OFFICER_ROLES)
    ):
        raise PermissionDenied(_("Only the merchant may change this consent."))
    old = mf.public_consent
    mf.public_consent = consent
    mf.consented_at = timezone.now() if consent else None
    fields = ["public_consent", "consented_at"]
    if not consent:
        mf.public_token = new_public_token()
        fields.append("public_token")
    mf.save(update_fields=fields)
    audit.record("credit.merchant_consent", actor=acting_user, obj=mf, old={"consent": old}, new={"consent": consent})
    return mf


def scheme_for_subject(subject_type: str) -> Scheme:
    return Scheme.objects.get(subject_type=subject_type)
