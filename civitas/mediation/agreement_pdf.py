"""The agreement as a PDF: one section per language (Arabic right-to-left, shaped by WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from civitas.mediation.models import Agreement

DJANGO_LANGUAGE = {"zh": "zh-hans"}
RTL = {"ar", "fa", "ur"}


def sections(agreement: Agreement) -> list[dict[str, Any]]:
    out = []
    for lang in agreement.languages:
        with translation.override(DJANGO_LANGUAGE.get(lang, lang)):
            html = render_to_string(
                "mediation/agreement_section.html",
                {
                    "agreement": agreement,
                    "case": agreement.case,
                    "text": agreement.texts.get(lang, ""),
                    "parties": list(agreement.case.parties.all()),
                    "signatures": list(agreement.signatures.all()),
                },
            )
        out.append({"lang": lang, "dir": "rtl" if lang in RTL else "ltr", "html": html})
    return out


def render_pdf(agreement: Agreement) -> bytes:
    from weasyprint import HTML

    html = render_to_string("mediation/agreement_pdf.html", {"agreement": agreement, "sections": sections(agreement)})
    return HTML(string=html).write_pdf()
