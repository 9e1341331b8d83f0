from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")
    UNKNOWN = "X", _("unspecified")


class DocumentKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("resident identity card")
    HMT_PERMIT = "hmt_permit", _("Hong Kong/Macao/Taiwan residence permit")
    PASSPORT = "passport", _("passport")
    TRAVEL_DOCUMENT = "travel_document", _("other travel document")


class SearchField(models.TextChoices):
    AUTO = "auto", _("anything")
    DOCUMENT = "document", _("identity number")
    MASKED = "masked", _("masked identity number")
    PHONE = "phone", _("phone number")
    NAME = "name", pgettext_lazy("person", "name")
    PINYIN = "pinyin", _("pinyin")
