"""Test helpers for the direct views in front of django-ninja operations (`civitas/apidirect.py`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


def count_direct_answers(monkeypatch: pytest.MonkeyPatch, module: ModuleType, fast: str) -> list[int]:
    """The status codes a direct view answered itself, through `module.<fast>` (requests it handed to the
    operation are not listed)."""
    calls: list[int] = []
    real = getattr(module, fast)

    def counting(request: Any) -> Any:
        response = real(request)
        if response is not None:
            calls.append(response.status_code)
        return response

    monkeypatch.setattr(module, fast, counting)
    return calls


def operation_only(monkeypatch: pytest.MonkeyPatch, module: ModuleType, fast: str) -> None:
    """Send every request of the route to the django-ninja operation."""
    monkeypatch.setattr(module, fast, lambda request: None)
