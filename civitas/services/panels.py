"""Panels the services app adds to the person page and to staff home pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.core.extensions import Panel
from civitas.services.access import applications_visible_to, cards_visible_to, is_staff
from civitas.services.reports import breach_list


def person_panel(request: HttpRequest, person: Any) -> Panel | None:
    if not is_staff(request.user) or not person.is_foreign:
        return None
    apps = list(applications_visible_to(request.user).filter(person=person).select_related("service")[:10])
    cards = list(cards_visible_to(request.user).filter(person=person)[:3])
    if not apps and not cards:
        return None
    return Panel(_("Foreign residents' services"), "services/panels/person.html", {"apps": apps, "cards": cards})


def home_panel(request: HttpRequest, user: Any) -> Panel | None:
    if not is_staff(user):
        return None
    rows = breach_list(applications_visible_to(user))
    return Panel(
        _("Applications near or past their legal deadline"),
        "services/panels/home.html",
        {"rows": rows[:10], "total": len(rows)},
        order=20,
    )
