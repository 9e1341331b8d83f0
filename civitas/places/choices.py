from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.IntegerChoices):
    CITY = 3, _("city")
    TOWNSHIP = 4, _("township")
    VILLAGE = 5, _("village or community")
    GRID = 6, _("grid unit")


class DivisionKind(models.TextChoices):
    CITY = "city", _("county-level city")
    STREET = "street", _("street (街道)")
    TOWN = "town", _("town (镇)")
    COMMUNITY = "community", _("community (社区)")
    VILLAGE = "village", _("village (村)")
    GRID = "grid", _("grid unit (网格)")


class BuildingKind(models.TextChoices):
    SELF_BUILT = "self_built", _("self-built house")
    APARTMENT = "apartment", _("apartment block")
    DORMITORY = "dormitory", _("staff dormitory")
    SHOP_HOUSE = "shop_house", _("shop with living space")
    WAREHOUSE = "warehouse", _("warehouse")


class PropertyStatus(models.TextChoices):
    ACTIVE = "active", _("let out")
    SUSPENDED = "suspended", _("letting suspended")
    WITHDRAWN = "withdrawn", _("no longer let")


# Length of a division code at each level: 330782 / 330782001 / 330782001001 / 330782001001001
CODE_LENGTH = {DivisionLevel.CITY: 6, DivisionLevel.TOWNSHIP: 9, DivisionLevel.VILLAGE: 12, DivisionLevel.GRID: 15}
