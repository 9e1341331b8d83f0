"""Each ledger entry explained to its subject in plain words, in their language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from civitas.credit.choices import EntryKind


def explain(rule: Any, points: int, requested: int, note: str, kind: str, lang: str | None = None) -> str:
    """E.g. "Escape window blocked: -3 points. Note: bars over the window." (in `lang`, default active)."""
    with translation.override(lang or translation.get_language()):
        reason = rule.text(lang)
        signed = f"{points:+d}"
        if kind == EntryKind.REVERSAL:
            text = _("Reversed: {reason}. {points} points given back.").format(reason=reason, points=signed)
        else:
            text = _("{reason}: {points} points.").format(reason=reason, points=signed)
        if kind == EntryKind.RULE and points != requested:
            text += " " + _("Capped: this rule adds at most {cap} points {period}.").format(
                cap=rule.cap_points, period=rule.get_cap_period_display()
            )
        if note:
            text += " " + _("Note: {note}").format(note=note)
        return text
