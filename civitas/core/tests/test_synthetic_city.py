"""The synthetic Yiwu: real divisions, valid documents, nothing in clear, deterministic."""

import shutil
import subprocess

import pytest
from django.db import connection

from civitas.documents.check import check_document
from civitas.documents.idnumbers import parse_resident_id
from civitas.people.identity import reveal_document, reveal_phone
from civitas.people.models import Person
from civitas.places.choices import DivisionLevel
from civitas.places.models import Division, RentalProperty, Room
from civitas.synthetic.city import generate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    return generate(seed=7, residents=1500, populate_apps=False, log=lambda m: None)


def test_it_loads_the_real_townships_and_villages(city):
    assert Division.objects.filter(level=DivisionLevel.TOWNSHIP).count() == 14
    assert Division.objects.filter(level=DivisionLevel.VILLAGE).count() == 544
    assert Division.objects.get(code="330782001").name == "稠城街道"
    assert Division.objects.filter(level=DivisionLevel.GRID).count() >= 544 * 2
    for d in Division.objects.filter(level=DivisionLevel.GRID)[:50]:
        assert d.code.startswith(d.parent_id) and len(d.code) == 15


def test_every_resident_has_a_valid_document_and_lives_in_a_grid_unit(city):
    people = list(Person.objects.all())
    assert len(people) == 1500
    kinds = {p.doc_kind for p in people}
    assert {"resident_id", "passport", "hmt_permit"} <= kinds
    for p in people[:400]:
        number = reveal_document(p.doc_number_enc)
        if p.doc_kind in ("resident_id", "hmt_permit"):
            rid = parse_resident_id(number)
            assert rid.birth_date == p.birth_date and rid.sex == p.sex
        else:
            assert p.nationality != "CHN"
        assert p.division_id is not None and len(p.division_id) == 15


def test_migrants_come_mostly_from_the_big_sending_provinces(city):
    provinces = list(
        Person.objects.exclude(hometown_province__in=["", "33"]).values_list("hometown_province", flat=True)
    )
    top = {"36", "34", "52", "41", "51", "43"}
    assert sum(p in top for p in provinces) / len(provinces) > 0.6


def test_properties_have_rooms_with_area_and_beds(city):
    assert RentalProperty.objects.count() == 1500 // 4
    assert Room.objects.filter(area_m2__lte=0).count() == 0
    assert Room.objects.count() >= RentalProperty.objects.count() * 2


def test_the_same_seed_builds_the_same_city(city):
    first = list(Person.objects.order_by("id").values_list("name", "birth_date", "division_id")[:200])
    from civitas.accounts.models import User
    from civitas.places.models import Building

    with connection.cursor() as c:  # raw deletes: only the registry tables the generator writes
        for model in (User, Room, RentalProperty, Building, Person, Division):
            c.execute(f'DELETE FROM "{model._meta.db_table}"')
    generate(seed=7, residents=1500, populate_apps=False, log=lambda m: None)
    again = list(Person.objects.order_by("id").values_list("name", "birth_date", "division_id")[:200])
    assert first == again


def _dump() -> str:
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed for the dump test"
        s = connection.settings_dict
        out = subprocess.run(
            [pg_dump, "-h", s["HOST"], "-p", str(s["PORT"]), "-U", s["USER"], s["NAME"]],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout
    return "\n".join(connection.connection.iterdump())


def test_a_database_dump_holds_no_identity_or_phone_number_in_clear(city):
    dump = _dump()
    assert "people_person" in dump
    people = list(Person.objects.all())
    leaked = [p.pk for p in people if reveal_document(p.doc_number_enc) in dump]
    assert leaked == []
    phones = [reveal_phone(p.phone_enc)[3:] for p in people if p.phone_enc][:500]
    assert phones and not any(ph in dump for ph in phones)


def test_foreigners_passports_produce_valid_mrzs():
    import datetime

    from civitas.documents.mrz import make_td3

    lines = make_td3(
        document_number="E12345678",
        surname="AL-HASHIMI",
        given_names="AHMED",
        nationality="YEM",
        birth_date=datetime.date(1985, 3, 2),
        sex="M",
        expiry_date=datetime.date(2030, 1, 1),
    )
    assert check_document("|".join(lines))["valid"]
