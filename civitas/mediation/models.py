"""Mediators, cases and everything that happens to a case: offers, sessions, agreements, referrals.

Mediation is free: no model here has a fee, and no action charges one. Phone numbers of parties exist
only as ciphertext, a blind index and a masked form (civitas.privacy).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.mediation.choices import (
    LANGUAGE_CODES,
    AlertKind,
    CaseStatus,
    Category,
    Channel,
    ConfirmationStatus,
    ContactOutcome,
    DecisionKind,
    MediatorKind,
    OfferStatus,
    PartyKind,
    PartyRole,
    Performance,
    RatingDirection,
    ReferralTarget,
    RiskGrade,
    SessionMode,
    SignatureMethod,
)
from civitas.places.models import ScopedQuerySet

FOREIGN_MIN_LANGUAGES = 3
FOREIGN_MIN_LICENCE_YEARS = 5
FOREIGN_MIN_TAX_YEARS = 3


class DivisionScoped(ScopedQuerySet):
    """In this app `division_id__startswith` is refused by the ORM; the code path works the same."""

    division_field = "division__code"


class Mediator(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediator_profile",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_latin = models.CharField(_("name in Latin script"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MediatorKind.choices)
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")
    languages = models.JSONField(_("languages"), default=list, help_text=_("Language codes, e.g. zh, ar, en."))
    home_province = models.CharField(_("home province"), max_length=2, blank=True)
    dialect = models.CharField(_("dialect"), max_length=40, blank=True)
    skills = models.JSONField(_("skills"), default=list)
    station = models.CharField(_("station"), max_length=120, blank=True)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(_("station latitude"), null=True, blank=True)
    longitude = models.FloatField(_("station longitude"), null=True, blank=True)
    on_duty = models.BooleanField(_("on duty"), default=False)
    load = models.PositiveSmallIntegerField(_("open cases"), default=0)
    max_load = models.PositiveSmallIntegerField(_("maximum open cases"), default=5, validators=[MinValueValidator(1)])
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, default=Decimal("4.00"))
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    conflicts = models.JSONField(
        _("conflicts of interest"),
        default=list,
        blank=True,
        help_text=_("Party keys (person:<id> or name:<name>) this mediator may not mediate."),
    )
    active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    profile_version = models.PositiveIntegerField(
        _("profile version"), default=1, help_text=_("Raised on every profile change; dispatch caches by it.")
    )
    # Foreign mediators' documented qualifications.
    clean_record = models.BooleanField(_("clean record"), default=False)
    company_name = models.CharField(_("trading company"), max_length=120, blank=True)
    company_licence_years = models.PositiveSmallIntegerField(_("company licence (years)"), default=0)
    tax_record_years = models.PositiveSmallIntegerField(_("tax records (years)"), default=0)
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)

    objects = DivisionScoped.as_manager()

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        indexes = [models.Index(fields=["on_duty", "active"], name="mediator_duty")]

    def __str__(self) -> str:
        return self.name_latin or self.name

    @property
    def division_code(self) -> str:
        return self.division_id

    def clean(self) -> None:
        errors: dict[str, list[object]] = {}
        unknown = [code for code in self.languages if code not in LANGUAGE_CODES]
        if unknown:
            errors["languages"] = [_("Unknown language codes: {codes}.").format(codes=", ".join(unknown))]
        if not self.languages:
            errors["languages"] = [_("A mediator speaks at least one language.")]
        if self.skills and not set(self.skills) <= set(Category.values):
            errors["skills"] = [_("Choose skills from the list of categories.")]
        if self.kind == MediatorKind.FOREIGN:
            if len(set(self.languages)) < FOREIGN_MIN_LANGUAGES or "zh" not in self.languages:
                errors.setdefault("languages", []).append(
                    _("A foreign mediator speaks at least {n} languages including Chinese.").format(
                        n=FOREIGN_MIN_LANGUAGES
                    )
                )
            if self.company_licence_years < FOREIGN_MIN_LICENCE_YEARS:
                errors["company_licence_years"] = [
                    _("A foreign mediator's company holds a licence for at least {n} years.").format(
                        n=FOREIGN_MIN_LICENCE_YEARS
                    )
                ]
            if self.tax_record_years < FOREIGN_MIN_TAX_YEARS:
                errors["tax_record_years"] = [
                    _("A foreign mediator's company has at least {n} years of tax records.").format(
                        n=FOREIGN_MIN_TAX_YEARS
                    )
                ]
            if not self.clean_record:
                errors["clean_record"] = [_("A foreign mediator has a clean record.")]
            if self.probation_end is None:
                errors["probation_end"] = [_("Enter the end of the one-year probation.")]
        if self.kind == MediatorKind.HOMETOWN and not self.home_province:
            errors["home_province"] = [_("A hometown helper has a home province.")]
        if errors:
            raise ValidationError(errors)

    def on_probation(self, today: datetime.date | None = None) -> bool:
        return bool(self.probation_end and self.probation_end > (today or timezone.localdate()))


class CaseQuerySet(DivisionScoped):
    def open(self) -> CaseQuerySet:
        from civitas.mediation.choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    code = models.CharField(_("case code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    amount = models.DecimalField(_("amount in dispute (CNY)"), max_digits=12, decimal_places=2, default=Decimal(0))
    claimants = models.PositiveIntegerField(_("number of claimants"), default=1)
    threats = models.BooleanField(_("threats of violence or self-harm"), default=False)
    repeat_parties = models.BooleanField(_("parties in earlier disputes"), default=False)
    risk = models.CharField(_("risk grade"), max_length=6, choices=RiskGrade.choices, default=RiskGrade.LOW)
    simple = models.BooleanField(_("simple case"), default=True)
    description = models.TextField(_("what happened"))
    language = models.CharField(_("filed in language"), max_length=10, blank=True)
    hometown_province = models.CharField(_("hometown case of province"), max_length=2, blank=True)
    division = models.ForeignKey("places.Division", verbose_name=_("where"), on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW)
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    strikes = models.PositiveSmallIntegerField(_("declined or timed-out offers"), default=0)
    queue_reason = models.CharField(_("why with a human dispatcher"), max_length=24, blank=True)
    queue_detail = models.JSONField(_("queue details"), default=dict, blank=True)
    same_day = models.BooleanField(_("same-day handling"), default=False)
    needs_person = models.BooleanField(_("a person must take over contact"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("mediation", "closed at"), null=True, blank=True)
    settled_amount = models.DecimalField(
        _("settled amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["division", "created_at"], name="case_division_time"),
            models.Index(fields=["status", "created_at"], name="case_status_time"),
            models.Index(fields=["category", "created_at"], name="case_category_time"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def division_code(self) -> str:
        return self.division_id

    @property
    def is_open(self) -> bool:
        from civitas.mediation.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class Party(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=PartyKind.choices, default=PartyKind.PERSON)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("registered person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For merchants and landlords: the person whose credit file applies."),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120)
    company = models.CharField(_("company or shop"), max_length=120, blank=True)
    foreign = models.BooleanField(_("foreign"), default=False)
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")
    languages = models.JSONField(_("languages"), default=list)
    hometown_province = models.CharField(_("home province"), max_length=2, blank=True)
    landlord = models.BooleanField(_("landlord in this dispute"), default=False)
    phone_enc = models.TextField(_("phone (encrypted)"), blank=True)
    phone_index = models.CharField(_("phone (blind index)"), max_length=40, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=24, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "id"]

    def __str__(self) -> str:
        return self.company or self.name

    @property
    def key(self) -> str:
        """Identity used for conflicts of interest and repeat-party warnings."""
        if self.person_id:
            return f"person:{self.person_id}"
        return "name:" + (self.company or self.name).strip().lower()

    @property
    def preferred_language(self) -> str:
        return self.languages[0] if self.languages else "zh"


class Evidence(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence")
    party = models.ForeignKey(
        Party,
        verbose_name=_("from party"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="mediation/evidence/%Y/%m/")
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=80, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.description or str(self.file.name)


class DispatchDecision(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decisions")
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=8, choices=DecisionKind.choices)
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("chosen mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(
        _("reasons"),
        default=dict,
        help_text=_("Ranked candidates with their reasons, and counts of excluded ones."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dispatch decision")
        verbose_name_plural = _("dispatch decisions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Offer(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="offers")
    mediator = models.ForeignKey(Mediator, verbose_name=_("mediator"), on_delete=models.PROTECT, related_name="offers")
    decision = models.ForeignKey(
        DispatchDecision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="offer_pending_expiry")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.mediator_id}"


class ContactAttempt(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts")
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=ContactOutcome.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.party_id} {self.outcome}"


class Session(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    mode = models.CharField(_("mode"), max_length=6, choices=SessionMode.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    held = models.BooleanField(_("held"), default=False)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.mode == SessionMode.PLACE and not self.place:
            raise ValidationError({"place": _("Say where the parties meet.")})
        if self.mode == SessionMode.VIDEO and not self.video_link:
            raise ValidationError({"video_link": _("Give the video link.")})


class Note(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["at"]

    def __str__(self) -> str:
        return self.text[:40]


class Agreement(models.Model):
    """Binding once every party and the mediator have signed and it is sealed (People's Mediation Law)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="agreement")
    languages = models.JSONField(_("languages"), default=list)
    texts = models.JSONField(_("terms per language"), default=dict)
    amount = models.DecimalField(_("amount agreed (CNY)"), max_digits=12, decimal_places=2, default=Decimal(0))
    perform_by = models.DateField(_("to be performed by"), null=True, blank=True)
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True)
    seal_number = models.CharField(_("seal number"), max_length=24, blank=True)
    performance = models.CharField(
        _("performance"), max_length=10, choices=Performance.choices, default=Performance.PENDING
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.case_id} agreement"

    def missing_signatures(self) -> list[str]:
        signed_parties = {s.party_id for s in self.signatures.all() if s.party_id}
        out = [str(p) for p in self.case.parties.all() if p.pk not in signed_parties]
        if not any(s.mediator_id for s in self.signatures.all()):
            out.append(str(_("the mediator")))
        return out

    @property
    def effective(self) -> bool:
        return self.sealed_at is not None and not self.missing_signatures()

    def confirmation_deadline(self) -> datetime.datetime | None:
        return self.sealed_at + datetime.timedelta(days=30) if self.sealed_at else None


