"""The polling loop shared by the background workers (domain-event outbox, residence intake)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import connection

log = logging.getLogger("civitas.workers")


def poll(
    process_batch: Callable[[], int],
    *,
    name: str,
    once: bool = False,
    idle_sleep: float = 0.5,
    stop: threading.Event | None = None,
    log_every: float = 0.0,
) -> int:
    """Call `process_batch` (returns how many items it claimed) until a call claims none (`once`) or until
    `stop` is set, sleeping `idle_sleep` between empty polls. A failing batch (a lost connection, a deadlock)
    is logged and retried after a fresh connection; with `once` it is raised. Returns the items claimed."""
    total = 0
    last_log = time.monotonic()
    while stop is None or not stop.is_set():
        try:
            n = process_batch()
        except Exception:
            log.exception("%s: batch failed", name)
            connection.close()
            n = 0
            if once:
                raise
        total += n
        if log_every and time.monotonic() - last_log >= log_every:
            log.info("%s: %d items processed", name, total)
            last_log = time.monotonic()
        if n == 0:
            if once:
                break
            connection.close_if_unusable_or_obsolete()
            if stop is not None:
                stop.wait(idle_sleep)
            else:
                time.sleep(idle_sleep)
    return total


def start_in_thread(work: Callable[[threading.Event], object], name: str) -> threading.Event:
    """Run `work(stop)` in a daemon thread of this process (the demo server); set the returned event to stop."""
    stop = threading.Event()

    def run() -> None:
        try:
            work(stop)
        finally:
            connection.close()

    threading.Thread(target=run, name=name, daemon=True).start()
    return stop
