"""Content per language with a fallback: the active language, then Chinese, then English."""

from __future__ import annotations

from typing import Any

from django.utils import translation

LANGS = ("zh-hans", "en", "ar", "ru")
FALLBACK = ("zh-hans", "en")


def current_lang() -> str:
    """The active Django language reduced to one of LANGS (zh-hans for anything Chinese)."""
    return normalise_lang(translation.get_language() or "zh-hans")


def normalise_lang(code: str) -> str:
    code = (code or "").lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh-hans"
    base = code.split("-")[0]
    return base if base in LANGS else "zh-hans"


def localized(texts: Any, lang: str | None = None) -> Any:
    """`texts` is {language: value}; return the value in `lang` or the first fallback that has one."""
    if not isinstance(texts, dict):
        return texts or ""
    lang = normalise_lang(lang) if lang else current_lang()
    for code in (lang, *FALLBACK):
        value = texts.get(code)
        if value:
            return value
    return next((v for v in texts.values() if v), "")


def search_text(service: Any, lang: str) -> str:
    """What a search in `lang` matches: the service's texts as shown in that language, lower-cased."""
    parts: list[str] = [service.code.replace("-", " ")]
    for field in ("name", "summary", "eligibility", "department", "where_to_go"):
        parts.append(str(localized(getattr(service, field), lang)))
    docs = localized(service.documents_needed, lang)
    if isinstance(docs, list):
        parts.extend(str(d) for d in docs)
    category = getattr(service, "category", None)
    if category is not None:
        parts.append(str(localized(category.names, lang)))
    return "\n".join(p for p in parts if p).lower()
