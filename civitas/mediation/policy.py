"""Mediation rules as configurable data: timeouts, thresholds and dispatch weights.

Defaults follow the domain brief (3 strikes, 3 contact failures, 30 days for judicial confirmation,
3 working days for simple cases); a deployment overrides any of them with the `CIVITAS_MEDIATION`
setting (a dict; `weights` is a dict of `dispatch.Weights` fields).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.conf import settings

from civitas.mediation.dispatch import Weights


@dataclass(frozen=True)
class Policy:
    offer_timeout_minutes: float = 3.0
    high_risk_offer_timeout_minutes: float = 2.0
    max_strikes: int = 3
    contact_failures_to_escalate: int = 3
    accept_within_minutes: int = 10
    simple_close_working_days: int = 3
    complex_close_days: int = 30
    confirmation_days: int = 30
    high_risk_amount: Decimal = Decimal("500000")
    medium_risk_amount: Decimal = Decimal("50000")
    high_risk_claimants: int = 10
    medium_risk_claimants: int = 3
    repeat_party_cases: int = 3
    repeat_party_days: int = 90
    spike_trailing_days: int = 28
    spike_factor: float = 3.0
    spike_min_cases: int = 5
    wage_group_claimants: int = 10
    otp_minutes: int = 10
    otp_max_attempts: int = 5
    otp_max_per_hour: int = 6
    holidays: tuple[datetime.date, ...] = ()
    weights: Weights = field(default_factory=Weights)


def policy() -> Policy:
    raw: dict[str, Any] = dict(getattr(settings, "CIVITAS_MEDIATION", {}) or {})
    known = {f.name: f for f in fields(Policy)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ValueError(f"unknown CIVITAS_MEDIATION keys: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "weights":
            values[key] = Weights.from_mapping(value)
        elif key == "holidays":
            values[key] = tuple(datetime.date.fromisoformat(str(d)) for d in value)
        elif key.endswith("_amount"):
            values[key] = Decimal(str(value))
        else:
            values[key] = value
    return Policy(**values)
