from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civitas.core.audit import verify_chain
from civitas.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero if a row was edited or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        for p in problems:
            self.stderr.write(f"event #{p.seq}: {p.problem}")
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {AuditEvent.objects.count()} events"))
