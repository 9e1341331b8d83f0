"""Residence test fixtures."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    """Rule rows are cached per process; a test's rolled-back changes must not leak into the next test."""
    from civitas.residence.rules import forget_rules

    forget_rules()
    yield
    forget_rules()
