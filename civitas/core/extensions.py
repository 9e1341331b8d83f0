"""Extension points: apps add panels to shared pages without editing them.

An app registers, in its `AppConfig.ready()`, a function `(request, obj) -> Panel | None`. The person
page, the property page and each role's home page render every panel that applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass
class Panel:
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFn = Callable[[HttpRequest, Any], Panel | None]
_REGISTRY: dict[str, list[PanelFn]] = {"person": [], "property": [], "home": []}


def register_panel(page: str, fn: PanelFn) -> None:
    if fn not in _REGISTRY[page]:
        _REGISTRY[page].append(fn)


def _render(page: str, request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    panels = [p for p in (fn(request, obj) for fn in _REGISTRY[page]) if p is not None]
    out = []
    for p in sorted(panels, key=lambda p: p.order):
        html: SafeString = SafeString(render_to_string(p.template, {**p.context, "obj": obj}, request=request))
        out.append({"title": p.title, "html": html})
    return out


def person_panels(request: HttpRequest, person: Any) -> list[dict[str, Any]]:
    return _render("person", request, person)


def property_panels(request: HttpRequest, prop: Any) -> list[dict[str, Any]]:
    return _render("property", request, prop)


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    return _render("home", request, request.user)
