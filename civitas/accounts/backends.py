"""Password authentication with lock-out after repeated failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from civitas.accounts.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username:
            user = User.objects.filter(username=username).only("locked_until").first()
            if user is not None and user.is_locked():
                if request is not None:
                    request.civitas_locked = True  # type: ignore[attr-defined]
                return None
        return super().authenticate(request, username=username, password=password, **kwargs)
