"""Seed the verification rules with their default parameters (reversible)."""

from django.db import migrations

RULES = {
    "document_valid": ({}, "Identity document valid: check digits, dates, passport and visa expiry."),
    "on_time": ({"migrant_days": 3, "foreigner_hours": 24, "change_days": 10},
                "Migrants within 3 days of arrival, changes within 10 days; foreigners outside hotels within 24 hours."),
    "not_resident_elsewhere": ({}, "The person is not actively resident at another property."),
    "within_capacity": ({"min_m2_per_person": 6, "max_adults_per_room": 2, "child_age": 12},
                        "Beds; at least 6 m² per person (children under 12 not counted); "
                        "at most 2 adults per room unless one family."),
    "not_watch_listed": ({}, "The person's document is not on a watch list (blind index match)."),
    "landlord_owns_property": ({}, "The confirming landlord owns the property."),
}


def seed(apps, schema_editor):
    rule = apps.get_model("residence", "VerificationRule")
    for code, (params, text) in RULES.items():
        rule.objects.update_or_create(code=code, defaults={"parameters": params, "description": text})


def unseed(apps, schema_editor):
    apps.get_model("residence", "VerificationRule").objects.filter(code__in=list(RULES)).delete()


class Migration(migrations.Migration):
    dependencies = [("residence", "0001_declarations_and_rules")]
    operations = [migrations.RunPython(seed, unseed)]
