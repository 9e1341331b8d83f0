"""Forms of the tenant check-in, the landlord workbench and the officer review."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.documents.errors import DocumentError
from civitas.documents.mrz import parse_mrz
from civitas.documents.phones import normalise_phone
from civitas.people.actions import PersonInput, validated_person_fields
from civitas.people.choices import DocumentKind, Sex
from civitas.residence.actions import DeclarationInput, MemberInput
from civitas.residence.choices import Decision, Purpose, Relation

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DOC_KINDS = [
    (DocumentKind.RESIDENT_ID, _("Chinese resident ID card")),
    (DocumentKind.PASSPORT, _("Passport")),
    (DocumentKind.HMT_PERMIT, _("Hong Kong/Macao/Taiwan residence permit")),
]


class PersonFields(forms.Form):
    """Identity of one person; a passport can be given by typing or pasting its machine-readable zone."""

    doc_kind = forms.ChoiceField(label=_("Identity document"), choices=DOC_KINDS, initial=DocumentKind.RESIDENT_ID)
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    mrz = forms.CharField(
        label=_("Passport machine-readable zone (optional)"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono", "autocapitalize": "characters"}),
        help_text=_("The two lines at the bottom of the photo page, typed or pasted."),
    )
    name = forms.CharField(label=_("Name as on the document"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices[:2]], required=False)
    birth_date = forms.DateField(label=_("Date of birth (passports)"), required=False, widget=DATE)
    nationality = forms.CharField(label=_("Nationality (3 letters, passports)"), max_length=3, required=False)
    doc_expiry = forms.DateField(label=_("Passport expires"), required=False, widget=DATE)
    visa_expiry = forms.DateField(label=_("Visa or residence permit expires"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("mrz") or "").strip()
        if text:
            try:
                result = parse_mrz(text)
            except DocumentError as exc:
                raise ValidationError({"mrz": exc.message}) from exc
            if result.errors:
                raise ValidationError({"mrz": [e.message for e in result.errors]})
            data.update(
                doc_kind=DocumentKind.PASSPORT
                if result.document_code.startswith("P")
                else DocumentKind.TRAVEL_DOCUMENT,
                doc_number=result.document_number,
                nationality=result.nationality,
                birth_date=result.birth_date,
                sex=result.sex if result.sex in ("M", "F") else "X",
                doc_expiry=result.expiry_date,
                name=data.get("name") or f"{result.surname} {result.given_names}".strip(),
            )
        if not data.get("doc_number"):
            self.add_error("doc_number", _("Enter the document number."))
        return data

    def person_input(self, phone: str = "") -> PersonInput:
        d = self.cleaned_data
        foreign = d["doc_kind"] in (DocumentKind.PASSPORT, DocumentKind.TRAVEL_DOCUMENT)
        return PersonInput(
            name=d.get("name") or "",
            doc_kind=d["doc_kind"],
            doc_number=d.get("doc_number") or "",
            sex=d.get("sex") or "",
            birth_date=d.get("birth_date") if foreign else None,
            nationality=(d.get("nationality") or "").upper() if foreign else "CHN",
            doc_country=(d.get("nationality") or "").upper() if foreign else "CHN",
            doc_expiry=d.get("doc_expiry") if foreign else None,
            phone=phone,
            name_latin=(d.get("name") or "") if foreign else "",
        )

    def check_person(self, phone: str = "") -> None:
        """Run the registry's own validation now, so mistakes show before the SMS code is sent."""
        if not self.is_valid():
            return
        try:
            validated_person_fields(self.person_input(phone))
        except ValidationError as exc:
            for name, msgs in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, msgs)


