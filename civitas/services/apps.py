from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "civitas.services"
    label = "services"
    verbose_name = _("Services")

    def ready(self) -> None:
        from civitas.accounts.choices import Role
        from civitas.core import events, extensions, navigation
        from civitas.services import actions, panels

        navigation.register(_("Services for foreigners"), "services:catalogue", order=60, public=True)
        navigation.register(
            _("Service desk"), "services:staff_home", roles={Role.SERVICE_STAFF, Role.CITY_ADMIN}, order=61
        )
        navigation.register(_("Verify a card"), "services:partner_scan", roles={Role.PARTNER}, order=10)
        extensions.register_panel("person", panels.person_panel)
        extensions.register_panel("home", panels.home_panel)
        events.subscribe("residence.declaration_verified", actions.on_declaration_verified)
