"""Safety inspections: checklists as data, premises, campaigns and tasks, inspections, hazards and the
rectification loop, public reports (Open311 leads).

A hazard's state machine lives in `Hazard.can_*` predicates (single-record rules) and in `actions.py`
(the transitions, each audited). Every row carries a grid `division` and a 9-digit `township_code` so
jurisdiction scoping is one prefix query and accountability aggregates group on an indexed column.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civitas.inspections.choices import (
    Acknowledgement,
    AssigneeKind,
    CampaignStatus,
    Department,
    EscalationLevel,
    EvidenceKind,
    HazardStatus,
    LeadStatus,
    PremisesType,
    Severity,
    TaskKind,
    TaskStatus,
)
from civitas.places.models import ScopedQuerySet

OPEN_HAZARD_STATUSES = (
    HazardStatus.LOGGED,
    HazardStatus.FIXED_ON_SPOT,
    HazardStatus.NOTICE_ISSUED,
    HazardStatus.FIX_REPORTED,
    HazardStatus.PASSED,
)


def pick_language(texts: dict[str, str], language: str | None = None) -> str:
    """The text in `language` (or the active language), falling back to English, then Chinese."""
    lang = (language or get_language() or "zh-hans").lower()
    for key in (lang, lang.split("-")[0], "en", "zh-hans"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


class Checklist(models.Model):
    """One version of the checklist for a premises type. A used version is never edited: publish a new one."""

    premises_type = models.CharField(_("premises type"), max_length=16, choices=PremisesType.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.JSONField(_("title by language"), default=dict)
    effective_from = models.DateField(_("effective from"))
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["premises_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["premises_type", "version"], name="checklist_type_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_premises_type_display()} v{self.version}"

    def title_in(self, language: str | None = None) -> str:
        return pick_language(self.title, language)

    @classmethod
    def current(cls, premises_type: str) -> Checklist | None:
        return cls.objects.filter(premises_type=premises_type, published=True).order_by("-version").first()


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.JSONField(_("text by language"), default=dict)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MAJOR)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    photo_required = models.BooleanField(_("photo required when failed"), default=False)
    deadline_days = models.PositiveSmallIntegerField(_("default rectification deadline (days)"), default=7)
    credit_rule = models.SlugField(
        _("credit rule"),
        max_length=40,
        blank=True,
        help_text=_("Rule code of the credit scheme a failure triggers (e.g. escape_window_blocked)."),
    )
    params = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_("Configurable limits, e.g. people per room or m² per person."),
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_unique")]

    def __str__(self) -> str:
        return self.code

    def text_in(self, language: str | None = None) -> str:
        text = pick_language(self.text, language)
        try:
            return text.format(**self.params) if self.params else text
        except (KeyError, IndexError, ValueError):
            return text


class OfficialProfile(models.Model):
    """Which department an official belongs to (for accountability and escalation). One per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inspection_profile",
    )
    department = models.CharField(_("department"), max_length=12, choices=Department.choices)
    title = models.CharField(_("job title"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("official profile")
        verbose_name_plural = _("official profiles")
        indexes = [models.Index(fields=["department"], name="insp_profile_department")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_department_display()})"


class PremisesQuerySet(ScopedQuerySet):
    pass


class Premises(models.Model):
    """A place that is inspected: a rental property (linked) or a shop, three-in-one premises or warehouse."""

    kind = models.CharField(_("premises type"), max_length=16, choices=PremisesType.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    rental_property = models.OneToOneField(
        "places.RentalProperty",
        verbose_name=_("rental property"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="premises",
    )
    owner = models.ForeignKey(
        "people.Person",
        verbose_name=_("owner or landlord"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="premises",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PremisesQuerySet.as_manager()

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        indexes = [
            models.Index(fields=["division", "kind"], name="premises_division_kind"),
            models.Index(fields=["owner"], name="premises_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.address}".strip()

    @property
    def division_code(self) -> str:
        return self.division_id

    @property
    def owner_kind(self) -> str:
        """Credit subject type of the owner: a landlord (12-point scheme) or a merchant (merchant credit)."""
        return "landlord" if self.kind == PremisesType.RENTAL_HOUSE else "merchant"


class Campaign(models.Model):
    """A drive (e.g. a hundred-day rental-safety campaign in one township) that generates inspection tasks."""

    name = models.CharField(_("name"), max_length=120)
    division = models.ForeignKey("places.Division", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    premises_types = models.JSONField(_("premises types"), default=list)
    assignee_kind = models.CharField(
        _("assigned to"), max_length=12, choices=AssigneeKind.choices, default=AssigneeKind.GRID_WORKER
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    tasks_generated = models.PositiveIntegerField(_("tasks generated"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.division_id


class TaskQuerySet(ScopedQuerySet):
    pass


class Task(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices, default=TaskKind.ROUTINE)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    township_code = models.CharField(_("township code"), max_length=9)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_tasks",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    hazard = models.ForeignKey(
        "Hazard",
        verbose_name=_("hazard to re-inspect"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reinspection_tasks",
    )
    lead = models.ForeignKey(
        "Lead",
        verbose_name=_("public report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        indexes = [
            models.Index(fields=["campaign", "township_code", "status"], name="task_campaign_progress"),
            models.Index(fields=["assigned_to", "status"], name="task_assignee_status"),
            models.Index(fields=["division", "status"], name="task_division_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "premises"],
                condition=Q(campaign__isnull=False),
                name="task_once_per_campaign_premises",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def division_code(self) -> str:
        return self.division_id


class Inspection(models.Model):
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="inspections"
    )
    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField(_("department"), max_length=12, choices=Department.choices, blank=True)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    township_code = models.CharField(_("township code"), max_length=9)
    inspected_at = models.DateTimeField(_("inspected at"))
    note = models.TextField(_("note"), blank=True)
    acknowledgement = models.CharField(_("acknowledgement"), max_length=8, choices=Acknowledgement.choices)
    acknowledged_by = models.CharField(_("acknowledged by (name)"), max_length=100, blank=True)
    hazards_found = models.PositiveSmallIntegerField(_("hazards found"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["township_code", "inspected_at"], name="inspection_township_time")]

    def __str__(self) -> str:
        return _("Inspection #{n}").format(n=self.pk)

    @property
    def division_code(self) -> str:
        return self.division_id


class ItemResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="item_result_once")]

    def __str__(self) -> str:
        return f"{self.item.code}: {'pass' if self.passed else 'fail'}"


class HazardQuerySet(ScopedQuerySet):
    def open(self) -> HazardQuerySet:
        return self.filter(status__in=OPEN_HAZARD_STATUSES)

    def overdue(self, today: Any) -> HazardQuerySet:
        return self.filter(status=HazardStatus.NOTICE_ISSUED, deadline__lt=today)


class Hazard(models.Model):
    """One failed checklist item at one premises, followed until a passed re-inspection closes it."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("found in inspection"), on_delete=models.PROTECT, related_name="hazards"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    premises = models.ForeignKey(Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="hazards")
    owner = models.ForeignKey(
        "people.Person",
        verbose_name=_("owner or landlord"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_hazards",
    )
    division = models.ForeignKey(
        "places.Division", verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+"
    )
    township_code = models.CharField(_("township code"), max_length=9)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=14, choices=HazardStatus.choices, default=HazardStatus.LOGGED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    found_at = models.DateTimeField(_("found at"))
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("rectification round"), default=0)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    fixed_on_time = models.BooleanField(_("fixed on time"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.GRID
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible official"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField(_("responsible department"), max_length=12, choices=Department.choices, blank=True)
    credit_event = models.ForeignKey(
        "core.DomainEvent",
        verbose_name=_("credit event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    annul_reason = models.CharField(_("reason for annulment"), max_length=300, blank=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["township_code", "status", "fixed_on_time"], name="hazard_township_status"),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
            models.Index(fields=["division", "status"], name="hazard_division_status"),
            models.Index(fields=["owner", "status"], name="hazard_owner_status"),
            models.Index(fields=["responsible", "status"], name="hazard_responsible_status"),
        ]

    def __str__(self) -> str:
        return _("Hazard #{n}").format(n=self.pk)

    @property
    def division_code(self) -> str:
        return self.division_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HAZARD_STATUSES

    # Single-record rules of the loop (the transitions themselves are in actions.py).
    def can_fix_on_spot(self) -> bool:
        return self.status == HazardStatus.LOGGED

    def can_issue_notice(self) -> bool:
        return self.status == HazardStatus.LOGGED

    def can_report_fix(self) -> bool:
        return self.status == HazardStatus.NOTICE_ISSUED

    def can_reinspect(self) -> bool:
        return self.status in (HazardStatus.FIXED_ON_SPOT, HazardStatus.FIX_REPORTED)

    def can_close(self) -> bool:
        return self.status == HazardStatus.PASSED

    def can_annul(self) -> bool:
        return self.status != HazardStatus.ANNULLED

    def is_overdue(self, today: Any) -> bool:
        return self.status == HazardStatus.NOTICE_ISSUED and self.deadline is not None and self.deadline < today


class Reinspection(models.Model):
    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="reinspections")
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    township_code = models.CharField(_("township code"), max_length=9)
    inspected_at = models.DateTimeField(_("inspected at"))
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("re-inspection")
        verbose_name_plural = _("re-inspections")
        indexes = [models.Index(fields=["township_code", "passed"], name="reinspection_township")]

    def __str__(self) -> str:
        return _("Re-inspection #{n}").format(n=self.pk)


class Notice(models.Model):
    """A rectification notice (整改通知书): one per round, rendered as a bilingual PDF on request."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="notices")
    number = models.CharField(_("notice number"), max_length=30, unique=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    issued_at = models.DateTimeField(_("issued at"))
    deadline = models.DateField(_("deadline"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    owner_language = models.CharField(_("owner's language"), max_length=10, default="zh-hans")

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class Evidence(models.Model):
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    image = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo evidence")
        verbose_name_plural = _("photo evidence")

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:10]}"


class ReportService(models.Model):
    """An Open311 service: a hazard category the public may report."""

    code = models.SlugField(_("service code"), max_length=40, unique=True)
    name = models.JSONField(_("name by language"), default=dict)
    description = models.JSONField(_("description by language"), default=dict)
    group = models.CharField(_("group"), max_length=60, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    premises_type = models.CharField(
        _("premises type"), max_length=16, choices=PremisesType.choices, default=PremisesType.RENTAL_HOUSE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("public report category")
        verbose_name_plural = _("public report categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code

    def name_in(self, language: str | None = None) -> str:
        return pick_language(self.name, language)

    def description_in(self, language: str | None = None) -> str:
        return pick_language(self.description, language)


class Lead(models.Model):
    """A public report (Open311 service request); an officer turns it into a task or dismisses it."""

    service = models.ForeignKey(
        ReportService, verbose_name=_("category"), on_delete=models.PROTECT, related_name="leads"
    )
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    media_url = models.URLField(_("media URL"), blank=True)
    photo = models.FileField(_("photo"), upload_to="inspections/leads/%Y/%m/", blank=True)
    contact_enc = models.TextField(_("contact (encrypted)"), blank=True)
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("located in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    updated_at = models.DateTimeField(_("updated at"))
    status_notes = models.CharField(_("status notes"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        indexes = [models.Index(fields=["division", "status"], name="lead_division_status")]

    def __str__(self) -> str:
        return _("Report #{n}").format(n=self.pk)

    @property
    def division_code(self) -> str:
        return self.division_id or ""


# --- Accountability rollups ---------------------------------------------------------------------------
# Counts maintained by the actions in the same transaction as each change (`rollups.py`), so the
# accountability pages sum a few thousand rollup rows instead of scanning millions of hazards. Rebuilt
# from the source tables by `manage.py inspections_rebuild_rollup`. Internal tables (never shown as
# such), so their columns carry no translated labels. `official` is a user id (0 = none);
# `division` is the grid code, so jurisdiction filtering stays a code-prefix condition in the query.


class HazardRollup(models.Model):
    """Hazards per (grid, department, responsible official, severity, status)."""

    division = models.CharField(max_length=15)
    township_code = models.CharField(max_length=9)
    department = models.CharField(max_length=12, blank=True)
    official = models.IntegerField(default=0)
    severity = models.CharField(max_length=10)
    status = models.CharField(max_length=14)
    hazards = models.IntegerField(default=0)
    fixed_on_time = models.IntegerField(default=0)
    with_deadline = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division", "township_code", "department", "official", "severity", "status"],
                name="hazard_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["township_code"], name="hazard_rollup_township")]

    def __str__(self) -> str:
        return f"{self.division} {self.status}: {self.hazards}"


class NoticeRollup(models.Model):
    """Hazards under an open rectification notice per (grid, department, official, deadline): overdue as of
    any day is the open notices minus those whose deadline has not passed (a short range of future dates)."""

    division = models.CharField(max_length=15)
    township_code = models.CharField(max_length=9)
    department = models.CharField(max_length=12, blank=True)
    official = models.IntegerField(default=0)
    deadline = models.DateField()
    notices = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division", "township_code", "department", "official", "deadline"],
                name="notice_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["deadline"], name="notice_rollup_deadline")]

    def __str__(self) -> str:
        return f"{self.division} {self.deadline}: {self.notices}"


class HazardMonthRollup(models.Model):
    """Hazards found and closed per (grid, month) for the trend; months in the default time zone."""

    division = models.CharField(max_length=15)
    township_code = models.CharField(max_length=9)
    month = models.DateField()
    measure = models.CharField(max_length=6)  # "found" or "closed"
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division", "township_code", "month", "measure"], name="hazard_month_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["month"], name="hazard_month_rollup_month")]

    def __str__(self) -> str:
        return f"{self.division} {self.month:%Y-%m} {self.measure}: {self.n}"


class InspectionRollup(models.Model):
    """Inspections per (township, department, inspector)."""

    township_code = models.CharField(max_length=9)
    department = models.CharField(max_length=12, blank=True)
    official = models.IntegerField()
    inspections = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["township_code", "department", "official"], name="inspection_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.township_code} {self.department}: {self.inspections}"


class ReinspectionRollup(models.Model):
    """Re-inspections (and how many passed) per (township, inspector)."""

    township_code = models.CharField(max_length=9)
    official = models.IntegerField()
    reinspections = models.IntegerField(default=0)
    passed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township_code", "official"], name="reinspection_rollup_key")]

    def __str__(self) -> str:
        return f"{self.township_code}: {self.passed}/{self.reinspections}"
