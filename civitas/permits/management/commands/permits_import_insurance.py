"""Import social-insurance periods from the insurance bureau's CSV (document, type, from, to, in_yiwu)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from civitas.people.actions import find_person_by_document
from civitas.permits.schoolplaces import do_record_insurance


class Command(BaseCommand):
    help = "Import social-insurance periods: CSV columns document,type,from,to,in_yiwu (YYYY-MM, 1/0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        done = skipped = 0
        with open(options["path"], newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                person = find_person_by_document(row.get("document", ""))
                if person is None:
                    self.stderr.write(f"line {line}: no person with this document")
                    skipped += 1
                    continue
                try:
                    do_record_insurance(
                        person,
                        type=row.get("type", ""),
                        from_month=row.get("from", ""),
                        to_month=row.get("to", ""),
                        in_district=row.get("in_yiwu", "1") == "1",
                        source="imported",
                        acting_user=None,
                    )
                except ValidationError as exc:
                    self.stderr.write(f"line {line}: {'; '.join(exc.messages)}")
                    skipped += 1
                else:
                    done += 1
        self.stdout.write(f"{done} periods imported, {skipped} skipped")
