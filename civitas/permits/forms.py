"""Forms of the permits pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.permits.choices import CancelReason, FactKind, Grade, ParentEducation


class DocumentForm(forms.Form):
    document = forms.CharField(label=_("Identity document number"), max_length=24)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=6, min_length=6)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Why more time is needed"), max_length=200)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the applicant is told)"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CancelReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FactKind.choices)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Document reference"), max_length=80)
    label = forms.CharField(label=_("Description (employer, school, address)"), max_length=120, required=False)


class SchoolApplicationForm(forms.Form):
    child_name = forms.CharField(label=_("Child's name"), max_length=100)
    child_birth_date = forms.DateField(label=_("Child's date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int)
    first = forms.ChoiceField(label=_("First choice"))
    second = forms.ChoiceField(label=_("Second choice"), required=False)
    third = forms.ChoiceField(label=_("Third choice"), required=False)
    parent_education = forms.ChoiceField(label=_("Parent's education"), choices=ParentEducation.choices, required=False)
    municipal_honours = forms.IntegerField(
        label=_("Municipal or higher honours"), min_value=0, max_value=20, initial=0, required=False
    )

    def __init__(self, *args: object, schools: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        choices = [("", "—"), *[(str(pk), name) for pk, name in schools]]
        for name in ("first", "second", "third"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def preferences(self) -> list[int]:
        return [int(self.cleaned_data[n]) for n in ("first", "second", "third") if self.cleaned_data.get(n)]


class AllocationForm(forms.Form):
    year = forms.IntegerField(
        label=_("School year"), min_value=2000, max_value=2100, initial=lambda: datetime.date.today().year
    )
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int)


class ForecastForm(forms.Form):
    base_year = forms.IntegerField(label=_("Base year"), min_value=2000, max_value=2100, required=False)
    years = forms.IntegerField(label=_("Years ahead"), min_value=1, max_value=10, initial=8, required=False)
