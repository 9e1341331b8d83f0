import datetime

import pytest
from django.core.exceptions import ValidationError

from civitas.people.actions import PersonInput, do_register_person, find_person_by_document
from civitas.people.choices import DocumentKind
from civitas.people.models import Person
from civitas.testing import factories

pytestmark = pytest.mark.django_db


def test_it_registers_a_person_with_the_document_encrypted_and_masked():
    p = do_register_person(
        PersonInput(
            name="张伟", doc_kind=DocumentKind.RESIDENT_ID, doc_number="11010519491231002X", phone="138 0013 8000"
        ),
        acting_user=None,
    )
    assert p.doc_masked == "11**************2X"
    assert "11010519491231002X" not in p.doc_number_enc
    assert p.birth_date == datetime.date(1949, 12, 31) and p.sex == "F"
    assert p.name_pinyin == "zhangwei"
    assert p.phone_masked.endswith("8000") and "13800138000" not in p.phone_enc
    assert find_person_by_document("11010519491231002x") == p


def test_registering_the_same_document_twice_returns_the_same_person():
    a = factories.person("李娜", doc_number="11010519491231002X")
    b = factories.person("李娜", doc_number="11010519491231002X")
    assert a.pk == b.pk and Person.objects.count() == 1


def test_it_names_every_bad_field_and_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        do_register_person(
            PersonInput(name="", doc_kind=DocumentKind.RESIDENT_ID, doc_number="110105194912310021", phone="12"),
            acting_user=None,
        )
    assert set(exc.value.message_dict) == {"name", "doc_number", "phone"}
    assert Person.objects.count() == 0


def test_a_hong_kong_number_must_be_declared_as_a_permit():
    number = factories.make_resident_id("810000", datetime.date(1990, 1, 1), 11)
    with pytest.raises(ValidationError) as exc:
        factories.person("陈大文", doc_number=number)
    assert "doc_kind" in exc.value.message_dict
    p = factories.person("陈大文", doc_number=number, doc_kind=DocumentKind.HMT_PERMIT)
    assert p.doc_kind == DocumentKind.HMT_PERMIT


def test_the_same_passport_number_from_two_countries_is_two_people():
    a = factories.foreigner("AHMED ALI", nationality="YEM", number="P1234567")
    b = factories.foreigner("RAHUL SHARMA", nationality="IND", number="P1234567")
    assert a.pk != b.pk


def test_a_known_document_with_another_birth_date_is_refused_not_merged():
    factories.foreigner("AHMED ALI", nationality="YEM", number="P7654321", birth_date=datetime.date(1980, 1, 1))
    with pytest.raises(ValidationError) as exc:
        factories.foreigner("AHMED ALI", nationality="YEM", number="P7654321", birth_date=datetime.date(1990, 1, 1))
    assert "doc_number" in exc.value.message_dict


def test_an_unknown_division_code_is_named_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        do_register_person(
            PersonInput(
                name="张伟",
                doc_kind=DocumentKind.RESIDENT_ID,
                doc_number="11010519491231002X",
                division_code="330782999999999",
            ),
            acting_user=None,
        )
    assert list(exc.value.message_dict) == ["division_code"]
    assert "330782999999999" in exc.value.message_dict["division_code"][0]
    assert Person.objects.count() == 0


def test_a_passport_holder_born_in_the_future_or_with_a_document_expiring_before_birth_is_refused():
    future = datetime.date.today() + datetime.timedelta(days=1)
    passport = {"name": "ANNA", "doc_kind": DocumentKind.PASSPORT, "doc_number": "L898902C3", "sex": "F"}
    with pytest.raises(ValidationError) as exc:
        do_register_person(PersonInput(**passport, nationality="UTO", birth_date=future), acting_user=None)
    assert list(exc.value.message_dict) == ["birth_date"]
    with pytest.raises(ValidationError) as exc:
        do_register_person(
            PersonInput(
                **passport,
                nationality="UTO",
                birth_date=datetime.date(1974, 8, 12),
                doc_expiry=datetime.date(1970, 1, 1),
            ),
            acting_user=None,
        )
    assert list(exc.value.message_dict) == ["doc_expiry"]
    assert Person.objects.count() == 0
