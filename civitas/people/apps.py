from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "civitas.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from civitas.core import navigation

        navigation.register(
            _("People search"), "people:search", roles={"city_admin", "police", "grid_worker"}, order=20
        )
