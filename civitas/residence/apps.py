from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidenceConfig(AppConfig):
    name = "civitas.residence"
    label = "residence"
    verbose_name = _("Residence registration")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from civitas.accounts.choices import Role
        from civitas.core import extensions, navigation
        from civitas.residence import panels
        from civitas.residence.models import VerificationRule
        from civitas.residence.rules import forget_rules

        post_save.connect(forget_rules, sender=VerificationRule, dispatch_uid="residence-forget-rules")
        post_delete.connect(forget_rules, sender=VerificationRule, dispatch_uid="residence-forget-rules-del")

        officers: set[str] = {Role.CITY_ADMIN, Role.POLICE, Role.GRID_WORKER}
        navigation.register(_("Landlord workbench"), "residence:workbench", roles={str(Role.LANDLORD)}, order=20)
        navigation.register(_("Review queue"), "residence:review", roles=officers, order=30)
        navigation.register(_("Residents"), "residence:residents", roles=officers, order=31)
        navigation.register(_("Declarations"), "residence:declarations", roles=officers, order=32)
        navigation.register(
            _("Declarations by township"), "residence:counts", roles=officers | {Role.ANALYST}, order=33
        )
        navigation.register(
            _("Watch list"), "residence:watch-list", roles={str(Role.CITY_ADMIN), str(Role.POLICE)}, order=34
        )
        extensions.register_panel("property", panels.property_panel)
        extensions.register_panel("person", panels.person_panel)
        extensions.register_panel("home", panels.home_panel)
