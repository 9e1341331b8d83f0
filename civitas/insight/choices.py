"""Choices of the insight app (translated labels)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.accounts.choices import Role


class UnitLevel(models.IntegerChoices):
    """The units an index run compares: townships (9-digit codes) or communities (12-digit codes)."""

    TOWNSHIP = 9, _("townships")
    COMMUNITY = 12, _("communities and villages")


class RunStatus(models.TextChoices):
    DONE = "done", _("computed")
    FAILED = "failed", pgettext_lazy("index run", "failed")


class NodeKind(models.TextChoices):
    INDEX = "index", _("index")
    DIMENSION = "dimension", _("dimension")
    GROUP = "group", _("indicator group")
    INDICATOR = "indicator", _("indicator")


class IndicatorSource(models.TextChoices):
    PLATFORM = "platform", _("computed from Civitas records")
    EXTERNAL = "external", _("imported from a file")


class NormalisationMethod(models.TextChoices):
    MINMAX = "minmax", _("min-max")
    ZSCORE = "zscore", _("z-score")
    RANK = "rank", _("ranks")
    DIST2TARG = "dist2targ", _("distance to target")


class AggregationMethod(models.TextChoices):
    ARITHMETIC = "arithmetic", _("arithmetic mean")
    GEOMETRIC = "geometric", _("geometric mean")
    HARMONIC = "harmonic", _("harmonic mean")


class ImputationMethod(models.TextChoices):
    NONE = "", _("none (a missing value stops the run)")
    MEAN = "mean", _("mean of all units")
    MEDIAN = "median", _("median of all units")
    GROUP_MEAN = "group_mean", _("mean of the units in the same township")


# Roles that see the internal dashboards (each within its jurisdiction).
VIEW_ROLES = frozenset({Role.CITY_ADMIN, Role.ANALYST, Role.POLICE, Role.GRID_WORKER})
# Roles that edit frameworks, import external data and start runs.
ANALYST_ROLES = frozenset({Role.CITY_ADMIN, Role.ANALYST})
