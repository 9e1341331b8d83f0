from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "civitas.insight"
    label = "insight"
    verbose_name = _("Insight")

    def ready(self) -> None:
        from civitas.core import navigation

        viewers = {"city_admin", "analyst", "police", "grid_worker"}
        navigation.register(_("Governance index"), "insight:dashboard", roles=viewers, order=80)
        navigation.register(_("Index runs"), "insight:runs", roles=viewers, order=81)
        navigation.register(_("Public dashboard"), "insight:public", public=True, order=90)