class Signature(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=10, choices=SignatureMethod.choices)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmation = models.CharField(
        _("confirmation"),
        max_length=200,
        help_text=_("What was confirmed, e.g. the OTP challenge or the login."),
    )
    text_digest = models.CharField(_("digest of the signed text"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                name="one_signature_per_party",
                condition=models.Q(party__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["agreement", "mediator"],
                name="one_signature_per_mediator",
                condition=models.Q(mediator__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.party_id or self.mediator_id}"


class JudicialConfirmation(models.Model):
    agreement = models.OneToOneField(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="confirmation"
    )
    court = models.CharField(_("court"), max_length=120)
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConfirmationStatus.choices, default=ConfirmationStatus.REQUESTED
    )
    ruling_number = models.CharField(_("ruling number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("judicial confirmation")
        verbose_name_plural = _("judicial confirmations")

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.court}"


class FollowUp(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Performance.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.outcome}"


class Referral(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField(_("referred to"), max_length=12, choices=ReferralTarget.choices)
    body = models.CharField(_("receiving body"), max_length=120)
    reason = models.TextField(_("reason"))
    parties_consent = models.BooleanField(_("both parties consent"), default=False)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_file = models.JSONField(_("case file"), default=dict)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.target}"


class Rating(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="ratings")
    direction = models.CharField(_("direction"), max_length=12, choices=RatingDirection.choices)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="+")
    mediator = models.ForeignKey(Mediator, verbose_name=_("mediator"), on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["case", "direction", "party"], name="one_rating_each_way")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.direction} {self.stars}"


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True, help_text=_("Prevents repeating one alert."))
    division = models.ForeignKey(
        "places.Division", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=120)
    detail = models.JSONField(_("detail"), default=dict)
    case = models.ForeignKey(
        Case,
        verbose_name=_("latest case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = DivisionScoped.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"

    @property
    def headline(self) -> str:
        """Who or what the alert is about, in words (a spike's stored subject is codes)."""
        if self.kind == AlertKind.CATEGORY_SPIKE:
            code = str(self.detail.get("category", ""))
            return str(Category(code).label) if code in Category.values else code
        return self.subject

    @property
    def summary(self) -> str:
        """The situation in one sentence in the reader's language (the detail JSON holds the numbers)."""
        d = self.detail or {}
        if self.kind == AlertKind.REPEAT_PARTY:
            text = _("respondent in {cases} disputes within {days} days").format(
                cases=d.get("cases", "?"), days=d.get("days", "?")
            )
            return text + (" · " + str(_("landlord")) if d.get("landlord") else "")
        if self.kind == AlertKind.CATEGORY_SPIKE:
            return _("{today} cases today against a daily mean of {mean} over the trailing days").format(
                today=d.get("today", "?"), mean=d.get("trailing_mean", "?")
            )
        if self.kind == AlertKind.WAGE_GROUP:
            return _("{claimants} workers in {cases} cases claim unpaid wages").format(
                claimants=d.get("claimants", "?"), cases=d.get("cases", "?")
            )
        return ""


class PhoneChallenge(models.Model):
    """A one-time code sent by SMS: phone verification at intake, party login, party signature."""

    purpose = models.CharField(_("purpose"), max_length=12)
    phone_index = models.CharField(_("phone (blind index)"), max_length=40, db_index=True)
    phone_enc = models.TextField(_("phone (encrypted)"))
    code_hash = models.CharField(_("code digest"), max_length=64)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone challenge")
        verbose_name_plural = _("phone challenges")

    def __str__(self) -> str:
        return f"{self.purpose} {self.pk}"
