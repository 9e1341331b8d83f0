"""Panels this app adds to shared pages: the role home page of mediators and dispatchers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.extensions import Panel
from civitas.mediation import access
from civitas.mediation.choices import OfferStatus


def home_panel(request: HttpRequest, user: Any) -> Panel | None:
    m = access.mediator_of(user)
    if m is not None:
        offers = access.offers_for(user).filter(status=OfferStatus.PENDING, expires_at__gt=timezone.now()).count()
        open_cases = access.cases_visible_to(user).filter(mediator=m).open().count()  # type: ignore[attr-defined]
        return Panel(
            _("Mediation"),
            "mediation/panel_home.html",
            {"mediator": m, "offers": offers, "open_cases": open_cases},
            order=30,
        )
    if access.is_dispatcher(user):
        cases = access.cases_visible_to(user)
        return Panel(
            _("Mediation"),
            "mediation/panel_home.html",
            {
                "queued": cases.filter(status="queued").count(),
                "same_day": cases.open().filter(same_day=True).count(),  # type: ignore[attr-defined]
                "alerts": access.alerts_visible_to(user).filter(acknowledged_at__isnull=True).count(),
            },
            order=30,
        )
    return None
