"""Template filters for per-language content."""

from __future__ import annotations

from typing import Any

from django import template

from civitas.services.choices import Lang
from civitas.services.texts import localized

register = template.Library()
_LANG_NAMES = dict(Lang.choices)


@register.filter
def loc(texts: Any) -> Any:
    """{{ service.name|loc }}: the text in the active language, with the fallback."""
    return localized(texts)


@register.filter
def langname(code: str) -> str:
    return _LANG_NAMES.get(code, code)
