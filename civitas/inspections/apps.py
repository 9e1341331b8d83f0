from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "civitas.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from civitas.core import extensions, navigation
        from civitas.inspections import panels

        staff = {"city_admin", "inspector", "grid_worker", "police"}
        navigation.register(_("Safety inspections"), "inspections:home", roles=staff | {"landlord"}, order=50)
        navigation.register(_("Hazards"), "inspections:hazards", roles=staff, order=51)
        navigation.register(_("Public reports"), "inspections:leads", roles={"city_admin", "inspector"}, order=52)
        navigation.register(
            _("Inspection accountability"),
            "inspections:accountability",
            roles={"city_admin", "inspector", "analyst", "police"},
            order=53,
        )
        extensions.register_panel("home", panels.home_panel)
        extensions.register_panel("property", panels.property_panel)
        extensions.register_panel("person", panels.person_panel)
