"""Password authentication with lock-out after repeated failures.

Each attempt first *reserves* a slot with one conditional UPDATE (`failed_logins < max` and not locked),
so N parallel guesses can never exceed the limit. A locked or unknown account costs the same password
hashing as a real check and yields the same error, so responses reveal neither existence nor lock state.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from civitas.accounts.models import User
from civitas.core import audit


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or password is None:
            return None
        now = timezone.now()
        user = User.objects.filter(username=username).first()
        if user is None:
            make_password(password)  # same work as a real check
            return None
        reserved = (
            User.objects.filter(pk=user.pk, failed_logins__lt=settings.CIVITAS_LOGIN_MAX_FAILURES)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .update(failed_logins=F("failed_logins") + 1)
        )
        if not reserved:
            make_password(password)
            return None
        ok = user.check_password(password) and self.user_can_authenticate(user)
        if ok:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.CIVITAS_LOGIN_MAX_FAILURES:
            until = now + timedelta(minutes=settings.CIVITAS_LOGIN_LOCK_MINUTES)
            locked = User.objects.filter(pk=user.pk, failed_logins__gte=settings.CIVITAS_LOGIN_MAX_FAILURES).update(
                locked_until=until, failed_logins=0
            )
            if locked:
                audit.record("account.locked", obj=user, actor_label=username, new={"locked_until": until})
        return None
