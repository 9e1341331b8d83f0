"""Forms of the inspections pages. The inspection form is built from the checklist (data, not code)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.inspections.actions import InspectionInput, ItemAnswer
from civitas.inspections.choices import Acknowledgement, AssigneeKind, LeadStatus, PremisesType
from civitas.inspections.models import Checklist, ChecklistItem

RESULT_CHOICES = [("pass", _("Pass")), ("fail", _("Fail"))]


class InspectionForm(forms.Form):
    """One pass/fail radio, a note and a photo per checklist item, then the acknowledgement."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    checklist_id = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acknowledgement = forms.ChoiceField(
        label=_("Acknowledgement"), choices=Acknowledgement.choices, widget=forms.RadioSelect
    )
    acknowledged_by = forms.CharField(label=_("Name of the person who acknowledged"), required=False, max_length=100)

    def __init__(self, checklist: Checklist, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.items: list[ChecklistItem] = list(checklist.items.all())
        self.fields["checklist_id"].initial = checklist.pk
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.text_in(), choices=RESULT_CHOICES, widget=forms.RadioSelect, required=False
            )
            self.fields[f"note_{item.code}"] = forms.CharField(label=_("Note"), required=False, max_length=300)
            self.fields[f"photo_{item.code}"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
                ),
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "result": self[f"item_{item.code}"],
                "note": self[f"note_{item.code}"],
                "photo": self[f"photo_{item.code}"],
            }
            for item in self.items
        ]

    def to_input(self) -> InspectionInput:
        data = self.cleaned_data
        answers = {}
        for item in self.items:
            value = data.get(f"item_{item.code}")
            photo = data.get(f"photo_{item.code}")
            answers[item.code] = ItemAnswer(
                passed=None if not value else value == "pass",
                note=data.get(f"note_{item.code}") or "",
                photos=[photo] if photo else [],
            )
        return InspectionInput(
            answers=answers,
            acknowledgement=data["acknowledgement"],
            acknowledged_by=data.get("acknowledged_by") or "",
            note=data.get("note") or "",
            idempotency_key=data["idempotency_key"],
            checklist_id=data["checklist_id"],
        )


class CampaignForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("inspections", "Name"), max_length=120)
    division_code = forms.CharField(label=_("Area (division code)"), max_length=15)
    premises_types = forms.MultipleChoiceField(
        label=_("Premises types"), choices=PremisesType.choices, widget=forms.CheckboxSelectMultiple
    )
    assignee_kind = forms.ChoiceField(label=_("Assign to"), choices=AssigneeKind.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class NoticeForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline (empty: the item's default)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SpotFixForm(forms.Form):
    after_photo = forms.FileField(
        label=_("After-photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReportFixForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of the fix (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    note = forms.CharField(label=_("What was done"), required=False, max_length=300)


class ReinspectForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RESULT_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    new_deadline = forms.DateField(
        label=_("New deadline if failed (empty: the item's default)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class LeadTaskForm(forms.Form):
    premises_id = forms.IntegerField(label=_("Premises"), widget=forms.Select)


class HazardFilterForm(forms.Form):
    """The filter shared by the hazards page and the API."""

    status = forms.CharField(required=False)
    overdue = forms.BooleanField(required=False)
    division = forms.CharField(required=False, max_length=15)


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", _("All")), *LeadStatus.choices], required=False)
