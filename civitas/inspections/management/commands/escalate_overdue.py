"""Escalate overdue hazards one level (run daily from cron): `manage.py escalate_overdue [--now ISO]`."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from civitas.inspections.actions import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue hazards: grid → township → enforcement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="ISO time to act as now (default: the current time)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = datetime.datetime.fromisoformat(options["now"]) if options.get("now") else timezone.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        moved = escalate_overdue(now)
        self.stdout.write(f"escalated {moved} hazard(s)")
