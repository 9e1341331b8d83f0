from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civitas.core import events


class Command(BaseCommand):
    help = "Deliver undelivered domain events to their subscribers (the outbox worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when no event is due")
        parser.add_argument("--batch", type=int, default=200, help="events per transaction")
        parser.add_argument("--sleep", type=float, default=0.5, help="seconds to wait when the queue is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        n = events.work(once=options["once"], batch=options["batch"], idle_sleep=options["sleep"], log_every=10)
        self.stdout.write(f"{n} events delivered or retried")
