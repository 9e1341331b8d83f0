from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "civitas.mediation"
    label = "mediation"
    verbose_name = _("Mediation")

    def ready(self) -> None:
        from civitas.core import navigation
        from civitas.core.extensions import register_panel
        from civitas.mediation.panels import home_panel

        register_panel("home", home_panel)

        navigation.register(_("Resolve a dispute"), "mediation:intake", order=70, public=True)
        navigation.register(_("My dispute"), "mediation:status", order=71, public=True)
        navigation.register(_("Mediation workbench"), "mediation:workbench", roles={"mediator"}, order=72)
        navigation.register(_("Dispatch console"), "mediation:console", roles={"mediator", "city_admin"}, order=73)
        navigation.register(
            _("Mediation statistics"),
            "mediation:statistics",
            roles={"city_admin", "analyst", "police", "service_staff"},
            order=74,
        )
