"""Statuses, sources and purposes of residence declarations (translated labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting landlord")
    LANDLORD_CONFIRMED = "landlord_confirmed", _("confirmed by landlord")
    VERIFIED = "verified", _("verified")
    FLAGGED = "flagged", _("flagged for review")
    APPROVED = "approved", _("approved by officer")
    CORRECTED = "corrected", _("corrected by officer")
    REJECTED = "rejected", _("rejected")
    CHECKED_OUT = "checked_out", _("moved out")
    SUPERSEDED = "superseded", _("superseded by a change")


# Statuses in which the declared people count as living in the room (occupancy, "resident now").
OCCUPYING = frozenset(
    {
        DeclarationStatus.SUBMITTED,
        DeclarationStatus.LANDLORD_CONFIRMED,
        DeclarationStatus.VERIFIED,
        DeclarationStatus.FLAGGED,
        DeclarationStatus.APPROVED,
        DeclarationStatus.CORRECTED,
    }
)
# Statuses that count as verified residence (permits, the "verified" flag of a period).
CONFIRMED = frozenset(
    {
        DeclarationStatus.VERIFIED,
        DeclarationStatus.APPROVED,
        DeclarationStatus.CORRECTED,
    }
)
# Statuses a landlord may still confirm or reject.
PENDING_LANDLORD = frozenset({DeclarationStatus.SUBMITTED, DeclarationStatus.FLAGGED})


class DeclarationSource(models.TextChoices):
    TENANT_QR = "tenant_qr", _("tenant scanned the landlord code")
    LANDLORD = "landlord", _("landlord on the tenant's behalf")
    HOTEL_API = "hotel_api", _("hotel or machine client")
    OFFICER = "officer", _("officer")


class Purpose(models.TextChoices):
    WORK = "work", _("work")
    BUSINESS = "business", _("business")
    STUDY = "study", _("study")
    FAMILY = "family", _("family")


class Relation(models.TextChoices):
    SELF = "self", _("declarant")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", pgettext_lazy("relation", "parent")
    RELATIVE = "relative", _("other relative")


class Decision(models.TextChoices):
    APPROVE = "approve", _("approve")
    CORRECT = "correct", _("correct and approve")
    REJECT = "reject", _("reject")


class RuleCode(models.TextChoices):
    DOCUMENT_VALID = "document_valid", _("identity document valid")
    ON_TIME = "on_time", _("declared within the deadline")
    NOT_RESIDENT_ELSEWHERE = "not_resident_elsewhere", _("not actively resident elsewhere")
    WITHIN_CAPACITY = "within_capacity", _("room within its legal capacity")
    NOT_WATCH_LISTED = "not_watch_listed", _("not on a watch list")
    LANDLORD_OWNS_PROPERTY = "landlord_owns_property", _("confirming landlord owns the property")


# Default parameters, seeded into VerificationRule rows by a data migration and used when a row is missing.
RULE_DEFAULTS: dict[str, dict[str, object]] = {
    RuleCode.DOCUMENT_VALID: {},
    RuleCode.ON_TIME: {"migrant_days": 3, "foreigner_hours": 24, "change_days": 10},
    RuleCode.NOT_RESIDENT_ELSEWHERE: {},
    RuleCode.WITHIN_CAPACITY: {"min_m2_per_person": 6, "max_adults_per_room": 2, "child_age": 12},
    RuleCode.NOT_WATCH_LISTED: {},
    RuleCode.LANDLORD_OWNS_PROPERTY: {},
}


class SubmissionStatus(models.TextChoices):
    """An asynchronous check-in submission (`Prefer: respond-async`): received, then processed or rejected."""

    RECEIVED = "received", pgettext_lazy("submission", "received")
    PROCESSED = "processed", pgettext_lazy("submission", "processed")
    REJECTED = "rejected", pgettext_lazy("submission", "rejected")
