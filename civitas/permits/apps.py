from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def person_panel(request: Any, person: Any) -> Any:
    from civitas.core.extensions import Panel
    from civitas.permits import actions
    from civitas.permits.access import is_officer

    permit = actions.live_permit(person)
    return Panel(
        title=_("Residence permit"),
        template="permits/panel_person.html",
        order=40,
        context={
            "permit": permit,
            "result": None if permit else actions.check_eligibility(person),
            "officer": is_officer(request.user),
        },
    )


def home_panel(request: Any, user: Any) -> Any:
    """Officers' start page: files waiting and files past the legal deadline in their jurisdiction."""
    from civitas.core.extensions import Panel
    from civitas.permits import sources
    from civitas.permits.access import applications_visible_to, is_officer
    from civitas.permits.choices import ApplicationStatus

    if not is_officer(user):
        return None
    apps = applications_visible_to(user)
    return Panel(
        title=_("Residence permits"),
        template="permits/panel_home.html",
        order=40,
        context={
            "waiting": apps.filter(status=ApplicationStatus.SUBMITTED).count(),
            "overdue": apps.overdue(sources.today()).count(),
        },
    )


class PermitsConfig(AppConfig):
    name = "civitas.permits"
    label = "permits"
    verbose_name = _("Permits")

    def ready(self) -> None:
        from civitas.core import events, navigation
        from civitas.core.extensions import register_panel
        from civitas.permits.access import FORECAST_ROLES, OFFICER_ROLES, SCHOOL_ROLES
        from civitas.permits.actions import on_checked_out

        navigation.register(_("Residence permits"), "permits:queue", roles=set(OFFICER_ROLES), order=40)
        navigation.register(_("School places"), "permits:schools", roles=set(SCHOOL_ROLES), order=42)
        navigation.register(_("School-age forecast"), "permits:forecast", roles=set(FORECAST_ROLES), order=44)
        navigation.register(
            _("My residence permit"), "permits:resident_start", public=True, roles={"landlord"}, order=40
        )
        navigation.register(_("Verify a permit"), "permits:verify", public=True, roles={"partner"}, order=41)
        register_panel("person", person_panel)
        register_panel("home", home_panel)
        events.subscribe("residence.checked_out", on_checked_out)
