"""Statuses and kinds of the services app (translated labels; the same codes in pages, API and log)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.services.texts import LANGS  # noqa: F401  (languages of service content)


class Lang(models.TextChoices):
    ZH = "zh-hans", "简体中文"
    EN = "en", "English"
    AR = "ar", "العربية"
    RU = "ru", "Русский"


class ServiceKind(models.TextChoices):
    INFORMATION = "information", _("information service")
    ONLINE = "online", _("online service")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted, being processed")
    MORE_DOCUMENTS = "more_documents", _("more documents requested")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.MORE_DOCUMENTS)
DECIDED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)


class FieldType(models.TextChoices):
    TEXT = "text", _("text")
    TEXTAREA = "textarea", _("long text")
    DATE = "date", _("date")
    NUMBER = "number", _("number")
    EMAIL = "email", _("email")
    CHOICE = "choice", _("choice")


class PointKind(models.TextChoices):
    CENTRE = "centre", _("service centre")
    STATION = "station", _("service station")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    ARRIVED = "arrived", _("arrived")
    CANCELLED = "cancelled", _("cancelled")


class CardStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACTIVE = "active", _("valid")
    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", pgettext_lazy("services", "revoked")
    REFUSED = "refused", _("refused")


class Scenario(models.TextChoices):
    BUS = "bus", _("bus")
    BIKE = "bike", _("bike hire")
    LIBRARY = "library", _("library")
    HOSPITAL = "hospital", _("hospital registration")
    BANK = "bank", _("bank and foreign-exchange account")
    MARKET = "market", _("market credit purchase")
    HOTEL = "hotel", _("hotel check-in")
    PARKING = "parking", _("parking")
    PAYMENT = "payment", _("small payments")
    COMPANY = "company", _("company registration")


class PartnerKind(models.TextChoices):
    BUS = "bus", _("bus company")
    BIKE = "bike", _("bike hire")
    LIBRARY = "library", _("library")
    HOSPITAL = "hospital", _("hospital")
    BANK = "bank", _("bank")
    MARKET_SELLER = "market_seller", _("market seller")
    HOTEL = "hotel", _("hotel")


# What a scan discloses in each scenario (data minimisation): nothing but valid/not, unless listed.
SCENARIO_DISCLOSES: dict[str, tuple[str, ...]] = {
    Scenario.BUS: (),
    Scenario.BIKE: (),
    Scenario.PARKING: (),
    Scenario.PAYMENT: (),
    Scenario.LIBRARY: ("holder",),
    Scenario.HOSPITAL: ("holder", "nationality"),
    Scenario.BANK: ("holder", "nationality", "document"),
    Scenario.HOTEL: ("holder", "nationality", "document"),
    Scenario.COMPANY: ("holder", "nationality", "document"),
    Scenario.MARKET: ("holder", "credit"),
}


class VerificationResult(models.TextChoices):
    VALID = "valid", _("valid")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", pgettext_lazy("services", "revoked")
    SUSPENDED = "suspended", _("suspended")
    FORGED = "forged", _("forged or altered")
    MALFORMED = "malformed", _("not a merchant card code")
    SUPERSEDED = "superseded", _("replaced by a newer card code")
    NOT_ALLOWED = "not_allowed", _("scenario not allowed for this partner")


class ReminderKind(models.TextChoices):
    VISA = "visa", _("visa stay extension")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit extension")
    ACCOMMODATION = "accommodation", _("accommodation registration")
    CARD_RENEWAL = "card_renewal", _("merchant card renewal")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday")
    WORKDAY = "workday", _("adjusted working day")


class VolunteerKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("volunteer")
    FOREIGN_MEDIATOR = "foreign_mediator", _("foreign mediator (洋娘舅)")
