"""Count failed logins and lock the account; reset on success. Both are audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from civitas.accounts.models import User
from civitas.core import audit


@receiver(user_login_failed)
def count_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = credentials.get("username")
    if not username:
        return
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return
        if user.is_locked():
            return
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.CIVITAS_LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.CIVITAS_LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            audit.record("account.locked", obj=user, actor_label=username, new={"locked_until": user.locked_until})


@receiver(user_logged_in)
def reset_failures(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    audit.record("account.login", actor=user, obj=user)
