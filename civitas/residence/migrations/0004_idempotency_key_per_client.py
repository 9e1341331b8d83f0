"""Idempotency keys per client: `<account id or ->/<key>` (residence.actions.stored_key).

Until now a declaration's key was unique across all clients, so a hotel system that chose a key another
client had used got that client's declaration back as a "replay". Existing keys move into the namespace of
the account that filed the declaration (`created_by`, which is the acting account of every filing path; `-`
for a tenant's own check-in), so a retry after the upgrade still finds its declaration.
"""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Coalesce, Concat


def scope_keys(apps, schema_editor):
    Declaration = apps.get_model("residence", "Declaration")
    Declaration.objects.filter(idempotency_key__isnull=False).update(
        idempotency_key=Concat(
            Coalesce(Cast("created_by_id", CharField()), Value("-")),
            Value("/"),
            "idempotency_key",
            output_field=CharField(),
        )
    )


def unscope_keys(apps, schema_editor):
    Declaration = apps.get_model("residence", "Declaration")
    for decl in Declaration.objects.filter(idempotency_key__contains="/").only("pk", "idempotency_key"):
        Declaration.objects.filter(pk=decl.pk).update(idempotency_key=decl.idempotency_key.split("/", 1)[1][:80])


class Migration(migrations.Migration):
    dependencies = [
        ("residence", "0003_checkin_submissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="declaration",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name="idempotency key"),
        ),
        migrations.RunPython(scope_keys, unscope_keys),
    ]
