"""Template filters of the insight app."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def source_text(text: str | None) -> str:
    """A text stored as its English source (a unit of measure, the template's description) in the active
    language. Unlike {% translate variable %}, percent signs are looked up as they are: "% of declarations"."""
    return gettext(text) if text else ""
