"""Persons and their identity documents.

Identity and phone numbers exist only as AES-GCM ciphertext (`*_enc`), a keyed blind index for exact
lookups (`*_index`) and a masked display form (`*_masked`). The mask of a resident ID hides the place
code, the birth date and the sequence (`33**************3X`): the birth date is stored in clear for age
rules, so a mask that showed the other digits would let anyone rebuild the number. Only the home
province (not the 6-digit place code) is kept in clear. Decryption happens only in
`actions.do_reveal_identity`, which writes an audit event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civitas.people.choices import DocumentKind, Sex
from civitas.places.models import ScopedQuerySet


class PersonQuerySet(ScopedQuerySet):
    pass


def display_name_of(name: str, name_latin: str, nationality: str) -> str:
    """How a person is named on screen: a foreigner by the Latin name of their passport when there is one."""
    if nationality != "CHN" and name_latin:
        return name_latin
    return name


class Person(models.Model):
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, db_index=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=120, blank=True, db_index=True)
    name_latin = models.CharField(_("name in Latin script"), max_length=120, blank=True)
    name_native = models.CharField(_("name in own script"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")

    doc_kind = models.CharField(_("document type"), max_length=16, choices=DocumentKind.choices)
    doc_number_enc = models.TextField(_("document number (encrypted)"))
    doc_index = models.CharField(_("document number (blind index)"), max_length=40, db_index=True)
    doc_masked = models.CharField(_("document number"), max_length=24)
    doc_country = models.CharField(_("issuing country"), max_length=3, default="CHN")
    doc_expiry = models.DateField(_("document expires"), null=True, blank=True)

    phone_enc = models.TextField(_("phone (encrypted)"), blank=True)
    phone_index = models.CharField(_("phone (blind index)"), max_length=40, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=24, blank=True)

    hometown_province = models.CharField(_("home province"), max_length=2, blank=True, db_index=True)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    employer = models.CharField(_("employer or school"), max_length=120, blank=True)
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("lives in (grid unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the person currently lives; sets whose jurisdiction they are in."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            # Resident IDs are unique nationally; passport numbers only within their issuing country.
            models.UniqueConstraint(fields=["doc_index", "doc_country"], name="person_document_unique"),
        ]
        indexes = [
            models.Index(fields=["division", "name"], name="person_division_name"),
            models.Index(fields=["division", "name_pinyin"], name="person_division_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.division_id or ""

    @property
    def is_foreign(self) -> bool:
        return self.nationality != "CHN"

    @property
    def hometown_province_name(self) -> str:
        from django.utils.translation import get_language

        from civitas.documents.idnumbers import province_of

        names = province_of(self.hometown_province) if self.hometown_province else None
        if not names:
            return self.hometown_province
        return names[0] if (get_language() or "zh").startswith("zh") else names[1]

    def display_name(self) -> str:
        return display_name_of(self.name, self.name_latin, self.nationality)
