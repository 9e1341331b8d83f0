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
        self._connect_cache_invalidation()

    def _connect_cache_invalidation(self) -> None:
        """Short per-process caches of the scan path are cleared by the writes that make them stale."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from civitas.accounts.models import User
        from civitas.people.models import Person
        from civitas.services import access, actions
        from civitas.services.models import Partner

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(access.forget_partners, sender=Partner, dispatch_uid=f"services.partner_{name}")
            signal.connect(access.forget_partners, sender=User, dispatch_uid=f"services.user_{name}")
            signal.connect(actions.forget_credit_grades, sender=Person, dispatch_uid=f"services.person_{name}")
        m2m_changed.connect(
            access.forget_partners, sender=Partner.accounts.through, dispatch_uid="services.partner_accounts"
        )
