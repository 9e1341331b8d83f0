"""Statuses and kinds of the permits app (translated labels; the codes appear in pages, API and log)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted, being processed")
    ISSUED = "issued", _("issued")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)


class PermitStatus(models.TextChoices):
    VALID = "valid", _("valid")
    SUSPENDED = "suspended", _("suspended (endorsement missed)")
    EXPIRED = "expired", _("expired")
    CANCELLED = "cancelled", pgettext_lazy("permits", "cancelled")


LIVE_PERMIT = (PermitStatus.VALID, PermitStatus.SUSPENDED)


class CancelReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("moved away from the city")
    DECLARED_OUT = "declared_out", _("declared out (checked out, no new residence)")
    HUKOU_MOVED_IN = "hukou", _("registered a household (hukou) in the city")
    FRAUD = "fraud", _("obtained by false information")
    OTHER = "other", _("other")


class FactKind(models.TextChoices):
    EMPLOYMENT = "employment", _("employment contract")
    OWNED_HOME = "owned_home", _("owned home")
    STUDY = "study", _("enrolment in study")


class ReminderKind(models.TextChoices):
    ENDORSEMENT_WINDOW = "endorse_open", _("endorsement window open")
    ENDORSEMENT_LAST_WEEK = "endorse_week", _("endorsement due within a week")
    SUSPENDED = "suspended", _("permit suspended")


class InsuranceType(models.TextChoices):
    PENSION = "pension", _("pension insurance")
    MEDICAL = "medical", _("medical insurance")
    UNEMPLOYMENT = "unemployment", _("unemployment insurance")
    WORK_INJURY = "work_injury", _("work-injury insurance")
    MATERNITY = "maternity", _("maternity insurance")


class Grade(models.IntegerChoices):
    PRIMARY_1 = 1, _("Grade 1 (primary)")
    JUNIOR_7 = 7, _("Grade 7 (junior middle)")


class SchoolApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted, awaiting allocation")
    INELIGIBLE = "ineligible", _("does not pass the gates")
    PLACED = "placed", _("place offered")
    UNPLACED = "unplaced", _("no place among the preferences")


class ParentEducation(models.TextChoices):
    NONE = "", _("below college")
    COLLEGE = "college", _("college (大专)")
    BACHELOR = "bachelor_or_above", _("bachelor or above")
