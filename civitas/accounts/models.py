from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import JURISDICTION_ROLES, Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.LANDLORD)
    division = models.ForeignKey(
        "places.Division",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The division whose subtree this user's rights cover."),
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text=_("The registry person behind this account (landlords, mediators)."),
    )
    language = models.CharField(_("preferred language"), max_length=10, default="zh-hans")
    failed_logins = models.PositiveSmallIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role in JURISDICTION_ROLES and not self.division_id:
            raise ValidationError({"division": _("This role needs a jurisdiction.")})
        if self.role == Role.LANDLORD and not self.person_id:
            raise ValidationError({"person": _("A landlord account belongs to a registered person.")})

    @property
    def scope_code(self) -> str | None:
        """Division-code prefix of everything this user may see; None = no jurisdiction."""
        if self.role in JURISDICTION_ROLES and self.division_id:
            return self.division_id
        return None

    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class ApiToken(models.Model):
    """Bearer token for machine clients (hotel systems, employers). Only a hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
