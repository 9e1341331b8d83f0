"""Errors raised by the composite-indicator engine.

Every error names what it concerns (indicator, unit, node) in its message and keeps the same values as
attributes, so callers can show them or log them. Messages are translatable when Django is configured and
plain strings otherwise, so the engine also runs outside a Django project.
"""

from __future__ import annotations

from typing import Any


def _(message: str) -> str:
    """Translate ``message`` with Django's gettext_lazy when available, else return it unchanged."""
    try:
        from django.conf import settings
        from django.utils.translation import gettext_lazy

        if not settings.configured:
            return message
        return str(gettext_lazy(message))
    except Exception:  # settings half-configured, apps not ready, Django missing: keep the source text
        return message


class CoinError(Exception):
    """Base class of every error of the composite-indicator engine."""

    code = "coin_error"
    indicator: str | None = None
    unit: str | None = None
    node: str | None = None

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)


class FrameworkError(CoinError):
    """The framework (tree of indicators and aggregates) is malformed."""

    code = "framework_invalid"


class CycleError(FrameworkError):
    """A node is its own ancestor."""

    code = "framework_cycle"


class WeightError(FrameworkError):
    """Weights are negative, not finite, or all zero within a parent."""

    code = "weights_unresolved"


class DataError(CoinError):
    """The data set does not fit the framework (missing columns, bad values)."""

    code = "data_invalid"


class MissingDataError(DataError):
    """A unit has no value where one is required."""

    code = "data_missing"


class ZeroDenominatorError(DataError):
    """A denominator is zero for a unit."""

    code = "denominator_zero"


class NonPositiveValueError(DataError):
    """A geometric or harmonic mean met a value that is zero or negative."""

    code = "value_not_positive"


class NormalisationError(DataError):
    """An indicator cannot be normalised (no spread, no data, no target)."""

    code = "normalisation_impossible"


class OptionsError(CoinError):
    """Unknown method or invalid option value."""

    code = "options_invalid"


def missing_value(indicator: str, unit: str, stage: str) -> MissingDataError:
    """Build the error for a unit that has no value for a required indicator."""
    message = _("Indicator {indicator} has no value for unit {unit} ({stage}).").format(
        indicator=indicator, unit=unit, stage=stage
    )
    return MissingDataError(message, indicator=indicator, unit=unit, stage=stage)
