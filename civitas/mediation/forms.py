"""Forms of the mediation pages (the API uses the same actions with its own schemas)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.mediation.choices import (
    LANGUAGES,
    Category,
    ContactOutcome,
    Performance,
    ReferralTarget,
    SessionMode,
)
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division


def township_choices() -> list[tuple[str, str]]:
    return list(
        Division.objects.filter(level__in=(DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE))
        .order_by("code")
        .values_list("code", "name")[:400]
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile phone"),
        max_length=24,
        help_text=_("We send a code to check it is yours. Foreign numbers start with +."),
    )


class DisputeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=8)
    name = forms.CharField(label=_("Your name"), max_length=120)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    nationality = forms.CharField(label=_("Nationality (3 letters, e.g. CHN, EGY)"), max_length=3, initial="CHN")
    category = forms.ChoiceField(label=_("What is the dispute about?"), choices=Category.choices)
    division = forms.ChoiceField(label=_("Where did it happen?"), choices=())
    other_name = forms.CharField(label=_("The other party (name)"), max_length=120)
    other_company = forms.CharField(label=_("Their shop or company"), max_length=120, required=False)
    other_languages = forms.MultipleChoiceField(
        label=_("Languages the other party speaks"),
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["zh"],
    )
    other_phone = forms.CharField(label=_("Their phone, if known"), max_length=24, required=False)
    amount = forms.DecimalField(
        label=_("Amount in dispute (CNY)"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    claimants = forms.IntegerField(label=_("How many people claim together?"), min_value=1, initial=1)
    threats = forms.BooleanField(label=_("Someone threatened violence or self-harm"), required=False)
    description = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label=_("Evidence (photo, PDF), optional"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["division"].choices = township_choices()  # type: ignore[attr-defined]


class OfficerCaseForm(DisputeForm):
    phone = forms.CharField(label=_("Claimant's phone"), max_length=24, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class StatusForm(forms.Form):
    case_code = forms.CharField(label=_("Case code"), max_length=16)
    phone = forms.CharField(label=_("Your mobile phone"), max_length=24)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=8)


class ContactForm(forms.Form):
    party = forms.IntegerField(label=_("party"))
    outcome = forms.ChoiceField(label=_("outcome"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("starts"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    mode = forms.ChoiceField(label=_("mode"), choices=SessionMode.choices)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("video link"), required=False, assume_scheme="https")


class ReferralForm(forms.Form):
    target = forms.ChoiceField(label=_("referred to"), choices=ReferralTarget.choices)
    body = forms.CharField(label=_("receiving body"), max_length=120)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    parties_consent = forms.BooleanField(label=_("both parties consent"), required=False)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Performance.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
