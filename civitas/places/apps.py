from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "civitas.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from civitas.core import navigation

        navigation.register(
            _("Divisions"), "places:division-root", roles={"city_admin", "police", "grid_worker", "analyst"}, order=30
        )
