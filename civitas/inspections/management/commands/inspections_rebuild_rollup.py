"""Recompute the accountability rollups from hazards, inspections and re-inspections:
`manage.py inspections_rebuild_rollup` (after a bulk load, or to repair drift; the actions keep them exact)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.inspections.rollups import rebuild


class Command(BaseCommand):
    help = "Rebuild the inspection accountability rollups from the source tables."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rebuild()
        self.stdout.write(", ".join(f"{name}: {n} row(s)" for name, n in rows.items()))
