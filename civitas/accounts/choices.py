from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("city administrator")
    POLICE = "police", _("police officer")
    GRID_WORKER = "grid_worker", _("grid worker")
    LANDLORD = "landlord", _("landlord")
    SERVICE_STAFF = "service_staff", _("service-centre staff")
    MEDIATOR = "mediator", _("mediator")
    INSPECTOR = "inspector", _("safety inspector")
    ANALYST = "analyst", _("city analyst")
    PARTNER = "partner", _("service partner")


# Roles whose rights cover a division subtree (their `division` is required).
JURISDICTION_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.POLICE,
        Role.GRID_WORKER,
        Role.SERVICE_STAFF,
        Role.MEDIATOR,
        Role.INSPECTOR,
        Role.ANALYST,
    }
)
# Roles allowed to see a full identity number (each view is audited).
FULL_IDENTITY_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE})
# Roles that may search people.
PEOPLE_SEARCH_ROLES = frozenset({Role.CITY_ADMIN, Role.POLICE, Role.GRID_WORKER})
