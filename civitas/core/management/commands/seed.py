import datetime
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civitas.places.models import Division


class Command(BaseCommand):
    help = "Load a synthetic Yiwu (deterministic from --seed) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-apps", action="store_true", help="only the registry, no app data")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="reference date (YYYY-MM-DD); with --seed it fixes the whole city",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management import call_command

        from civitas.synthetic.city import generate

        call_command("migrate", "--no-input", verbosity=0)  # a fresh database has no tables yet
        if Division.objects.exists():
            raise CommandError("The database already holds a city; seed an empty database (e.g. civitas demo --fresh).")
        ctx = generate(
            options["seed"],
            options["residents"],
            today=options["today"],
            populate_apps=not options["no_apps"],
            log=lambda m: self.stdout.write(m),
        )
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {ctx.demo_password}):"))
        for a in ctx.accounts:
            self.stdout.write(f"  {a.username:<18} {_pad(str(a.role), 16)} {_pad(a.where, 12)} {a.note}")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column: Chinese characters take two cells."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)
