"""Data migration: version 1 of the landlord 12-point scheme and the merchant credit scheme."""

from django.db import migrations


def forwards(apps, schema_editor):
    from civitas.credit.seed_data import install

    install(apps)


def backwards(apps, schema_editor):
    from civitas.credit.seed_data import uninstall

    uninstall(apps)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_schemes_ledger_appeals")]
    operations = [migrations.RunPython(forwards, backwards)]
