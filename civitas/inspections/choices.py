"""Statuses and kinds of the inspections app (translated labels; the same codes in pages, API and log)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PremisesType(models.TextChoices):
    RENTAL_HOUSE = "rental_house", _("rental house")
    SMALL_SHOP = "small_shop", _("small shop (三小 premises)")
    STREET_SHOP = "street_shop", _("street-front shop")
    THREE_IN_ONE = "three_in_one", _("living-storage-business premises (三合一)")
    WAREHOUSE = "warehouse", _("warehouse")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    CRITICAL = "critical", _("critical")


class Department(models.TextChoices):
    GRID = "grid", _("community grid office")
    SAFETY = "safety", _("township safety office")
    FIRE = "fire", _("fire and rescue")
    MARKET = "market", _("market supervision")
    ENFORCEMENT = "enforcement", _("comprehensive enforcement")
    WARDEN = "warden", _("foreign volunteer wardens")


class AssigneeKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid workers")
    INSPECTOR = "inspector", _("inspectors and fire officers")
    WARDEN = "warden", _("foreign volunteer wardens")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", pgettext_lazy("inspections", "active")
    CLOSED = "closed", pgettext_lazy("inspections", "closed")


class TaskKind(models.TextChoices):
    ROUTINE = "routine", _("campaign inspection")
    LEAD = "lead", _("inspection after a public report")
    REINSPECTION = "reinspection", _("re-inspection")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", pgettext_lazy("inspections", "cancelled")


class Acknowledgement(models.TextChoices):
    SIGNED = "signed", _("acknowledged by the occupant or owner")
    REFUSED = "refused", _("refused to acknowledge")
    ABSENT = "absent", _("nobody present")


class HazardStatus(models.TextChoices):
    LOGGED = "logged", _("logged")
    FIXED_ON_SPOT = "fixed_on_spot", _("fixed on the spot, awaiting re-inspection")
    NOTICE_ISSUED = "notice_issued", _("rectification notice issued")
    FIX_REPORTED = "fix_reported", _("fix reported, re-inspection scheduled")
    PASSED = "passed", _("re-inspection passed")
    CLOSED = "closed", pgettext_lazy("inspections", "closed")
    ANNULLED = "annulled", _("annulled")


class EscalationLevel(models.IntegerChoices):
    GRID = 0, _("grid")
    TOWNSHIP = 1, _("township")
    ENFORCEMENT = 2, _("enforcement")


class EvidenceKind(models.TextChoices):
    FINDING = "finding", _("photo of the finding")
    AFTER = "after", _("after-photo of the fix")
    REINSPECTION = "reinspection", _("re-inspection photo")


class LeadStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("inspections", "new")
    TASKED = "tasked", _("inspection task created")
    DISMISSED = "dismissed", _("dismissed")


class InspectionErrorCode(models.TextChoices):
    """Codes of refused actions: shown on pages, returned by the API, written to the log."""

    FORBIDDEN_TRANSITION = "forbidden_transition", _("forbidden transition")
    PHOTO_REQUIRED = "photo_required", _("photo required")
    BAD_PHOTO = "bad_photo", _("photo not accepted")
    INCOMPLETE_CHECKLIST = "incomplete_checklist", _("checklist incomplete")
    NOT_ASSIGNED = "not_assigned", _("not assigned")
