"""Foreign residents' services: the catalogue, online applications, the 1+N network, merchant cards."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.places.models import ScopedQuerySet
from civitas.services.choices import (
    LANGS,
    ApplicationStatus,
    AppointmentStatus,
    CardStatus,
    HolidayKind,
    Lang,
    PartnerKind,
    PointKind,
    ReminderKind,
    Scenario,
    ServiceKind,
    VerificationResult,
    VolunteerKind,
)
from civitas.services.texts import localized, search_text


class DivisionCodeQuerySet(ScopedQuerySet):
    division_field = "division_code"


class ServiceCategory(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    names = models.JSONField(_("names by language"), default=dict)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name()

    def name(self, lang: str | None = None) -> str:
        return localized(self.names, lang)


class Service(models.Model):
    """One item of the 义境 catalogue. Texts are JSON {language: text} with a fallback (see texts.py)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices, default=ServiceKind.INFORMATION)
    name = models.JSONField(_("name"), default=dict)
    summary = models.JSONField(_("what it is"), default=dict)
    eligibility = models.JSONField(_("who may apply"), default=dict)
    department = models.JSONField(_("department"), default=dict)
    documents_needed = models.JSONField(_("documents needed"), default=dict, help_text=_("{language: [text, …]}"))
    fees = models.JSONField(_("fees"), default=dict)
    legal_basis = models.JSONField(_("legal basis"), default=dict)
    where_to_go = models.JSONField(_("where to go"), default=dict)
    time_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"), default=15)
    baseline_days = models.PositiveSmallIntegerField(
        _("processing time before reform (working days)"),
        null=True,
        blank=True,
        help_text=_("The comparison for the 'processing time cut' report."),
    )
    form_fields = models.JSONField(
        _("form fields"),
        default=list,
        blank=True,
        help_text=_("[{name, type, required, label: {language: text}, choices}]"),
    )
    upload_specs = models.JSONField(
        _("uploads"),
        default=list,
        blank=True,
        help_text=_("[{code, required, label: {language: text}, types, max_mb}]"),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    search_zh = models.TextField(_("search text (Chinese)"), blank=True, editable=False)
    search_en = models.TextField(_("search text (English)"), blank=True, editable=False)
    search_ar = models.TextField(_("search text (Arabic)"), blank=True, editable=False)
    search_ru = models.TextField(_("search text (Russian)"), blank=True, editable=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__order", "order", "code"]

    def __str__(self) -> str:
        return self.text("name")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search()
        if kwargs.get("update_fields"):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_zh", "search_en", "search_ar", "search_ru"}
        super().save(*args, **kwargs)

    def text(self, field: str, lang: str | None = None) -> Any:
        return localized(getattr(self, field), lang)

    @property
    def is_online(self) -> bool:
        return self.kind == ServiceKind.ONLINE

    def refresh_search(self) -> None:
        for field, lang in zip(("search_zh", "search_en", "search_ar", "search_ru"), LANGS, strict=True):
            setattr(self, field, search_text(self, lang))


class Holiday(models.Model):
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ResidentProfile(models.Model):
    """What the services app knows about a foreign resident beyond the registry."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="service_profile"
    )
    language = models.CharField(_("language"), max_length=8, choices=Lang.choices, default=Lang.EN)
    visa_expiry = models.DateField(_("visa stay expires"), null=True, blank=True)
    residence_permit_expiry = models.DateField(_("residence permit expires"), null=True, blank=True)
    moved_at = models.DateTimeField(_("moved to a new address at"), null=True, blank=True)
    accommodation_registered_at = models.DateTimeField(_("accommodation registered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")

    def __str__(self) -> str:
        return str(self.person)


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="service_applications"
    )
    division_code = models.CharField(_("division code"), max_length=15, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    language = models.CharField(_("language"), max_length=8, choices=Lang.choices, default=Lang.EN)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_on = models.DateField(_("submitted on (local date)"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    due_on = models.DateField(
        _("legal deadline"),
        null=True,
        blank=True,
        help_text=_("Empty while the clock is stopped or after the decision."),
    )
    processing_days = models.PositiveSmallIntegerField(_("processing time (working days)"), null=True, blank=True)

    objects = DivisionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="svc_application_status_due")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.MORE_DOCUMENTS,
        )


class ApplicationStep(models.Model):
    """The applicant-visible timeline of an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


class ClockStop(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="stops"
    )
    started_on = models.DateField(_("stopped on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.started_on} → {self.ended_on or '…'}"


def _upload_path(instance: ApplicationDocument, filename: str) -> str:
    today = datetime.date.today()
    return f"services/applications/{today:%Y/%m}/{instance.application.reference}-{instance.code}-{filename}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    code = models.CharField(pgettext_lazy("services", "document type"), max_length=40)
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded document")
        verbose_name_plural = _("uploaded documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ServicePoint(models.Model):
    """The service centre (1) and the stations (N)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PointKind.choices, default=PointKind.STATION)
    name = models.JSONField(_("name"), default=dict)
    address = models.JSONField(_("address"), default=dict)
    hours = models.JSONField(_("opening hours"), default=dict)
    division_code = models.CharField(_("division code"), max_length=15, db_index=True)
    languages = models.JSONField(
        _("languages spoken"), default=list, help_text=_('language codes, e.g. ["zh-hans", "en", "ar"]')
    )
    services = models.ManyToManyField(Service, verbose_name=_("services offered"), related_name="points", blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = DivisionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.text("name")

    def text(self, field: str, lang: str | None = None) -> Any:
        return localized(getattr(self, field), lang)


class Slot(models.Model):
    point = models.ForeignKey(
        ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=4)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["point", "starts_at"], name="svc_slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="svc_slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="service_appointments"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    queue_number = models.PositiveIntegerField(_("queue number"), null=True, blank=True)
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"],
                condition=~Q(status="cancelled"),
                name="svc_appointment_one_per_person_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class QueueCounter(models.Model):
    point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("queue counter")
        verbose_name_plural = _("queue counters")
        constraints = [models.UniqueConstraint(fields=["point", "day"], name="svc_queue_counter_unique")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day} #{self.last}"


class Partner(models.Model):
    """An organisation that scans merchant cards, registered for the scenarios it may check."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    scenarios = models.JSONField(_("allowed scenarios"), default=list)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("accounts"), blank=True, related_name="service_partners"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scenario partner")
        verbose_name_plural = _("scenario partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def allows(self, scenario: str) -> bool:
        return self.active and scenario in self.scenarios


class MerchantCard(models.Model):
    """外籍商友卡. `serial` grows on every renewal, so older QR codes are superseded."""

    number = models.CharField(_("card number"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="merchant_cards"
    )
    division_code = models.CharField(_("division code"), max_length=15, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.APPLIED)
    serial = models.PositiveIntegerField(_("credential serial"), default=0)
    applied_at = models.DateTimeField(_("applied at"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    status_note = models.CharField(_("reason"), max_length=200, blank=True)

    objects = DivisionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("merchant card")
        verbose_name_plural = _("merchant cards")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["applied", "active", "suspended"]),
                name="svc_one_live_card_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class CardVerification(models.Model):
    """One scan by a partner: the holder sees every one of these.

    `partner` and `by` are not foreign-key constraints in the database (`db_constraint=False`), on purpose.
    A constraint makes PostgreSQL check every inserted row with `SELECT ... FOR KEY SHARE` on the parent,
    and the parents here are hot: all the scans of one partner (a bus company's validators, a market's
    stalls) would lock the same partner row and the same account row, a WAL-logged row lock per scan and a
    new multixact whenever two scans overlap. The values written are always the authenticated partner's and
    account's own keys (`actions.do_verify_card`); deleting a partner is refused (PROTECT) and deleting an
    account clears `by` (SET_NULL), both enforced by Django's delete collector, which does not depend on the
    constraint. `card` keeps its constraint: its rows are spread over all holders.
    """

    card = models.ForeignKey(
        MerchantCard,
        verbose_name=_("card"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="scans",
        db_constraint=False,  # see the class docstring
    )
    scenario = models.CharField(_("scenario"), max_length=12, choices=Scenario.choices)
    result = models.CharField(_("result"), max_length=12, choices=VerificationResult.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scanned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # see the class docstring
    )

    class Meta:
        verbose_name = _("card verification")
        verbose_name_plural = _("card verifications")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.card_id} {self.scenario} {self.result}"


class Reminder(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="service_reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    subject_date = models.DateField(_("date it is about"))
    act_by = models.DateField(_("act by"))
    language = models.CharField(_("language"), max_length=8, choices=Lang.choices)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "subject_date"], name="svc_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_date}"


class Volunteer(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="service_volunteering"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VolunteerKind.choices, default=VolunteerKind.VOLUNTEER)
    languages = models.JSONField(_("languages"), default=list)
    country = models.CharField(_("country"), max_length=3)
    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="svc_volunteer_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"
