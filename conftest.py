"""Shared pytest fixtures: named personas and a browser for journey tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

os.environ.setdefault("CIVITAS_FAST_HASHER", "1")
# Playwright's sync API runs an event loop in the test thread; Django must still allow DB calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> Iterator[None]:
    """Fast password hashing, and English as the default language so assertions read the source strings.
    The product's default is Chinese; tests about languages set LANGUAGE_CODE or a language cookie."""
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def personas(db: Any) -> dict[str, Any]:
    from civitas.testing.factories import personas as make

    return make()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium()
    if path is None:
        pytest.fail("Debian chromium is not installed (bin/test installs it): browser tests cannot run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    ctx = browser.new_context(locale="zh-CN")
    p = ctx.new_page()
    p.set_default_timeout(30000)
    yield p
    ctx.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    p = ctx.new_page()
    p.set_default_timeout(30000)
    yield p
    ctx.close()


SEED_MIGRATIONS = [
    ("credit", "0002_seed_landlord_and_merchant_schemes"),
    ("inspections", "0002_seed_standard_checklists"),
    ("residence", "0002_seed_verification_rules"),
    ("services", "0002_seed_catalogue_holidays_points"),
]


def _reseed() -> None:
    """Re-run the data migrations' forward code: a transactional test's flush empties their tables."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    state = loader.project_state()
    for app, name in SEED_MIGRATIONS:
        migration = import_module(f"civitas.{app}.migrations.{name}").Migration
        for op in migration.operations:
            if isinstance(op, RunPython):
                # Data migrations only read `schema_editor.connection`; a real editor cannot open inside a
                # test's transaction on SQLite.
                op.code(state.apps, SimpleNamespace(connection=connection))


_FLUSHED = {"yes": False}


def _is_transactional(request: Any) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.fixture(autouse=True)
def _reseed_after_flush(request: Any) -> Iterator[None]:
    """A transactional test ends with a flush that empties the tables data migrations seeded. Every later
    database test in this process gets them back at set-up (inside its own transaction, or for another
    transactional test in autocommit, to be flushed again at its end)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        f in request.fixturenames for f in ("db", "transactional_db", "live_server")
    )
    if _FLUSHED["yes"] and uses_db:
        request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
        _reseed()
    yield
    if _is_transactional(request):
        _FLUSHED["yes"] = True
