"""Recognising a foreign resident without an account: passport number, date of birth, signed links."""

from __future__ import annotations

import datetime

from civitas.services.residents import holds_document, identify, link_token, read_link_token
from civitas.testing import factories


def test_a_resident_is_found_by_passport_and_date_of_birth(resident):
    assert identify("p 1234567", datetime.date(1985, 3, 2)) == resident
    assert identify("P1234567", datetime.date(1985, 3, 3)) is None
    assert holds_document(resident, "P1234567") and not holds_document(resident, "P1234568")


def test_the_same_passport_number_from_two_countries_needs_the_date_of_birth(city):
    yemeni = factories.foreigner(
        "ALI SALEH", nationality="YEM", number="A0000001", birth_date=datetime.date(1980, 1, 1)
    )
    russian = factories.foreigner(
        "IVAN PETROV", nationality="RUS", number="A0000001", birth_date=datetime.date(1991, 6, 6)
    )
    assert identify("A0000001") is None  # ambiguous: nobody
    assert identify("A0000001", datetime.date(1991, 6, 6)) == russian
    assert identify("A0000001", datetime.date(1980, 1, 1)) == yemeni


def test_a_chinese_citizen_is_not_recognised_here(city):
    citizen = factories.person("张伟")
    assert identify(citizen.doc_masked) is None


def test_signed_links_are_bound_to_their_kind_and_cannot_be_forged():
    token = link_token("app", 42)
    assert read_link_token(token, "app") == 42
    assert read_link_token(token, "card") is None
    assert read_link_token(token[:-2] + "xx", "app") is None
