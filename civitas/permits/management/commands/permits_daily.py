"""Nightly permit jobs: endorsement reminders, suspend missed endorsements, cancel departed holders."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from civitas.permits import actions


class Command(BaseCommand):
    help = "Endorsement reminders, suspensions, cancellation of departed holders, eligibility notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Run as of this date (YYYY-MM-DD); default: today in Asia/Shanghai.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        reminded = actions.send_reminders(today)
        changed = actions.suspend_missed(today)
        cancelled = actions.cancel_departed(today)
        told = actions.notify_eligible(today)
        self.stdout.write(f"{told} residents told they can apply")
        self.stdout.write(
            f"{today}: {reminded} reminders, {changed['suspended']} suspended, "
            f"{changed['expired']} expired, {cancelled} cancelled"
        )
