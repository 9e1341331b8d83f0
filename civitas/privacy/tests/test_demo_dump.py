"""After loading the whole demo — every app's data, events and audit log — a database dump holds no identity
or phone number in clear (the registry-only dump is tested in civitas/core/tests/test_synthetic_city.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.db import connection

from civitas.people.identity import reveal_document, reveal_phone
from civitas.people.models import Person
from civitas.synthetic.city import generate

pytestmark = pytest.mark.django_db(transaction=True)


def _dump() -> str:
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed for the dump test"
        s = connection.settings_dict
        command = [pg_dump, "-h", s["HOST"], "-p", str(s["PORT"]), "-U", s["USER"], s["NAME"]]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


def test_a_dump_of_the_loaded_demo_holds_no_identity_or_phone_number_in_clear() -> None:
    generate(seed=11, residents=400, populate_apps=True, log=lambda m: None)
    dump = _dump()
    assert "residence_declaration" in dump and "core_auditevent" in dump
    people = list(Person.objects.all())
    numbers = [reveal_document(p.doc_number_enc) for p in people]
    assert len(numbers) >= 400
    leaked = [number for number in numbers if number in dump or number.lower() in dump]
    assert leaked == []
    phones = [reveal_phone(p.phone_enc) for p in people if p.phone_enc]
    assert phones
    assert [phone for phone in phones if phone[3:] in dump] == []  # the national number, with or without +86
