"""Residence permits, their applications and endorsements, facts behind eligibility, and school places."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civitas.permits.choices import (
    LIVE_PERMIT,
    OPEN_APPLICATION,
    ApplicationStatus,
    CancelReason,
    FactKind,
    Grade,
    InsuranceType,
    PermitStatus,
    ReminderKind,
    SchoolApplicationStatus,
)
from civitas.permits.eligibility import add_months
from civitas.places.models import ScopedQuerySet


class PermitRules(models.Model):
    """The one row of configurable rules (JSON); defaults live in `rules.DEFAULTS`."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    data = models.JSONField(_("rules"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("permit rules")
        verbose_name_plural = _("permit rules")

    def __str__(self) -> str:
        return "permit rules"


class EvidenceFact(models.Model):
    """A fact an officer recorded from a document: an employment contract, a property deed, an enrolment."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="permit_facts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FactKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    reference = models.CharField(_("document reference"), max_length=80)
    label = models.CharField(_("description"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility fact")
        verbose_name_plural = _("eligibility facts")
        indexes = [models.Index(fields=["person", "kind"], name="permitfact_person_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class ApplicationQuerySet(ScopedQuerySet):
    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN_APPLICATION)

    def overdue(self, today: datetime.date) -> ApplicationQuerySet:
        return self.filter(status=ApplicationStatus.ACCEPTED, due_on__lt=today)


class PermitApplication(models.Model):
    """An application: submitted → accepted (the legal clock starts) → issued within 15 (max 30) days."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="permit_applications",
    )
    division = models.ForeignKey(
        "places.Division", verbose_name=_("lives in"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    due_on = models.DateField(_("to be issued by"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    eligibility = models.JSONField(_("eligibility when submitted"), default=dict)
    channel = models.CharField(_("channel"), max_length=12, default="online")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=OPEN_APPLICATION),
                name="one_open_permit_application",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status"], name="permitapp_division_status"),
            models.Index(fields=["status", "due_on"], name="permitapp_status_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SQ{self.pk or 0:08d}"

    @property
    def channel_label(self) -> str:
        labels = {"online": _("online, by the resident"), "counter": _("at the counter, by an officer")}
        return str(labels.get(self.channel, self.channel))

    @property
    def division_code(self) -> str:
        return self.division_id

    def days_left(self, today: datetime.date) -> int | None:
        return (self.due_on - today).days if self.due_on else None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == ApplicationStatus.ACCEPTED and self.due_on is not None and today > self.due_on


class PermitQuerySet(ScopedQuerySet):
    def live(self) -> PermitQuerySet:
        return self.filter(status__in=LIVE_PERMIT)


class Permit(models.Model):
    """An issued residence permit; `valid_until` is the next anniversary by which it must be endorsed."""

    number = models.CharField(_("permit number"), max_length=24, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="permits"
    )
    application = models.OneToOneField(
        PermitApplication,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="permit",
    )
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("issued where the holder lives"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.VALID)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("endorse by"))
    residence_years_since = models.DateField(
        _("residence years counted from"),
        help_text=_("Restarts on a late endorsement (Interim Regulations art. 10)."),
    )
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason cancelled"), max_length=14, choices=CancelReason.choices, blank=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=LIVE_PERMIT), name="one_live_permit_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status"], name="permit_division_status"),
            models.Index(fields=["status", "valid_until"], name="permit_status_valid_until"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def division_code(self) -> str:
        return self.division_id

    def window_opens(self, window_months: int = 1) -> datetime.date:
        return add_months(self.valid_until, -window_months)

    def can_endorse(self, today: datetime.date, window_months: int = 1) -> bool:
        """On time inside the window before the anniversary; late (restoring) once suspended."""
        if self.status == PermitStatus.SUSPENDED:
            return True
        return self.status == PermitStatus.VALID and self.window_opens(window_months) <= today <= self.valid_until

    def is_valid_on(self, today: datetime.date) -> bool:
        return self.status == PermitStatus.VALID and today <= self.valid_until

    def residence_years(self, today: datetime.date) -> int:
        years = today.year - self.residence_years_since.year
        if (today.month, today.day) < (self.residence_years_since.month, self.residence_years_since.day):
            years -= 1
        return max(years, 0)


class Endorsement(models.Model):
    permit = models.ForeignKey(Permit, verbose_name=_("permit"), on_delete=models.CASCADE, related_name="endorsements")
    endorsed_on = models.DateField(_("endorsed on"))
    late = models.BooleanField(_("late (after suspension)"), default=False)
    previous_valid_until = models.DateField(_("was due by"))
    valid_until = models.DateField(_("now endorse by"))
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["-endorsed_on"]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.endorsed_on}"


class EligibilityNotice(models.Model):
    """A resident was told (by SMS, with a signed link) that they can apply; sent once per person."""

    person = models.OneToOneField("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))
    sent_sms = models.BooleanField(_("SMS sent"), default=False)

    class Meta:
        verbose_name = _("eligibility notice")
        verbose_name_plural = _("eligibility notices")

    def __str__(self) -> str:
        return f"{self.person_id} {self.sent_on}"


class Reminder(models.Model):
    """A reminder sent to a holder (one per permit, kind and due date: re-running sends nothing twice)."""

    permit = models.ForeignKey(Permit, verbose_name=_("permit"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=14, choices=ReminderKind.choices)
    due_on = models.DateField(_("concerns the date"))
    created_on = models.DateField(_("created on"))
    sent_sms = models.BooleanField(_("SMS sent"), default=False)
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["permit", "kind", "due_on"], name="one_reminder_per_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


# --- School places ---------------------------------------------------------------------------------


class SchoolQuerySet(ScopedQuerySet):
    division_field = "township__code"


class School(models.Model):
    name = models.CharField(_("name"), max_length=80)
    township = models.ForeignKey(
        "places.Division", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    grade1_places = models.PositiveIntegerField(_("Grade 1 places"), default=0)
    grade7_places = models.PositiveIntegerField(_("Grade 7 places"), default=0)
    grade1_points_quota = models.PositiveIntegerField(_("Grade 1 places for points applicants"), default=0)
    grade7_points_quota = models.PositiveIntegerField(_("Grade 7 places for points applicants"), default=0)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["township_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.township_id

    def places(self, grade: int) -> int:
        return self.grade1_places if grade == Grade.PRIMARY_1 else self.grade7_places

    def quota(self, grade: int) -> int:
        """Places for points applicants (all places of the grade when no separate quota is set)."""
        quota = self.grade1_points_quota if grade == Grade.PRIMARY_1 else self.grade7_points_quota
        return quota or self.places(grade)


class PointsSchemeRecord(models.Model):
    """A stored points scheme (JSON read by `schoolpoints.PointsScheme.from_dict`) and its tie-break rule."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    data = models.JSONField(_("scheme"))
    tie_break = models.JSONField(_("tie-break rule"), default=dict)
    active = models.BooleanField(_("in use"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")

    def __str__(self) -> str:
        return self.code


class InsurancePeriod(models.Model):
    """Social-insurance contributions of one type, month to month (entered by staff or imported)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="insurance_periods"
    )
    type = models.CharField(_("insurance"), max_length=14, choices=InsuranceType.choices)
    from_month = models.CharField(_("from (YYYY-MM)"), max_length=7)
    to_month = models.CharField(_("to (YYYY-MM)"), max_length=7, blank=True, help_text=_("Empty = still paying."))
    in_district = models.BooleanField(_("paid in Yiwu"), default=True)
    source = models.CharField(_("source"), max_length=12, default="entered")

    class Meta:
        verbose_name = _("social-insurance period")
        verbose_name_plural = _("social-insurance periods")
        indexes = [models.Index(fields=["person"], name="insurance_person")]

    def __str__(self) -> str:
        return f"{self.type} {self.from_month}..{self.to_month}"

    def as_fact(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "from": self.from_month,
            "to": self.to_month or None,
            "in_district": self.in_district,
        }


class AllocationRun(models.Model):
    year = models.PositiveSmallIntegerField(_("school year"))
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    scheme = models.ForeignKey(PointsSchemeRecord, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    tie_break = models.JSONField(_("tie-break rule"))
    ran_at = models.DateTimeField(_("run at"))
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicants = models.PositiveIntegerField(_("applicants"), default=0)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    cutoffs = models.JSONField(_("cut-off scores by school"), default=list)

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.year} G{self.grade}"


class SchoolApplicationQuerySet(ScopedQuerySet):
    pass


class SchoolApplication(models.Model):
    """A family's application for a Grade 1 or Grade 7 place with preferences, facts and the score."""

    parent = models.ForeignKey(
        "people.Person",
        verbose_name=_("parent (permit holder)"),
        on_delete=models.PROTECT,
        related_name="school_applications",
    )
    child_name = models.CharField(_("child's name"), max_length=100)
    child_birth_date = models.DateField(_("child's date of birth"))
    division = models.ForeignKey(
        "places.Division", verbose_name=_("family lives in"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("school year"))
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    preferences = models.JSONField(_("school preferences (ids, most wanted first)"), default=list)
    declared = models.JSONField(_("facts declared by the family"), default=dict, blank=True)
    facts = models.JSONField(_("facts used"), default=dict)
    breakdown = models.JSONField(_("score breakdown"), default=dict)
    score = models.FloatField(_("score"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SchoolApplicationStatus.choices,
        default=SchoolApplicationStatus.SUBMITTED,
    )
    placed_school = models.ForeignKey(
        School,
        verbose_name=_("placed at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preference_rank = models.PositiveSmallIntegerField(_("preference placed"), null=True, blank=True)
    result_reason = models.TextField(_("why"), blank=True)
    run = models.ForeignKey(
        AllocationRun,
        verbose_name=_("allocation run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    permit_date = models.DateField(_("continuous permit since"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = SchoolApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("school-place application")
        verbose_name_plural = _("school-place applications")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "child_name", "child_birth_date", "year", "grade"],
                name="one_school_application_per_child",
            ),
        ]
        indexes = [models.Index(fields=["year", "grade", "status"], name="schoolapp_year_grade")]

    def __str__(self) -> str:
        return f"{self.child_name} {self.year} G{self.grade}"

    @property
    def division_code(self) -> str:
        return self.division_id
