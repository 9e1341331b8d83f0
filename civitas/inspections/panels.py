"""Panels on shared pages: a landlord's open notices (home), the safety history of a property and a person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.accounts.choices import Role
from civitas.core.extensions import Panel
from civitas.inspections.access import hazards_visible_to
from civitas.inspections.models import Hazard


def home_panel(request: HttpRequest, user: Any) -> Panel | None:
    """A landlord or merchant sees their open hazards, notices and deadlines on their home page."""
    if getattr(user, "role", None) != Role.LANDLORD or not user.person_id:
        return None
    hazards = list(
        hazards_visible_to(user)
        .open()
        .select_related("item", "premises")
        .prefetch_related("notices")
        .order_by("deadline", "id")[:20]
    )
    if not hazards:
        return None
    return Panel(
        _("Safety hazards to rectify"),
        "inspections/panel_owner.html",
        {"hazards": hazards, "today": timezone.localdate()},
        order=20,
    )


def _history(request: HttpRequest, qs: Any) -> list[Hazard]:
    return list(
        qs.filter(pk__in=hazards_visible_to(request.user).values("pk"))
        .select_related("item", "premises")
        .prefetch_related("reinspections")
        .order_by("-found_at")[:30]
    )


def property_panel(request: HttpRequest, prop: Any) -> Panel | None:
    hazards = _history(request, Hazard.objects.filter(premises__rental_property=prop))
    if not hazards:
        return None
    return Panel(_("Safety inspection history"), "inspections/panel_history.html", {"hazards": hazards}, order=40)


def person_panel(request: HttpRequest, person: Any) -> Panel | None:
    hazards = _history(request, Hazard.objects.filter(owner=person))
    if not hazards:
        return None
    return Panel(
        _("Safety hazards at premises this person owns"),
        "inspections/panel_history.html",
        {"hazards": hazards},
        order=40,
    )
