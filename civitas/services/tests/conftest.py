"""Fixtures for the services app: a foreign resident, partners with accounts, a card."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civitas.accounts.choices import Role
from civitas.services import actions
from civitas.services.choices import PartnerKind, Scenario
from civitas.services.models import Service
from civitas.testing import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf(name: str = "passport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_scan_caches() -> None:
    """The scan path's per-process caches start empty in every test (ids are reused after rollbacks)."""
    from civitas.accounts.apiauth import forget_api_tokens
    from civitas.services.access import forget_partners
    from civitas.services.actions import forget_credit_grades

    forget_api_tokens()
    forget_partners()
    forget_credit_grades()


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    return factories.small_city()


@pytest.fixture
def resident(city: dict[str, Any]) -> Any:
    """Ahmed, a Yemeni trader living in grid g1 (township t1)."""
    return factories.foreigner(
        "AHMED ALI", nationality="YEM", division=city["g1"], number="P1234567", birth_date=datetime.date(1985, 3, 2)
    )


@pytest.fixture
def other_resident(city: dict[str, Any]) -> Any:
    """Olga, a Russian buyer living in grid g3 (township t2)."""
    return factories.foreigner(
        "OLGA IVANOVA",
        nationality="RUS",
        division=city["g3"],
        number="R7654321",
        sex="F",
        birth_date=datetime.date(1990, 7, 9),
    )


def make_partner(name: str, kind: str, scenarios: list[str], username: str) -> tuple[Any, Any]:
    user = factories.user(username, Role.PARTNER)
    partner = actions.do_register_partner(name, kind, scenarios, acting_user=None, accounts=[user])
    return partner, user


@pytest.fixture
def bus(db: Any) -> tuple[Any, Any]:
    return make_partner("义乌公交", PartnerKind.BUS, [Scenario.BUS], "bus_scanner")


@pytest.fixture
def seller(db: Any) -> tuple[Any, Any]:
    return make_partner("Stall 5-1203", PartnerKind.MARKET_SELLER, [Scenario.MARKET], "seller_scanner")


@pytest.fixture
def hotel(db: Any) -> tuple[Any, Any]:
    return make_partner("Yiwu Hotel", PartnerKind.HOTEL, [Scenario.HOTEL], "hotel_scanner")


@pytest.fixture
def card(resident: Any) -> Any:
    """An issued merchant card for Ahmed."""
    c = actions.do_apply_card(resident, acting_user=None)
    return actions.do_issue_card(c, acting_user=None)


def submit(service_code: str, person: Any, **kw: Any) -> Any:
    service = Service.objects.get(code=service_code)
    uploads = kw.pop("uploads", None)
    if uploads is None:
        uploads = [(s["code"], pdf() if "pdf" in s["types"] else png()) for s in service.upload_specs if s["required"]]
    return actions.do_submit_application(service, person, kw.pop("answers", {}), uploads, acting_user=None, **kw)
