"""API authentication: session (browser, CSRF-checked) or bearer token (machine clients)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from civitas.accounts.models import ApiToken, User
from civitas.core import audit

# Per-process cache of valid token -> token row with its user, so a machine client's burst of calls does
# not pay one query each. Saving or deleting any ApiToken or User (revocation, deactivation, role change)
# clears this process's cache at once; other worker processes see the change within TOKEN_CACHE_SECONDS.
# Unknown or revoked tokens are never cached: they are looked up every time.
TOKEN_CACHE_SECONDS = 5.0
_TOKEN_CACHE_MAX = 1000
_token_cache: dict[str, tuple[float, ApiToken]] = {}


def forget_api_tokens(**kwargs: Any) -> None:
    _token_cache.clear()


post_save.connect(forget_api_tokens, sender=ApiToken, dispatch_uid="apiauth.token_saved")
post_delete.connect(forget_api_tokens, sender=ApiToken, dispatch_uid="apiauth.token_deleted")
post_save.connect(forget_api_tokens, sender=User, dispatch_uid="apiauth.user_saved")
post_delete.connect(forget_api_tokens, sender=User, dispatch_uid="apiauth.user_deleted")


def _valid_token(digest: str) -> ApiToken | None:
    hit = _token_cache.get(digest)
    clock = time.monotonic()
    if hit is not None and hit[0] > clock:
        return hit[1]
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        _token_cache.pop(digest, None)
        return None
    if len(_token_cache) >= _TOKEN_CACHE_MAX:
        _token_cache.clear()
    _token_cache[digest] = (clock + TOKEN_CACHE_SECONDS, row)
    return row


def _fresh_copy(user: User) -> User:
    """A shallow copy of a cached user (what copy.copy does, without the pickle protocol's overhead), with
    a state of its own: same database, not adding, nothing cached of its relations."""
    clone = User.__new__(User)
    clone.__dict__.update(user.__dict__)
    state = ModelState()
    state.db, state.adding = user._state.db, user._state.adding
    clone._state = state
    return clone


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        """HttpBearer's own header parsing, reading the one header from META (`request.headers` would
        first build a dict of every header of the request, a measurable share of a card scan)."""
        value = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, token = value.partition(" ")
        if not value or scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = _valid_token(ApiToken.digest_of(token))
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        user = _fresh_copy(row.user)  # each request gets its own instance; the cached one stays pristine
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django session with CSRF check on unsafe methods.

    The CSRF check runs only when the request carries a session cookie. A request without one (a machine
    client that forgot its token) has no session to forge, and is answered 401 "sign in or send a token"
    rather than django-ninja's 403 "CSRF check Failed", which would send its developer the wrong way.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


API_AUTH = [TokenAuth(), SessionAuth()]


def do_issue_api_token(user: User, name: str, *, acting_user: Any) -> str:
    """Create a token and return its clear value once; only its hash is kept."""
    raw = "cvt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[4:12], digest=ApiToken.digest_of(raw))
    audit.record("account.api_token_issued", actor=acting_user, obj=user, new={"name": name})
    return raw
