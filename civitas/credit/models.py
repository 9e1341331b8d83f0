"""Points schemes as data, an append-only ledger, balances, consequences, appeals and merchant files.

A scheme (the landlord 12-point scheme, the merchant credit) has versioned rule sets: the set in force
on a date is the enacted one with the latest `effective_from` on or before it. Ledger entries are never
edited or deleted; a reversal is a new, compensating entry.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.credit.choices import (
    AppealStatus,
    Assessment,
    CapPeriod,
    Cycle,
    EntryKind,
    RuleMode,
    RuleSetStatus,
    SubjectType,
)
from civitas.credit.texts import localized


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    name = models.JSONField(_("name in each language"), default=dict)
    starting_balance = models.IntegerField(_("starting balance"))
    cycle = models.CharField(_("cycle"), max_length=20, choices=Cycle.choices, default=Cycle.CALENDAR_YEAR)
    assessment = models.CharField(
        _("assessment"), max_length=20, choices=Assessment.choices, default=Assessment.MONTHLY
    )
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal a deduction"), default=15)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def label(self, lang: str | None = None) -> str:
        return localized(self.name, lang) or self.code


class RuleSet(models.Model):
    """One version of a scheme's rules and thresholds, in force from `effective_from` once enacted."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="rule_sets")
    version = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    status = models.CharField(_("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["scheme", "effective_from", "version"]
        constraints = [models.UniqueConstraint(fields=["scheme", "version"], name="ruleset_version_unique")]

    def __str__(self) -> str:
        return f"{self.scheme.code} v{self.version}"


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("code"), max_length=60)
    description = models.JSONField(_("description in each language"), default=dict)
    points = models.SmallIntegerField(_("points"), help_text=_("Positive adds, negative deducts."))
    cap_points = models.PositiveSmallIntegerField(
        _("cap"),
        null=True,
        blank=True,
        help_text=_("At most this many points from this rule per cap period."),
    )
    cap_period = models.CharField(_("cap period"), max_length=10, choices=CapPeriod.choices, blank=True)
    mode = models.CharField(_("how it is applied"), max_length=10, choices=RuleMode.choices, default=RuleMode.BOTH)
    evidence_required = models.BooleanField(_("evidence required"), default=False)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["rule_set", "-points", "code"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique_in_set")]

    def __str__(self) -> str:
        return f"{self.code} ({self.points:+d})"

    def text(self, lang: str | None = None) -> str:
        return localized(self.description, lang) or self.code

    def clean(self) -> None:
        if self.cap_points is not None and not self.cap_period:
            raise ValidationError({"cap_period": _("A cap needs a period.")})


class Threshold(models.Model):
    """A band of balances (min..max, either open) with a consequence; merchant grades are bands too."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="thresholds"
    )
    code = models.SlugField(_("code"), max_length=60)
    min_points = models.IntegerField(_("at or above"), null=True, blank=True)
    max_points = models.IntegerField(_("at or below"), null=True, blank=True)
    grade = models.CharField(pgettext_lazy("credit grade", "grade"), max_length=2, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    consequences = models.JSONField(
        _("consequences"),
        default=list,
        blank=True,
        help_text=_("Codes such as training, fast_lane, blacklist."),
    )
    description = models.JSONField(_("description in each language"), default=dict)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["rule_set", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="threshold_code_unique_in_set"),
            models.CheckConstraint(
                condition=Q(min_points__isnull=False) | Q(max_points__isnull=False),
                name="threshold_has_a_bound",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def holds(self, balance: int) -> bool:
        return (self.min_points is None or balance >= self.min_points) and (
            self.max_points is None or balance <= self.max_points
        )

    def text(self, lang: str | None = None) -> str:
        return localized(self.description, lang) or self.code


def evidence_path(instance: Any, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"credit/evidence/{instance.occurred_on:%Y/%m}/{secrets.token_hex(12)}.{suffix}"


class LedgerEntryQuerySet(models.QuerySet):
    def for_subject(self, scheme: Scheme | int, subject_type: str, subject_id: int) -> LedgerEntryQuerySet:
        return self.filter(scheme=scheme, subject_type=subject_type, subject_id=subject_id)


class LedgerEntry(models.Model):
    """One append-only movement of points. Never updated or deleted; reversals are new entries."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="entries")
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices, default=EntryKind.RULE)
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject"))
    division_code = models.CharField(_("division code"), max_length=15, blank=True)
    points = models.SmallIntegerField(_("points applied"))
    requested_points = models.SmallIntegerField(_("points before caps"))
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    occurred_on = models.DateField(_("occurred on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_note = models.TextField(_("evidence note"), blank=True)
    evidence_photo = models.FileField(_("evidence photo"), upload_to=evidence_path, blank=True)
    source_event = models.OneToOneField(
        "core.DomainEvent",
        verbose_name=_("source event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entry",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    explanation = models.JSONField(_("explanation in plain words"), default=dict)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["scheme", "subject_type", "subject_id", "cycle"], name="entry_subject_cycle"),
            models.Index(fields=["scheme", "cycle", "rule"], name="entry_cycle_rule"),
            models.Index(fields=["division_code"], name="entry_division"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.subject_type}:{self.subject_id} {self.points:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Ledger entries are never edited; record a compensating entry."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("Ledger entries are never deleted; record a compensating entry."))

    def text(self, lang: str | None = None) -> str:
        """The plain-words reason in the reader's language (`explanation` keeps what was sent at the time)."""
        from civitas.credit.explanations import explain

        return explain(self.rule, self.points, self.requested_points, self.evidence_note, self.kind, lang)

    @property
    def is_deduction(self) -> bool:
        return self.kind == EntryKind.RULE and self.points < 0


class Balance(models.Model):
    """Cached balance per subject and cycle, updated in the entry's transaction; recomputable.

    A cache rebuilt from the ledger in one statement, so it carries only what its readers use: the
    unique key (scheme, cycle, subject) serves every lookup, the row lock and a cycle's scan. The scheme
    reference is not a database foreign key (a check per row written, at commit) nor separately indexed:
    rows are written only by `ledger` from a Scheme it holds, schemes are never deleted (the ledger
    protects them), and Django still refuses to delete a scheme with balances.
    """

    scheme = models.ForeignKey(
        Scheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject"))
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    points = models.IntegerField(_("points"))
    division_code = models.CharField(_("division code"), max_length=15, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("balance")
        verbose_name_plural = _("balances")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "cycle", "subject_type", "subject_id"], name="balance_unique_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.cycle} = {self.points}"


class ConsequenceState(models.Model):
    """A threshold that holds for a subject: started when crossed, ended when it no longer holds."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    threshold = models.ForeignKey(Threshold, verbose_name=_("threshold"), on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject"))
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    start_balance = models.IntegerField(_("balance when started"))
    end_reason = models.CharField(_("why it ended"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "subject_type", "subject_id", "threshold"],
                condition=Q(ended_at__isnull=True),
                name="one_open_consequence_per_threshold",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="consequence_subject")]

    def __str__(self) -> str:
        return f"{self.threshold.code} {self.subject_type}:{self.subject_id}"


class Appeal(models.Model):
    entry = models.OneToOneField(LedgerEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="appeal")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    reversal = models.OneToOneField(
        LedgerEntry,
        verbose_name=_("compensating entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_at"]
        indexes = [models.Index(fields=["status", "filed_at"], name="appeal_status_filed")]

    def __str__(self) -> str:
        return f"appeal #{self.pk} on entry #{self.entry_id}"


class Notification(models.Model):
    """What the subject was told (a deduction, an appeal decision); also sent by SMS when possible."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="credit_notifications",
    )
    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sms_sent = models.BooleanField(_("sent by SMS"), default=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


def new_public_token() -> str:
    return secrets.token_urlsafe(18)


class MerchantFile(models.Model):
    """A merchant's credit file; the grade is public only with the merchant's consent."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="merchant_file"
    )
    trade_name = models.CharField(_("trade name"), max_length=120)
    market = models.CharField(_("market and stall"), max_length=120, blank=True)
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_consent = models.BooleanField(_("consents to a public grade lookup"), default=False)
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    public_token = models.CharField(_("public token"), max_length=40, unique=True, default=new_public_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant file")
        verbose_name_plural = _("merchant files")

    def __str__(self) -> str:
        return self.trade_name

    @property
    def division_code(self) -> str:
        return self.division_id or ""
