import pytest
from django.test import Client
from django.urls import reverse

from civitas.core.models import AuditEvent
from civitas.people.access import people_visible_to
from civitas.people.search import search_people
from civitas.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(personas):
    p = personas
    zhang = factories.person("张伟", division=p["g1"], doc_number="11010519491231002X", phone="13812345678")
    li = factories.person("李娜", division=p["g3"], phone="13987654321")
    ali = factories.foreigner("HASSAN AHMED", division=p["g2"], number="E12345678", name_native="أحمد حسن")
    return {**p, "zhang": zhang, "li": li, "ali": ali}


def _search(user, q):
    return list(search_people(people_visible_to(user), q))


def test_it_finds_a_person_by_full_identity_number_through_the_blind_index(town):
    assert _search(town["police"], "11010519491231002x") == [town["zhang"]]


def test_it_finds_a_person_by_phone_in_any_common_format(town):
    assert _search(town["police"], "138 1234 5678") == [town["zhang"]]
    assert _search(town["police"], "+86 138-1234-5678") == [town["zhang"]]


def test_it_finds_people_by_chinese_name_prefix_and_by_pinyin(town):
    assert town["zhang"] in _search(town["police"], "张")
    assert town["zhang"] in _search(town["police"], "zhangw")
    assert town["ali"] in _search(town["police"], "hassan")


def test_a_partial_identity_number_finds_nobody(town):
    assert _search(town["police"], "110105") == []


def test_search_is_confined_to_the_officers_jurisdiction(town):
    assert _search(town["police"], "李娜") == []
    assert _search(town["police_other"], "李娜") == [town["li"]]
    assert _search(town["grid"], "hassan") == []  # lives in grid 2, the worker has grid 1
    assert _search(town["admin"], "李娜") == [town["li"]]


def test_the_search_page_shows_only_masked_numbers(town):
    c = Client()
    c.force_login(town["police"])
    html = c.post(reverse("people:search"), {"q": "张伟"}).content.decode()
    assert "11**************2X" in html and "11010519491231002X" not in html
    assert "+86 138****5678" in html


def test_revealing_a_full_number_is_audited_with_its_purpose(town):
    c = Client()
    c.force_login(town["police"])
    resp = c.post(reverse("people:reveal", args=[town["zhang"].pk]), {"purpose": "户籍核查"})
    assert "11010519491231002X" in resp.content.decode()
    ev = AuditEvent.objects.get(action="person.reveal_identity")
    assert ev.actor == town["police"] and ev.object_id == str(town["zhang"].pk) and ev.note == "户籍核查"


def test_a_grid_worker_may_not_reveal_full_numbers(town):
    c = Client()
    c.force_login(town["grid"])
    resp = c.post(reverse("people:reveal", args=[town["zhang"].pk]), {"purpose": "x"})
    assert resp.status_code == 403
    assert not AuditEvent.objects.filter(action="person.reveal_identity").exists()


def test_revealing_without_a_purpose_shows_nothing_and_records_nothing(town):
    c = Client()
    c.force_login(town["police"])
    resp = c.post(reverse("people:reveal", args=[town["zhang"].pk]), {"purpose": ""})
    assert "11010519491231002X" not in resp.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal_identity").exists()


def test_a_masked_number_as_shown_on_screen_finds_the_person(town):
    assert _search(town["police"], "11**************2X") == [town["zhang"]]


def test_the_masked_form_and_birth_date_do_not_give_back_the_number(town):
    p = town["zhang"]
    rebuilt = p.doc_masked[:6] + p.birth_date.strftime("%Y%m%d") + p.doc_masked[-4:]
    assert rebuilt != "11010519491231002X"
    assert p.doc_masked.count("*") == 14


def test_the_search_page_does_not_put_the_query_in_the_url(town):
    c = Client()
    c.force_login(town["police"])
    html = c.get(reverse("people:search")).content.decode()
    assert 'method="post"' in html
