"""The permit rules in force: defaults below, overridden by the JSON in the `PermitRules` row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civitas.permits.eligibility import Rules

DEFAULTS: dict[str, Any] = {
    "eligibility": Rules().to_dict(),
    # Interim Regulations art. 11: issue within 15 days of acceptance; remote areas up to 30.
    "processing_days": 15,
    "max_processing_days": 30,
    # Art. 10: endorse in the month before each anniversary.
    "endorsement_window_months": 1,
    # Reminders: when the window opens, and again this many days before the anniversary.
    "last_reminder_days_before": 7,
    # A permit left suspended this long expires (a new application is then needed).
    "expire_after_suspended_months": 12,
    # School-entry forecast assumptions (see forecast.Assumptions).
    "forecast": {"tfr": 1.1, "srb": 1.08, "net_migration_rate": 0.0, "enrolment_share": 1.0},
}


@dataclass(frozen=True)
class Policy:
    eligibility: Rules
    processing_days: int
    max_processing_days: int
    endorsement_window_months: int
    last_reminder_days_before: int
    expire_after_suspended_months: int
    forecast: dict[str, float]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        merged = {**DEFAULTS, **data}
        unknown = sorted(set(merged) - set(DEFAULTS))
        if unknown:
            raise ValueError("unknown permit rules: {}".format(", ".join(unknown)))
        policy = cls(
            eligibility=Rules.from_dict({**DEFAULTS["eligibility"], **merged["eligibility"]}),
            processing_days=int(merged["processing_days"]),
            max_processing_days=int(merged["max_processing_days"]),
            endorsement_window_months=int(merged["endorsement_window_months"]),
            last_reminder_days_before=int(merged["last_reminder_days_before"]),
            expire_after_suspended_months=int(merged["expire_after_suspended_months"]),
            forecast={**DEFAULTS["forecast"], **merged["forecast"]},
        )
        if not 0 < policy.processing_days <= policy.max_processing_days:
            raise ValueError("processing_days must be positive and at most max_processing_days")
        return policy


def current_policy() -> Policy:
    from civitas.permits.models import PermitRules

    row = PermitRules.objects.filter(pk=1).first()
    return Policy.from_dict(row.data if row else {})
