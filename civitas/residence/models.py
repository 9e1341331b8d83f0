"""Residence declarations (房东码), who lives where and when, and the rules that verify them.

A `Declaration` is what a tenant (or their landlord, a hotel system, an officer) files for one room
and one or more people (`DeclarationMember`: the declarant and family members, children declared by
their guardian). Each member gets a `Residency` row — the tenancy that "who lives here now / on a past
date" queries read. `VerificationRule` rows are configurable data; every run stores one
`VerificationResult` per rule with its reason.
"""

from __future__ import annotations

import builtins
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.places.models import ScopedQuerySet
from civitas.residence.choices import (
    CONFIRMED,
    OCCUPYING,
    PENDING_LANDLORD,
    DeclarationSource,
    DeclarationStatus,
    Purpose,
    Relation,
    RuleCode,
    SubmissionStatus,
)


class LandlordCode(models.Model):
    """The QR plate of a property (room = None) or of one room. Revoking bumps `version`: old URLs die."""

    property = models.ForeignKey(
        "places.RentalProperty",
        verbose_name=_("property"),
        on_delete=models.CASCADE,
        related_name="landlord_codes",
    )
    room = models.ForeignKey(
        "places.Room",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    issued_at = models.DateTimeField(_("issued"))
    revoked_count = models.PositiveIntegerField(_("times revoked"), default=0)

    class Meta:
        verbose_name = _("landlord code")
        verbose_name_plural = _("landlord codes")
        constraints = [
            models.UniqueConstraint(fields=["property", "room"], name="landlord_code_per_room"),
            models.UniqueConstraint(
                fields=["property"], condition=Q(room__isnull=True), name="landlord_code_per_property"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.property} {self.room or ''} v{self.version}".strip()


class DeclarationQuerySet(ScopedQuerySet):
    def occupying(self) -> DeclarationQuerySet:
        return self.filter(status__in=OCCUPYING)

    def pending_landlord(self) -> DeclarationQuerySet:
        return self.filter(status__in=PENDING_LANDLORD, landlord_confirmed_at__isnull=True)

    def flagged(self) -> DeclarationQuerySet:
        return self.filter(status=DeclarationStatus.FLAGGED)


class Declaration(models.Model):
    number = models.CharField(_("declaration number"), max_length=20, unique=True)
    property = models.ForeignKey(
        "places.RentalProperty",
        verbose_name=_("property"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    room = models.ForeignKey(
        "places.Room", verbose_name=_("room"), on_delete=models.PROTECT, related_name="declarations"
    )
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeclarationStatus.choices, default=DeclarationStatus.SUBMITTED
    )
    source = models.CharField(_("source"), max_length=12, choices=DeclarationSource.choices)
    move_in = models.DateField(_("moved in on"))
    arrived_at = models.DateTimeField(
        pgettext_lazy("residence", "arrived"),
        null=True,
        blank=True,
        help_text=_("Arrival in Yiwu; defaults to the end of the move-in day."),
    )
    purpose = models.CharField(pgettext_lazy("stay", "purpose"), max_length=10, choices=Purpose.choices)
    employer = models.CharField(_("employer or school"), max_length=120, blank=True)
    phone_verified = models.BooleanField(_("phone verified by one-time code"), default=False)
    declared_at = models.DateTimeField(_("declared"))
    landlord_confirmed_at = models.DateTimeField(_("confirmed by landlord"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    move_out = models.DateField(_("moved out on"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # `<account id or ->/<client's key>` (actions.stored_key): unique per client, not across clients.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)
    batch_id = models.CharField(_("import batch"), max_length=80, blank=True, db_index=True)
    days_late = models.PositiveSmallIntegerField(_("days late"), default=0)
    foreign = models.BooleanField(_("foreign declarant"), default=False)
    reported = models.JSONField(_("events published"), default=dict, blank=True)

    objects = DeclarationQuerySet.as_manager()
    # Not stored: what `do_declare` has just written, kept on the instance so the rules, the events and the
    # receipt do not read it back (see rules.members_of).
    checked_members: list[DeclarationMember] | None = None
    stored_results: list[VerificationResult] | None = None

    class Meta:
        verbose_name = _("residence declaration")
        verbose_name_plural = _("residence declarations")
        ordering = ["-declared_at"]
        indexes = [
            models.Index(fields=["division", "status"], name="declaration_division_status"),
            models.Index(fields=["room", "status"], name="declaration_room_status"),
            models.Index(fields=["division", "declared_at"], name="declaration_division_time"),
        ]

    def __str__(self) -> str:
        return self.number

    @builtins.property
    def division_code(self) -> str:
        return self.division_id

    @builtins.property
    def is_confirmed(self) -> bool:
        return self.status in CONFIRMED

    @builtins.property
    def is_occupying(self) -> bool:
        return self.status in OCCUPYING

    def can_landlord_decide(self) -> bool:
        return self.status in PENDING_LANDLORD and self.landlord_confirmed_at is None

    def can_officer_decide(self) -> bool:
        return self.status == DeclarationStatus.FLAGGED

    def can_move_out(self) -> bool:
        return self.status in OCCUPYING

    def status_badge(self) -> str:
        if self.status in CONFIRMED:
            return "ok"
        if self.status in (DeclarationStatus.FLAGGED, DeclarationStatus.REJECTED):
            return "bad"
        return "warn"


class DeclarationMember(models.Model):
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation to the declarant"), max_length=10, choices=Relation.choices)
    visa_expiry = models.DateField(_("visa or residence permit expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("declared person")
        verbose_name_plural = _("declared persons")
        constraints = [models.UniqueConstraint(fields=["declaration", "person"], name="declaration_member_once")]

    def __str__(self) -> str:
        return f"{self.declaration} {self.person}"


class ResidencyQuerySet(ScopedQuerySet):
    def on(self, day: datetime.date) -> ResidencyQuerySet:
        return self.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day, cancelled=False)

    def current(self) -> ResidencyQuerySet:
        return self.filter(end__isnull=True, cancelled=False)


class Residency(models.Model):
    """One person living in one room from `start` until `end` (the move-out day, exclusive; None = still)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="residencies"
    )
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.CASCADE, related_name="residencies"
    )
    property = models.ForeignKey(
        "places.RentalProperty", verbose_name=_("property"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        "places.Room", verbose_name=_("room"), on_delete=models.PROTECT, related_name="residencies"
    )
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    confirmed = models.BooleanField(_("verified residence"), default=False)
    cancelled = models.BooleanField(_("cancelled (declaration rejected)"), default=False)
    counted = models.BooleanField(_("counts towards room capacity"), default=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["person", "start"], name="residency_person_start"),
            models.Index(fields=["room", "end"], name="residency_room_end"),
            models.Index(fields=["division", "start"], name="residency_division_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.room_id} {self.start}–{self.end or ''}"

    @builtins.property
    def division_code(self) -> str:
        return self.division_id


class VerificationRule(models.Model):
    """A configurable verification rule: switched on/off and parameterised without a deploy."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("verification rule")
        verbose_name_plural = _("verification rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VerificationResult(models.Model):
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.CASCADE, related_name="results"
    )
    rule = models.CharField(_("rule"), max_length=40)
    passed = models.BooleanField(_("passed"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked"))
    current = models.BooleanField(_("latest run"), default=True)

    class Meta:
        verbose_name = _("verification result")
        verbose_name_plural = _("verification results")
        ordering = ["rule"]
        indexes = [models.Index(fields=["declaration", "current"], name="result_declaration_current")]

    def __str__(self) -> str:
        return f"{self.rule}: {'ok' if self.passed else 'flag'}"

    @property
    def rule_label(self) -> str:
        return str(RuleCode(self.rule).label) if self.rule in RuleCode.values else self.rule


class WatchListEntry(models.Model):
    """A person an officer watches, held only as the blind index of their document number."""

    doc_index = models.CharField(_("document number (blind index)"), max_length=40, db_index=True)
    doc_masked = models.CharField(_("document number"), max_length=24, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("maintained by (jurisdiction)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch-list entries")

    def __str__(self) -> str:
        return self.doc_masked or self.doc_index[:8]

    @builtins.property
    def division_code(self) -> str:
        return self.division_id


class PhoneChallenge(models.Model):
    """A one-time code sent by SMS; only its hash is stored, it expires and allows few attempts."""

    phone_index = models.CharField(_("phone (blind index)"), max_length=40, db_index=True)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone challenge")
        verbose_name_plural = _("phone challenges")

    def __str__(self) -> str:
        return f"challenge {self.pk}"


class ImportBatch(models.Model):
    """An all-or-nothing batch of a bulk import; a retry with its id returns the stored outcome."""

    batch_id = models.CharField(_("batch id"), max_length=80)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"))
    rows = models.PositiveIntegerField(_("rows"))
    accepted = models.BooleanField(pgettext_lazy("import batch", "accepted"))
    outcome = models.JSONField(_("outcome"), default=dict)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [models.UniqueConstraint(fields=["client", "batch_id"], name="import_batch_once_per_client")]

    def __str__(self) -> str:
        return self.batch_id


class CheckinSubmission(models.Model):
    """A machine client's check-in accepted asynchronously (`Prefer: respond-async`): checked for what can
    fail fast, stored once per client and key (`payload_enc`: the request body, AES-GCM encrypted, since it
    carries identity numbers), then filed by the intake worker through the same action as a synchronous
    check-in (`civitas.residence.intake`).

    Accepting is the hot write of a hotel system's check-ins, so the row carries no more than it must:
    `client` is not a foreign-key constraint in the database (`db_constraint=False`). A constraint makes
    PostgreSQL check every inserted row with `SELECT ... FOR KEY SHARE` on the account, and all the
    submissions of one client lock that same row (a WAL-logged row lock each, a new multixact whenever two
    overlap), as the card scans' log did (`services.CardVerification`). The value written is always the
    authenticated client's own key; deleting an account with submissions is refused (PROTECT) by Django's
    delete collector, which does not depend on the constraint. The unique (client, key) index serves every
    lookup by client, so `client` has no index of its own, and `declaration` is indexed only where it is set
    (a received submission has none)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # see the class docstring
        db_index=False,  # the unique (client, key) constraint's index leads with it
    )
    key = models.CharField(_("idempotency key"), max_length=80)
    source = models.CharField(_("source"), max_length=20)
    payload_enc = models.TextField(_("payload (encrypted)"))
    received_at = models.DateTimeField(_("received"))
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # indexed where set: `checkin_submission_declaration` below
    )
    error = models.JSONField(_("errors"), default=list, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("check-in submission")
        verbose_name_plural = _("check-in submissions")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="checkin_submission_once_per_client")]
        indexes = [
            models.Index(fields=["id"], condition=Q(status="received"), name="checkin_submission_due"),
            models.Index(
                fields=["declaration"],
                condition=Q(declaration__isnull=False),
                name="checkin_submission_declaration",
            ),
        ]

    def __str__(self) -> str:
        return f"submission {self.pk}"
