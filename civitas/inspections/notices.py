"""Rectification notices as PDF: one page in Chinese and, when different, the owner's language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from civitas.inspections.models import Notice


def notice_languages(notice: Notice) -> list[str]:
    langs = ["zh-hans"]
    if notice.owner_language and notice.owner_language != "zh-hans":
        langs.append(notice.owner_language)
    return langs


def notice_html(notice: Notice, base_url: str = "") -> str:
    hazard = notice.hazard
    sections: list[str] = []
    for lang in notice_languages(notice):
        with translation.override(lang):
            context: dict[str, Any] = {
                "notice": notice,
                "hazard": hazard,
                "lang": lang,
                "item_text": hazard.item.text_in(lang),
                "rtl": translation.get_language_bidi(),
            }
            sections.append(render_to_string("inspections/notice_section.html", context))
    return render_to_string("inspections/notice_pdf.html", {"sections": sections, "notice": notice})


def notice_pdf(notice: Notice) -> bytes:
    from weasyprint import HTML

    return HTML(string=notice_html(notice)).write_pdf()
