"""A tenant's unfinished check-in, kept in the session encrypted until the SMS code is confirmed."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from civitas.privacy.crypto import decrypt, encrypt

KEY = "residence.pending"
CONTEXT = "residence.pending"


def save(request: HttpRequest, data: dict[str, Any]) -> None:
    request.session[KEY] = encrypt(json.dumps(data, default=str), context=CONTEXT)


def load(request: HttpRequest, token: str) -> dict[str, Any] | None:
    raw = request.session.get(KEY)
    if not raw:
        return None
    try:
        data = json.loads(decrypt(raw, context=CONTEXT))
    except ValueError:
        return None
    return data if data.get("token") == token else None


def clear(request: HttpRequest) -> None:
    request.session.pop(KEY, None)
