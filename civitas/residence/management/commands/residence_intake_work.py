from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civitas.residence import intake


class Command(BaseCommand):
    help = (
        "File received asynchronous check-in submissions (Prefer: respond-async): each claim of due submissions "
        "set-based in one transaction, the exceptions one at a time through do_declare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when no submission is due")
        parser.add_argument("--batch", type=int, default=1000, help="submissions per round (several claims)")
        parser.add_argument(
            "--claim", type=int, default=intake.CLAIM, help="submissions claimed and filed together (one transaction)"
        )
        parser.add_argument(
            "--defer-above",
            type=float,
            default=intake.PEAK_RATE,
            help="while submissions arrive faster than this per second, file only those older than --max-lag "
            "(0: file at once, whatever the load)",
        )
        parser.add_argument(
            "--max-lag", type=float, default=intake.MAX_LAG, help="seconds a submission may wait to be filed at a peak"
        )
        parser.add_argument("--sleep", type=float, default=0.5, help="seconds to wait when the intake is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        n = intake.work(
            once=options["once"],
            batch=options["batch"],
            claim=options["claim"],
            idle_sleep=options["sleep"],
            defer_above=options["defer_above"],
            max_lag=options["max_lag"],
        )
        self.stdout.write(f"{n} submissions filed, rejected or retried")
