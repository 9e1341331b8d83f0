"""Show or change the permit rules (stored as JSON in PermitRules; defaults in permits/rules.py)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civitas.core import audit
from civitas.permits.models import PermitRules
from civitas.permits.rules import DEFAULTS, Policy


class Command(BaseCommand):
    help = "Print the permit rules in force, or merge a JSON object into them (--set '{\"processing_days\": 10}')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", dest="changes", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        row, _ = PermitRules.objects.get_or_create(pk=1)
        if options["changes"]:
            try:
                changes = json.loads(options["changes"])
                data = {**row.data, **changes}
                Policy.from_dict(data)
            except (ValueError, TypeError) as exc:
                raise CommandError(str(exc)) from exc
            old = dict(row.data)
            row.data = data
            row.save(update_fields=["data", "updated_at"])
            audit.record("permits.rules_changed", actor_label="manage.py", obj=row, old=old, new=data)
        self.stdout.write(json.dumps({**DEFAULTS, **row.data}, ensure_ascii=False, indent=2))
