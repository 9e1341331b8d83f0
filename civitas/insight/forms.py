"""Forms of the insight pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.insight.choices import AggregationMethod, ImputationMethod, NormalisationMethod, UnitLevel
from civitas.insight.importer import parse_month
from civitas.insight.models import Framework, FrameworkNode


class MonthField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=7, widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}), **kwargs
        )

    def clean(self, value: Any) -> datetime.date:
        month = parse_month(super().clean(value))
        if month is None:
            raise forms.ValidationError(_("Give a month as YYYY-MM."))
        return month


class RunForm(forms.Form):
    framework = forms.ModelChoiceField(Framework.objects.all(), label=_("Framework"))
    level = forms.TypedChoiceField(label=_("Compare"), choices=UnitLevel.choices, coerce=int)
    period_start = MonthField(label=_("First month"))
    period_end = MonthField(label=_("Last month"))
    normalisation = forms.ChoiceField(label=_("Normalisation"), choices=NormalisationMethod.choices)
    aggregation = forms.ChoiceField(label=_("Aggregation"), choices=AggregationMethod.choices)
    impute = forms.ChoiceField(label=_("Missing values"), choices=ImputationMethod.choices, required=False)
    treat = forms.BooleanField(label=_("Treat outliers (winsorise, then log)"), required=False, initial=True)
    mc_runs = forms.IntegerField(label=_("Monte Carlo runs"), min_value=0, max_value=5000, initial=200)
    vary_methods = forms.BooleanField(
        label=_("The Monte Carlo also draws the normalisation (min-max, z-score, ranks), not only the weights"),
        required=False,
        initial=True,
    )
    seed = forms.IntegerField(label=_("Random seed"), initial=1, required=False)
    publish = forms.BooleanField(label=_("Publish on the public dashboard"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The last month is before the first."))
        return data

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        options: dict[str, Any] = {
            "normalisation": {"method": data["normalisation"]},
            "aggregation": data["aggregation"],
            "impute": data["impute"] or None,
            "treat": bool(data["treat"]),
        }
        if data.get("vary_methods"):
            others = METHOD_CHOICES if data["aggregation"] == "arithmetic" else POSITIVE_METHOD_CHOICES
            options["mc_normalisations"] = list(dict.fromkeys([data["normalisation"], *others]))
        return options


# Normalisations the Monte Carlo may draw besides the run's own. Geometric and harmonic means need positive
# values, which z-scores and min-max onto [0, 100] do not give; ranks (1 = worst) always are.
METHOD_CHOICES = ("minmax", "zscore", "rank")
POSITIVE_METHOD_CHOICES = ("rank",)


class WeightsForm(forms.Form):
    note = forms.CharField(label=_("Why the weights change"), max_length=300)

    def __init__(self, *args: Any, nodes: list[FrameworkNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = [node for node in nodes if node.parent_id is not None]
        for node in self.nodes:
            self.fields[f"w_{node.code}"] = forms.FloatField(
                label=f"{node.code} {node.label}", min_value=0, initial=node.weight
            )

    def weights(self) -> dict[str, float]:
        return {node.code: self.cleaned_data[f"w_{node.code}"] for node in self.nodes}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or xlsx file (indicator, unit, month, value)"))
