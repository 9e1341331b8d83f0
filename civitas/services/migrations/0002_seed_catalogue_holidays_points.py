from django.db import migrations


def seed(apps, schema_editor):
    from civitas.services.seeds import seed_catalogue

    seed_catalogue(apps)


def unseed(apps, schema_editor):
    from civitas.services.seeds import unseed_catalogue

    unseed_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("services", "0001_catalogue_applications_network_cards")]

    operations = [migrations.RunPython(seed, unseed)]
