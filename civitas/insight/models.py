"""Frameworks (the tree of an index), imported external indicators, and stored index runs.

A run keeps a snapshot of the framework it used and every stage's table (Raw ... Aggregated) as JSON, so
a result can be explained and reproduced after weights are edited. Scores are rows (`IndexScore`) so a
viewer's jurisdiction filters them in the database (`division_id` prefix).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from civitas.insight.choices import IndicatorSource, NodeKind, RunStatus, UnitLevel
from civitas.places.models import ScopedQuerySet


def localised(names: dict[str, str] | None, fallback: str = "") -> str:
    """The name in the active language, else the catalogue's translation of the English name, else Chinese,
    else English, else ``fallback``."""
    names = names or {}
    language = (get_language() or "zh-hans").lower()
    for key in (language, language.split("-")[0]):
        if names.get(key):
            return names[key]
    if names.get("en") and gettext(names["en"]) != names["en"]:
        return gettext(names["en"])
    for key in ("zh-hans", "zh", "en"):
        if names.get(key):
            return names[key]
    return next(iter(names.values()), fallback) if names else fallback


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.JSONField(_("name per language"), default=dict)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Raised by every edit."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("index framework")
        verbose_name_plural = _("index frameworks")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self.name, self.code)


class FrameworkNode(models.Model):
    """One node: the index, a dimension, a first-level group or an indicator (COINr level 1)."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    code = models.CharField(_("code"), max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name=pgettext_lazy("framework node", "parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 = indicator; the index is the highest."))
    kind = models.CharField(_("kind"), max_length=10, choices=NodeKind.choices)
    name = models.JSONField(_("name per language"), default=dict)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.SmallIntegerField(
        _("direction"), default=1, choices=[(1, _("higher is better")), (-1, _("lower is better"))]
    )
    weight = models.FloatField(_("weight"), default=1.0)
    denominator = models.CharField(_("denominator"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_node_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return localised(self.name, self.code)

    @property
    def is_indicator(self) -> bool:
        return self.kind == NodeKind.INDICATOR


class ExternalIndicator(models.Model):
    """An indicator whose values come from outside Civitas (statistics office, surveys) by file import."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.JSONField(_("name per language"), default=dict)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.SmallIntegerField(_("direction"), default=1)

    class Meta:
        verbose_name = _("external indicator")
        verbose_name_plural = _("external indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ExternalImport(models.Model):
    file_name = models.CharField(_("file name"), max_length=200)
    rows = models.PositiveIntegerField(_("rows imported"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("external data import")
        verbose_name_plural = _("external data imports")

    def __str__(self) -> str:
        return self.file_name


class ExternalValueQuerySet(ScopedQuerySet):
    pass


class ExternalValue(models.Model):
    indicator = models.ForeignKey(
        ExternalIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    division = models.ForeignKey(
        "places.Division", verbose_name=pgettext_lazy("index", "unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    value = models.FloatField(_("value"))
    batch = models.ForeignKey(ExternalImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="values")

    objects = ExternalValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("external value")
        verbose_name_plural = _("external values")
        constraints = [models.UniqueConstraint(fields=["indicator", "division", "month"], name="external_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.division_id} {self.month:%Y-%m}: {self.value:g}"


class IndexRunQuerySet(models.QuerySet):
    pass


class IndexRun(models.Model):
    framework = models.ForeignKey(Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="runs")
    framework_version = models.PositiveIntegerField(_("framework version"))
    framework_snapshot = models.JSONField(_("framework as used"), default=list)
    options = models.JSONField(_("pipeline options"), default=dict)
    level = models.PositiveSmallIntegerField(_("units"), choices=UnitLevel.choices, default=UnitLevel.TOWNSHIP)
    scope_code = models.CharField(_("area"), max_length=15, help_text=_("Division whose units are compared."))
    period_start = models.DateField(_("first month"))
    period_end = models.DateField(_("last month"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DONE)
    error = models.JSONField(_("error"), null=True, blank=True)
    gaps = models.JSONField(
        _("data gaps"), default=list, blank=True, help_text=_("Indicator values missing for a unit, with the reason.")
    )
    stages = models.JSONField(_("stage tables"), default=dict, blank=True)
    details = models.JSONField(_("stage details"), default=dict, blank=True)
    sensitivity = models.JSONField(_("sensitivity analysis"), null=True, blank=True)
    mc_runs = models.PositiveIntegerField(_("Monte Carlo runs"), default=0)
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    published = models.BooleanField(_("published on the public dashboard"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    seconds = models.FloatField(_("seconds taken"), default=0.0)

    objects = IndexRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("index run")
        verbose_name_plural = _("index runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.framework.code} {self.period_start:%Y-%m}..{self.period_end:%Y-%m}"

    @property
    def division_code(self) -> str:
        return self.scope_code

    def snapshot_node(self, code: str) -> dict[str, Any] | None:
        return next((node for node in self.framework_snapshot if node["code"] == code), None)


class IndexScoreQuerySet(ScopedQuerySet):
    pass


class IndexScore(models.Model):
    """The score and rank of one unit on one aggregate (the index, a dimension, a group) in a run."""

    run = models.ForeignKey(IndexRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="scores")
    division = models.ForeignKey(
        "places.Division", verbose_name=pgettext_lazy("index", "unit"), on_delete=models.PROTECT, related_name="+"
    )
    node_code = models.CharField(_("node"), max_length=40)
    score = models.FloatField(pgettext_lazy("index", "score"))
    rank = models.PositiveIntegerField(_("rank"))

    objects = IndexScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("index score")
        verbose_name_plural = _("index scores")
        ordering = ["run", "node_code", "rank"]
        indexes = [models.Index(fields=["run", "node_code", "division"], name="score_run_node_unit")]

    def __str__(self) -> str:
        return f"{self.division_id} {self.node_code} {self.score:.2f} (#{self.rank})"
