"""Audit successful logins (failures and lock-outs are handled in the authentication backend)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from civitas.accounts.models import User
from civitas.core import audit


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record("account.login", actor=user, obj=user)
