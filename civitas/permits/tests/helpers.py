"""Building permits through the actions, for tests."""

from __future__ import annotations

import datetime
from typing import Any

from civitas.permits import actions
from civitas.permits.models import Permit


def issued_permit(holder: Any, officer: Any, day: datetime.date) -> Permit:
    """Apply, accept and issue on `day` (the holder must be eligible on that day)."""
    app = actions.do_apply(holder, acting_user=None, today=day)
    actions.do_accept(app, acting_user=officer, today=day)
    return actions.do_issue(app, acting_user=officer, today=day)
