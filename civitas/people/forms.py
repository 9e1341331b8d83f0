from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.people.choices import SearchField


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=60,
        help_text=_(
            "Full identity or passport number, a masked number as shown on screen (33**************3X), "
            "phone number, Chinese name or pinyin."
        ),
    )
    field = forms.ChoiceField(
        label=_("Search by"), choices=SearchField.choices, initial=SearchField.AUTO, required=False
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Why you need the full number. This view is recorded in the audit log."),
    )
