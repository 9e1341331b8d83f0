"""Generate the reminders due today (visa stay, residence permit, accommodation registration, card renewal).

Idempotent: run it as often as you like (cron: hourly); each reminder is created once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civitas.services.actions import do_generate_reminders


class Command(BaseCommand):
    help = "Create the foreign residents' reminders due today, in each resident's language."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        n = do_generate_reminders(today=options["today"])
        self.stdout.write(f"{n} reminders created")
