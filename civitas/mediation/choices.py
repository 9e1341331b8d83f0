"""Choices of the mediation app (translated labels; the codes appear in pages, API and logs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MediatorKind(models.TextChoices):
    PEOPLES = "peoples", _("people's mediator")
    FOREIGN = "foreign", _("foreign mediator")
    HOMETOWN = "hometown", _("hometown helper")
    LAWYER = "lawyer", _("lawyer on duty")


class Category(models.TextChoices):
    """A dispute's category is also the skill a mediator needs for it."""

    TRADE = "trade", _("trade and contracts")
    WAGES = "wages", _("unpaid wages")
    RENTAL = "rental", _("rental")
    FAMILY = "family", _("family and neighbours")
    TRAFFIC = "traffic", _("traffic")
    CONSUMER = "consumer", _("consumer")


class Channel(models.TextChoices):
    WEB = "web", _("a party on the web")
    OFFICER = "officer", _("an officer")
    HOTLINE = "hotline", _("the hotline")
    COURT = "court", _("a court referral")
    GRID = "grid", _("a grid worker")


class CaseStatus(models.TextChoices):
    NEW = "new", _("new")
    OFFERED = "offered", _("offered to a mediator")
    QUEUED = "queued", _("with a human dispatcher")
    ACTIVE = "active", _("in mediation")
    SETTLED = "settled", _("settled by agreement")
    REFERRED = "referred", _("referred to arbitration or court")
    CLOSED = "closed", _("closed without agreement")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.OFFERED, CaseStatus.QUEUED, CaseStatus.ACTIVE)


class RiskGrade(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class PartyRole(models.TextChoices):
    CLAIMANT = "claimant", _("claimant")
    RESPONDENT = "respondent", _("respondent")


class PartyKind(models.TextChoices):
    PERSON = "person", _("person")
    MERCHANT = "merchant", _("merchant")
    COMPANY = "company", _("company")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    TIMED_OUT = "timed_out", _("timed out")
    WITHDRAWN = "withdrawn", _("withdrawn")


class DecisionKind(models.TextChoices):
    OFFER = "offer", _("offered by ranking")
    BATCH = "batch", _("offered by batch assignment")
    QUEUE = "queue", _("sent to the human dispatcher")
    MANUAL = "manual", _("assigned by a dispatcher")


class QueueReason(models.TextChoices):
    NO_SHARED_LANGUAGE = "no_shared_language", _("no on-duty mediator shares a language with every party")
    OFF_DUTY = "off_duty", _("no mediator is on duty")
    LACKS_SKILL = "lacks_skill", _("no on-duty mediator has the skill")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("every candidate has a conflict of interest")
    AT_CAPACITY = "at_capacity", _("every suitable mediator is fully loaded")
    ALREADY_OFFERED = "already_offered", _("every suitable mediator has already been offered the case")
    THREE_STRIKES = "three_strikes", _("three offers were declined or timed out")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("reached")
    NO_ANSWER = "no_answer", _("no answer")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    REFUSED = "refused", _("refused to talk")


class SessionMode(models.TextChoices):
    PLACE = "place", _("in person")
    VIDEO = "video", _("video link")


class ReferralTarget(models.TextChoices):
    ARBITRATION = "arbitration", _("arbitration")
    COURT = "court", _("court (litigation)")


class ConfirmationStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CONFIRMED = "confirmed", _("confirmed by the court")
    REJECTED = "rejected", _("rejected by the court")


class Performance(models.TextChoices):
    PENDING = "pending", _("not yet due")
    HONOURED = "honoured", _("honoured")
    BREACHED = "breached", _("not honoured")


class RatingDirection(models.TextChoices):
    OF_MEDIATOR = "of_mediator", _("a party rates the mediator")
    OF_PARTY = "of_party", _("the mediator rates a party")


class AlertKind(models.TextChoices):
    REPEAT_PARTY = "repeat_party", _("same merchant or landlord in repeated disputes")
    CATEGORY_SPIKE = "category_spike", _("disputes of one category spike in a township")
    WAGE_GROUP = "wage_group", _("a group of workers claims unpaid wages")


class SignatureMethod(models.TextChoices):
    OTP = "otp", _("one-time code by SMS")
    LOGIN = "login", _("signed in as the mediator")
    IN_PERSON = "in_person", _("signed on paper before the mediator")


LANGUAGES = [
    ("zh", _("Chinese")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("fa", _("Persian")),
    ("ur", _("Urdu")),
    ("hi", _("Hindi")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
    ("tr", _("Turkish")),
    ("pt", _("Portuguese")),
    ("uz", _("Uzbek")),
    ("kk", _("Kazakh")),
    ("id", _("Indonesian")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("sw", _("Swahili")),
    ("am", _("Amharic")),
    ("bn", _("Bengali")),
    ("so", _("Somali")),
]
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)

# Home provinces of the big migrant groups (GB/T 2260 two-digit codes); others are allowed.
PROVINCES = [
    ("33", _("Zhejiang")),
    ("36", _("Jiangxi")),
    ("34", _("Anhui")),
    ("52", _("Guizhou")),
    ("41", _("Henan")),
    ("51", _("Sichuan")),
    ("43", _("Hunan")),
    ("45", _("Guangxi")),
    ("53", _("Yunnan")),
    ("42", _("Hubei")),
    ("35", _("Fujian")),
    ("50", _("Chongqing")),
]


# Words for the codes a dispatch decision stores with each candidate (dispatch.py): shown on the case page.
REASON_LABELS = {
    "base": _("base score"),
    "same_hometown": _("same home province"),
    "foreign_mediator": _("foreign mediator for a foreign party"),
    "distance": _("distance"),
    "same_township": _("same township"),
    "load": _("open cases"),
    "rating": _("rating"),
    "lawyer_high_risk": _("lawyer for a high-risk case"),
    "off_duty": _("off duty"),
    "at_capacity": _("fully loaded"),
    "no_shared_language": _("no shared language"),
    "lacks_skill": _("lacks the skill"),
    "conflict_of_interest": _("conflict of interest"),
    "already_offered": _("already offered"),
}