class DeclarationForm(PersonFields):
    room = forms.ChoiceField(label=_("Room"))
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    move_in = forms.DateField(label=_("Moved in on"), widget=DATE, initial=timezone.localdate)
    arrived_at = forms.DateTimeField(
        label=_("Arrived in Yiwu (foreigners: date and time)"), required=False, widget=DATETIME
    )
    purpose = forms.ChoiceField(label=_("Purpose of stay"), choices=Purpose.choices)
    employer = forms.CharField(label=_("Employer or school"), max_length=120, required=False)

    field_order = [
        "room",
        "doc_kind",
        "doc_number",
        "mrz",
        "name",
        "sex",
        "birth_date",
        "nationality",
        "doc_expiry",
        "visa_expiry",
        "phone",
        "move_in",
        "arrived_at",
        "purpose",
        "employer",
    ]

    def __init__(self, *args: Any, rooms: list[tuple[int, str]], phone_required: bool = True, **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["room"]).choices = [(str(pk), label) for pk, label in rooms]
        if len(rooms) == 1:
            self.fields["room"].initial = str(rooms[0][0])
        self.fields["phone"].required = phone_required

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone") or ""
        if not value.strip():
            return ""
        try:
            return normalise_phone(value)
        except DocumentError as exc:
            raise ValidationError(exc.message) from exc

    def clean_move_in(self) -> datetime.date:
        value = self.cleaned_data["move_in"]
        if value > timezone.localdate():
            raise ValidationError(_("The move-in date cannot be in the future."))
        return value


class MemberForm(PersonFields):
    relation = forms.ChoiceField(label=_("Relation"), choices=[c for c in Relation.choices if c[0] != Relation.SELF])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)

    field_order = [
        "relation",
        "doc_kind",
        "doc_number",
        "name",
        "sex",
        "birth_date",
        "nationality",
        "doc_expiry",
    ]

    def has_changed(self) -> bool:
        """A row counts only once a document number, a name or an MRZ is typed into it."""
        return any((self.data.get(self.add_prefix(n)) or "").strip() for n in ("doc_number", "name", "mrz"))


class BaseMemberFormSet(forms.BaseFormSet):
    def check_people(self) -> None:
        for form in self.forms:
            if form.has_changed():
                form.check_person()


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=3, max_num=8)


def declaration_input(
    form: DeclarationForm,
    members: Any,
    *,
    source: str,
    phone_verified: bool = False,
    idempotency_key: str | None = None,
) -> DeclarationInput:
    d = form.cleaned_data
    people = [
        MemberInput(
            person=form.person_input(d.get("phone") or ""),
            relation=Relation.SELF,
            visa_expiry=d.get("visa_expiry"),
        )
    ]
    for m in members.forms:
        if m.has_changed() and m.cleaned_data.get("doc_number"):
            people.append(
                MemberInput(
                    person=m.person_input(),
                    relation=m.cleaned_data["relation"],
                    visa_expiry=m.cleaned_data.get("visa_expiry"),
                )
            )
    return DeclarationInput(
        room_id=int(d["room"]),
        members=people,
        move_in=d["move_in"],
        purpose=d["purpose"],
        employer=d.get("employer") or "",
        arrived_at=d.get("arrived_at"),
        source=source,
        phone_verified=phone_verified,
        idempotency_key=idempotency_key,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TenantChangeForm(forms.Form):
    """A tenant moving out or changing room proves who they are with the document and the phone."""

    ACTIONS = [("check_out", _("I moved out")), ("change", _("I changed room in this property"))]
    action = forms.ChoiceField(label=_("What changed"), choices=ACTIONS, widget=forms.RadioSelect)
    doc_number = forms.CharField(label=_("Document number"), max_length=24)
    phone = forms.CharField(
        label=_("Mobile phone given at check-in"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    room = forms.ChoiceField(label=_("New room"), required=False)

    def __init__(self, *args: Any, rooms: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["room"]).choices = [("", "—"), *[(str(pk), label) for pk, label in rooms]]

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except DocumentError as exc:
            raise ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "change" and not data.get("room"):
            self.add_error("room", _("Choose the new room."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CheckOutForm(forms.Form):
    move_out = forms.DateField(label=_("Moved out on"), widget=DATE, initial=timezone.localdate)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reason (recorded)"), max_length=300, required=False)
    move_in = forms.DateField(label=_("Corrected move-in date"), required=False, widget=DATE)
    purpose = forms.ChoiceField(label=_("Corrected purpose"), choices=[("", "—"), *Purpose.choices], required=False)
    employer = forms.CharField(label=_("Corrected employer or school"), max_length=120, required=False)

    def corrections(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("move_in", "purpose", "employer") if d.get(k)}


class WatchListForm(forms.Form):
    doc_number = forms.CharField(label=_("Document number"), max_length=24)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ResidentsForm(forms.Form):
    division = forms.CharField(label=_("Division code"), max_length=15, required=False)
    on = forms.DateField(label=_("On date"), required=False, widget=DATE)
