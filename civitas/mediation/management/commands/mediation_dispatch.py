"""Run every minute: time out expired offers (re-offering the case) and offer held cases as a batch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civitas.mediation import actions


class Command(BaseCommand):
    help = "Time out expired mediation offers, re-offer, and dispatch held cases by optimal assignment."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = actions.expire_offers()
        batch = actions.dispatch_batch()
        self.stdout.write(f"{expired} offers timed out, {len(batch)} held cases dispatched")
