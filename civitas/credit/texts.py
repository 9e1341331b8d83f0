"""Texts stored per language ({"zh-hans": ..., "en": ..., "ar": ..., "ru": ...}) with a fallback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation

FALLBACK = ("en", "zh-hans")


def localized(texts: dict[str, str] | None, lang: str | None = None) -> str:
    """The text in `lang` (default: the active language), else English, else Chinese, else any."""
    if not texts:
        return ""
    lang = (lang or translation.get_language() or settings.LANGUAGE_CODE).lower()
    for code in (lang, lang.split("-")[0], *FALLBACK):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")


def in_every_language(make: Callable[[str], Any]) -> dict[str, str]:
    """Build a text once per configured language, with that language active (for gettext)."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(make(code))
    return out
