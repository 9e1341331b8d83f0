"""Forms of the services app. Online-application forms are built from the service's form definition."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civitas.services.choices import FieldType, Lang, Scenario
from civitas.services.models import Service
from civitas.services.texts import localized
from civitas.services.uploads import check_upload

NOT_FOUND = _(
    "We could not find a registered foreign resident with this passport number and date of birth. "
    "Register your address first (accommodation registration) or ask a service station."
)


class DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search services"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. visa, company")}),
    )
    category = forms.CharField(required=False, widget=forms.HiddenInput)


class IdentifyForm(forms.Form):
    """A foreign resident without an account: passport number and date of birth."""

    passport = forms.CharField(
        label=_("Passport number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"})
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person: Any = None

    def clean(self) -> dict[str, Any]:
        from civitas.services.residents import identify

        data = super().clean() or {}
        if self.errors:
            return data
        self.person = identify(data["passport"], data["birth_date"])
        if self.person is None:
            raise ValidationError(NOT_FOUND, code="not_found")
        return data


class PassportCheckForm(forms.Form):
    passport = forms.CharField(
        label=_("Passport number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"})
    )


def _form_field(spec: dict[str, Any]) -> forms.Field:
    label = localized(spec.get("label") or {}) or spec["name"]
    required = bool(spec.get("required"))
    kind = spec.get("type", FieldType.TEXT)
    if kind == FieldType.DATE:
        return forms.DateField(label=label, required=required, widget=DateInput)
    if kind == FieldType.NUMBER:
        return forms.IntegerField(label=label, required=required, min_value=0, max_value=100000)
    if kind == FieldType.EMAIL:
        return forms.EmailField(label=label, required=required)
    if kind == FieldType.CHOICE:
        choices = [(code, localized(names)) for code, names in spec.get("choices", [])]
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *choices])
    if kind == FieldType.TEXTAREA:
        return forms.CharField(
            label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
        )
    return forms.CharField(label=label, required=required, max_length=200)


class UploadsMixin:
    """File fields named `doc_<code>` checked for type and size with the service's upload specs."""

    upload_specs: list[dict[str, Any]]
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_upload_fields(self, specs: list[dict[str, Any]], *, all_optional: bool = False) -> None:
        self.upload_specs = specs
        for spec in specs:
            self.fields[f"doc_{spec['code']}"] = forms.FileField(  # type: ignore[attr-defined]
                label=localized(spec.get("label") or {}) or spec["code"],
                required=bool(spec.get("required")) and not all_optional,
                help_text=_("{types}, at most {mb} MB").format(
                    types=", ".join(t.upper() for t in spec.get("types", [])), mb=spec.get("max_mb", 5)
                ),
            )

    def clean_uploads(self) -> None:
        for spec in self.upload_specs:
            name = f"doc_{spec['code']}"
            upload = self.cleaned_data.get(name)  # type: ignore[attr-defined]
            if upload:
                try:
                    check_upload(upload, spec)
                except ValidationError as exc:
                    self.add_error(name, exc)  # type: ignore[attr-defined]

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (s["code"], self.cleaned_data[f"doc_{s['code']}"])  # type: ignore[attr-defined]
            for s in self.upload_specs
            if self.cleaned_data.get(f"doc_{s['code']}")
        ]  # type: ignore[attr-defined]


class ApplicationForm(UploadsMixin, forms.Form):
    def __init__(self, *args: Any, service: Service, identified: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.person: Any = None
        if not identified:
            self.fields["passport"] = IdentifyForm.base_fields["passport"]
            self.fields["birth_date"] = IdentifyForm.base_fields["birth_date"]
        self.answer_names = []
        for spec in service.form_fields:
            self.fields[f"f_{spec['name']}"] = _form_field(spec)
            self.answer_names.append(spec["name"])
        self.add_upload_fields(service.upload_specs)

    def clean(self) -> dict[str, Any]:
        from civitas.services.residents import identify

        data = super().clean() or {}
        if "passport" in self.fields and data.get("passport") and data.get("birth_date"):
            self.person = identify(data["passport"], data["birth_date"])
            if self.person is None:
                raise ValidationError(NOT_FOUND, code="not_found")
        self.clean_uploads()
        return data

    def answers(self) -> dict[str, Any]:
        out = {}
        for name in self.answer_names:
            value = self.cleaned_data.get(f"f_{name}")
            out[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return out


class MoreDocumentsForm(UploadsMixin, forms.Form):
    note = forms.CharField(
        label=_("Message to the office (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_upload_fields(service.upload_specs, all_optional=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_uploads()
        if not self.errors and not self.uploads():
            raise ValidationError(_("Upload at least one document."), code="no_documents")
        return data


class BookingForm(forms.Form):
    def __init__(self, *args: Any, services: list[Service], identified: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person: Any = None
        if not identified:
            self.fields["passport"] = IdentifyForm.base_fields["passport"]
            self.fields["birth_date"] = IdentifyForm.base_fields["birth_date"]
        self.fields["service"] = forms.ChoiceField(
            label=_("What is it about?"),
            required=False,
            choices=[("", "—"), *((s.code, s.text("name")) for s in services)],
        )

    def clean(self) -> dict[str, Any]:
        from civitas.services.residents import identify

        data = super().clean() or {}
        if "passport" in self.fields and data.get("passport") and data.get("birth_date"):
            self.person = identify(data["passport"], data["birth_date"])
            if self.person is None:
                raise ValidationError(NOT_FOUND, code="not_found")
        return data


class ProfileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for reminders"), choices=Lang.choices)
    visa_expiry = forms.DateField(label=_("Last day of permitted stay on your visa"), required=False, widget=DateInput)
    residence_permit_expiry = forms.DateField(label=_("Residence permit expires"), required=False, widget=DateInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Card code (scan the QR code or paste it)"),
        max_length=1200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "autofocus": True}),
    )
    scenario = forms.ChoiceField(label=_("Purpose of the check"), choices=Scenario.choices)

    def __init__(self, *args: Any, scenarios: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Scenario.choices)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, labels.get(s, s)) for s in scenarios]
