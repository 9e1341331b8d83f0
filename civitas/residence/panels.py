"""Panels residence adds to shared pages: property (residents, history), person (residence), home (to-dos)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civitas.core.extensions import Panel
from civitas.residence.access import (
    declarations_visible_to,
    is_landlord,
    is_officer,
    residencies_visible_to,
    reviewable_by,
)


def property_panel(request: HttpRequest, prop: Any) -> Panel | None:
    if not (is_officer(request.user) or is_landlord(request.user)):
        return None
    current = (
        residencies_visible_to(request.user)
        .current()
        .filter(property=prop)
        .select_related("person", "room", "declaration")
        .order_by("room__number")
    )
    history = declarations_visible_to(request.user).filter(property=prop).select_related("room")[:30]
    return Panel(_("Residents"), "residence/panels/property.html", {"current": current, "history": history}, order=10)


def person_panel(request: HttpRequest, person: Any) -> Panel | None:
    if not is_officer(request.user):
        return None
    rows = (
        residencies_visible_to(request.user)
        .filter(person=person, cancelled=False)
        .select_related("property__building", "room", "declaration")
        .order_by("-start")
    )
    return Panel(_("Residence history"), "residence/panels/person.html", {"rows": rows}, order=10)


def home_panel(request: HttpRequest, user: Any) -> Panel | None:
    if is_landlord(user):
        n = declarations_visible_to(user).pending_landlord().count()
        ctx = {"n": n, "url": reverse("residence:workbench"), "label": _("declarations to confirm")}
        return Panel(_("Residence declarations"), "residence/panels/home.html", ctx, order=10)
    if is_officer(user):
        ctx = {
            "n": reviewable_by(user).count(),
            "url": reverse("residence:review"),
            "label": _("flagged declarations to review"),
        }
        return Panel(_("Residence declarations"), "residence/panels/home.html", ctx, order=10)
    return None
