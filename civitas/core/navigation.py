"""Menu registry: each app registers its entries in `AppConfig.ready()`.

Keeps the base template free of knowledge about apps: a new app adds a line, not a template edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty = every signed-in user
    order: int = 100
    public: bool = False  # also shown to anonymous visitors


_ITEMS: list[NavItem] = []


def register(
    label: Any, url_name: str, *, roles: set[str] | None = None, order: int = 100, public: bool = False
) -> None:
    item = NavItem(label, url_name, frozenset(roles or ()), order, public)
    if item not in _ITEMS:
        _ITEMS.append(item)


def items_for(user: Any) -> list[dict[str, Any]]:
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    out = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if role is None and not item.public:
            continue
        if role is not None and item.roles and role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": item.label, "url": url, "name": item.url_name})
    return out
