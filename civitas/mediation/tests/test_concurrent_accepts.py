"""Two mediators accepting the same case at once: exactly one wins (PostgreSQL, real threads)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from civitas.mediation import actions
from civitas.mediation.models import Mediator, Offer
from civitas.mediation.tests.builders import file_case, mediator
from civitas.testing import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with CIVITAS_DB=postgres)")


def test_exactly_one_of_many_simultaneous_accepts_wins():
    city = factories.small_city()
    meds = [mediator(city["t1"], languages="zh") for _ in range(6)]
    for _round in range(3):
        case = file_case(city["g1"], claimant_langs="sw")  # nobody speaks Swahili: queued
        offers = actions.do_offer_manually(case, meds, acting_user=None)
        barrier = threading.Barrier(len(offers))
        wins, losses = [], []

        def accept(offer: Offer, barrier=barrier, wins=wins, losses=losses) -> None:
            try:
                barrier.wait()
                actions.do_accept_offer(
                    offer.pk,
                    acting_user=offer.mediator.user,
                    now=timezone.now() + datetime.timedelta(seconds=1),
                )
                wins.append(offer.mediator_id)
            except ValidationError:
                losses.append(offer.mediator_id)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        case.refresh_from_db()
        assert len(wins) == 1 and len(losses) == len(offers) - 1
        assert case.mediator_id == wins[0] and case.status == "active"
        assert Offer.objects.filter(case=case, status="accepted").count() == 1
    assert sum(Mediator.objects.values_list("load", flat=True)) == 3
