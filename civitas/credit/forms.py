"""Forms: recording a violation, appealing, deciding, drafting rule sets, simulating."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.credit import ledger
from civitas.credit.choices import RuleMode
from civitas.credit.models import RuleSet, Scheme


class RecordEntryForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"))
    occurred_on = forms.DateField(
        label=_("Date found"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    property = forms.ChoiceField(label=_("Property"), required=False)
    evidence_note = forms.CharField(
        label=_("What you found"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(
        self, *args: Any, scheme: Scheme, properties: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["occurred_on"].initial = today
        rule_set = ledger.rule_set_in_force(scheme, today)
        rules = rule_set.rules.exclude(mode=RuleMode.AUTOMATIC).order_by("points", "code") if rule_set else []
        cast(forms.ChoiceField, self.fields["rule"]).choices = [("", _("— choose the rule —"))] + [
            (
                r.code,
                f"{r.text()} ({r.points:+d}{'' if not r.evidence_required else ', ' + str(_('evidence'))})",
            )
            for r in rules
        ]
        if properties:
            cast(forms.ChoiceField, self.fields["property"]).choices = properties
        else:
            del self.fields["property"]


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this entry wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold: give the points back")), ("dismiss", _("Dismiss: the entry stands"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason for the decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _parse_pairs(text: str, field: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise ValidationError(_("Write one change per line as code=value: {line}").format(line=line))
        code, value = (p.strip() for p in line.split("=", 1))
        out[code] = value
    return out


class DraftRuleSetForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.all(), to_field_name="code")
    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    points = forms.CharField(
        label=_("Changed points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. tenant_late=-2 (0 removes the rule)."),
    )
    thresholds = forms.CharField(
        label=_("Changed thresholds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line as code=min..max, e.g. training=..7 (empty side: open)."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_points(self) -> dict[str, int]:
        try:
            return {k: int(v) for k, v in _parse_pairs(self.cleaned_data["points"], "points").items()}
        except ValueError:
            raise ValidationError(_("Points must be whole numbers."))

    def clean_thresholds(self) -> dict[str, tuple[int | None, int | None]]:
        out: dict[str, tuple[int | None, int | None]] = {}
        for code, value in _parse_pairs(self.cleaned_data["thresholds"], "thresholds").items():
            lo, sep, hi = value.partition("..")
            try:
                if not sep:
                    raise ValueError
                out[code] = (int(lo) if lo.strip() else None, int(hi) if hi.strip() else None)
            except ValueError:
                raise ValidationError(_("Write a band as min..max, e.g. ..6 or 95..109."))
        return out


class SimulationForm(forms.Form):
    rule_set = forms.ModelChoiceField(label=_("Rule set to try"), queryset=RuleSet.objects.none())
    cycle = forms.IntegerField(label=_("Replay the year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["rule_set"]).queryset = RuleSet.objects.select_related(
            "scheme"
        ).order_by("scheme", "-version")
        self.fields["cycle"].initial = timezone.localdate().year - 1
