import json
import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civitas.documents.check import check_lines, read_inputs


class Command(BaseCommand):
    help = "Check identity documents in bulk: one ID number or MRZ per line (or a CSV column); JSON lines out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="text file, CSV file, or - for standard input")
        parser.add_argument("--column", help="CSV column holding the document")
        parser.add_argument("--fail-on-invalid", action="store_true", help="exit 1 when any input is invalid")

    def handle(self, *args: Any, **options: Any) -> None:
        inputs: Iterator[str]
        if options["file"] == "-":
            inputs = (line.rstrip("\n") for line in sys.stdin if line.strip())
        else:
            inputs = read_inputs(options["file"], column=options["column"])
        invalid = 0
        try:
            for result in check_lines(inputs):
                invalid += not result["valid"]
                self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
        except OSError as exc:  # missing or unreadable file
            raise CommandError(f"{options['file']}: {exc.strerror or exc}")
        except ValueError as exc:  # e.g. --column not in the CSV header
            raise CommandError(str(exc))
        if invalid and options["fail_on_invalid"]:
            sys.exit(1)
