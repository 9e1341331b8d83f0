"""Data: version 1 of the standard checklists and the public-report (Open311) categories."""

from django.db import migrations


def forwards(apps, schema_editor):
    from civitas.inspections.standard_checklists import install

    install(apps.get_model("inspections", "Checklist"), apps.get_model("inspections", "ChecklistItem"),
            apps.get_model("inspections", "ReportService"))


def backwards(apps, schema_editor):
    from civitas.inspections.standard_checklists import uninstall

    uninstall(apps.get_model("inspections", "Checklist"), apps.get_model("inspections", "ChecklistItem"),
              apps.get_model("inspections", "ReportService"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_checklists_premises_hazards_leads")]

    operations = [migrations.RunPython(forwards, backwards)]
