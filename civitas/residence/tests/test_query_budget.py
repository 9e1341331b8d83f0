"""Query budgets: a declaration and the list pages do not grow with the data (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.residence import actions
from civitas.residence.tests.builders import chinese, declare, rooms

pytestmark = pytest.mark.django_db


def test_a_declaration_and_its_confirmation_stay_within_a_query_budget(personas):
    declare(rooms(personas)[0], chinese("热身"))
    with CaptureQueriesContext(connection) as q1:
        decl = declare(rooms(personas)[1], chinese("预算"))
    with CaptureQueriesContext(connection) as q2:
        actions.do_confirm_declaration(decl, acting_user=personas["landlord"])
    assert len(q1) <= 24, [q["sql"][:90] for q in q1]
    assert len(q2) <= 24, [q["sql"][:90] for q in q2]


@pytest.mark.parametrize("url", ["/residence/declarations/", "/residence/review/", "/residence/residents/"])
def test_officer_lists_do_not_grow_with_the_number_of_declarations(personas, url):
    client = Client()
    client.force_login(personas["police"])
    late = timezone.localdate() - datetime.timedelta(days=10)  # flagged: they show in every list
    for i, room in enumerate(rooms(personas)):
        declare(room, chinese(f"甲{i}"), source="landlord", acting_user=personas["landlord"], move_in=late)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i, room in enumerate(rooms(personas)):
        declare(room, chinese(f"乙{i}"), source="landlord", acting_user=personas["landlord"], move_in=late)
        declare(room, chinese(f"丙{i}"), source="landlord", acting_user=personas["landlord"], move_in=late)
    with CaptureQueriesContext(connection) as many:
        resp = client.get(url)
    assert resp.status_code == 200
    assert len(many) <= len(few) + 2
