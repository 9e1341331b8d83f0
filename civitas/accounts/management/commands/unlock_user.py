from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civitas.accounts.models import User
from civitas.core import audit


class Command(BaseCommand):
    help = "Lift a login lock-out (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", default="cli", help="who is unlocking (recorded in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("no such user")
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record("account.unlocked", obj=user, actor_label=options["by"])
        self.stdout.write(self.style.SUCCESS(f"{user.username} unlocked"))
