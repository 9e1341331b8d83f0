from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "civitas.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from civitas.core import events, navigation
        from civitas.core.extensions import register_panel
        from civitas.credit.access import APPEAL_DECIDER_ROLES, OFFICER_ROLES, SIMULATION_ROLES
        from civitas.credit.actions import handle_event
        from civitas.credit.panels import home_panel, person_panel

        events.subscribe("*", handle_event)
        from django.db.models.signals import post_delete, post_save

        from civitas.credit.ledger import forget_rule_sets
        from civitas.credit.models import Rule, RuleSet, Threshold

        for model in (RuleSet, Rule, Threshold):
            post_save.connect(forget_rule_sets, sender=model, dispatch_uid=f"credit-forget-{model.__name__}")
            post_delete.connect(forget_rule_sets, sender=model, dispatch_uid=f"credit-forget-del-{model.__name__}")
        navigation.register(_("My credit"), "credit:mine", roles={"landlord"}, order=30)
        navigation.register(_("Landlord credit"), "credit:landlords", roles=set(OFFICER_ROLES), order=50)
        navigation.register(_("Merchant credit"), "credit:merchants", roles=set(OFFICER_ROLES), order=51)
        navigation.register(_("Credit appeals"), "credit:appeals", roles=set(APPEAL_DECIDER_ROLES), order=52)
        navigation.register(_("Rule simulation"), "credit:simulate", roles=set(SIMULATION_ROLES), order=80)
        register_panel("person", person_panel)
        register_panel("home", home_panel)
