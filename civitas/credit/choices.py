"""Choices of the credit app: subject types, rule modes, statuses. Labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectType(models.TextChoices):
    LANDLORD = "landlord", _("landlord")
    MERCHANT = "merchant", _("merchant")


class Cycle(models.TextChoices):
    CALENDAR_YEAR = "calendar_year", _("calendar year")


class Assessment(models.TextChoices):
    MONTHLY = "monthly", _("monthly")


class CapPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    CYCLE = "cycle", _("per cycle")


class RuleMode(models.TextChoices):
    AUTOMATIC = "automatic", _("automatic (from events)")
    MANUAL = "manual", _("recorded by an officer")
    BOTH = "both", _("automatic or recorded by an officer")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ENACTED = "enacted", _("enacted")


class EntryKind(models.TextChoices):
    RULE = "rule", _("rule applied")
    REVERSAL = "reversal", _("reversal")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    UPHELD = "upheld", _("upheld: points restored")
    DISMISSED = "dismissed", pgettext_lazy("appeal", "dismissed")


class ErrorCode(models.TextChoices):
    """Error codes shared by the pages, the API and the log."""

    RULE_NOT_IN_FORCE = "rule_not_in_force", _("rule not in force")
    EVIDENCE_REQUIRED = "evidence_required", _("evidence required")
    DUPLICATE_EVENT = "duplicate_event", _("event already applied")
    APPEAL_OUT_OF_TIME = "appeal_out_of_time", _("appeal out of time")
    SAME_OFFICER = "same_officer", _("decided by the recording officer")
