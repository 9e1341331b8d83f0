"""Ride-hailing dispatch: offers, timeouts, re-offers, the 3-strikes rule and the human queue."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.mediation import actions
from civitas.mediation.choices import CaseStatus, DecisionKind, OfferStatus, QueueReason
from civitas.mediation.models import Case, Mediator
from civitas.mediation.tests.builders import file_case, mediator
from civitas.testing import factories

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def city():
    return factories.small_city()


def test_filing_a_case_offers_it_to_the_best_mediator_with_a_timeout_and_keeps_the_reasons(city):
    low = mediator(city["t1"], rating="3.00")
    high = mediator(city["t1"], rating="5.00")
    case = file_case(city["g1"], now=NOW)
    offer = case.offers.get()
    assert case.status == CaseStatus.OFFERED and offer.mediator == high
    assert offer.expires_at == NOW + datetime.timedelta(minutes=3)
    decision = case.decisions.get()
    ranked = decision.reasons["ranked"]
    assert [r["candidate"] for r in ranked] == [high.pk, low.pk]
    assert {r["code"] for r in ranked[0]["reasons"]} >= {"base", "rating"}


def test_a_decline_offers_the_case_to_the_next_mediator(city):
    first = mediator(city["t1"], rating="5.00")
    second = mediator(city["t1"], rating="4.00")
    case = file_case(city["g1"], now=NOW)
    actions.do_decline_offer(case.offers.get().pk, acting_user=first.user, reason="busy", now=NOW)
    case.refresh_from_db()
    assert case.strikes == 1 and case.status == CaseStatus.OFFERED
    assert case.offers.get(status=OfferStatus.PENDING).mediator == second


def test_expired_offers_time_out_and_the_case_is_offered_again(city):
    mediator(city["t1"], rating="5.00")
    second = mediator(city["t1"], rating="4.00")
    case = file_case(city["g1"], now=NOW)
    assert actions.expire_offers(NOW + datetime.timedelta(minutes=2)) == 0
    assert actions.expire_offers(NOW + datetime.timedelta(minutes=3)) == 1
    case.refresh_from_db()
    assert case.offers.filter(status=OfferStatus.TIMED_OUT).count() == 1
    assert case.offers.get(status=OfferStatus.PENDING).mediator == second


def test_after_three_declines_or_timeouts_the_case_goes_to_a_human_dispatcher(city):
    meds = [mediator(city["t1"], rating=f"{5 - i}.00") for i in range(4)]
    case = file_case(city["g1"], now=NOW)
    actions.do_decline_offer(case.offers.get(status="pending").pk, acting_user=meds[0].user, now=NOW)
    actions.expire_offers(NOW + datetime.timedelta(minutes=10))
    actions.do_decline_offer(
        case.offers.get(status="pending").pk,
        acting_user=meds[2].user,
        now=NOW + datetime.timedelta(minutes=11),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.QUEUED and case.queue_reason == QueueReason.THREE_STRIKES
    assert not case.offers.filter(mediator=meds[3]).exists()
    assert case.decisions.last().kind == DecisionKind.QUEUE


def test_an_accept_after_the_timeout_is_refused_and_the_case_moves_on(city):
    first = mediator(city["t1"], rating="5.00")
    second = mediator(city["t1"], rating="4.00")
    case = file_case(city["g1"], now=NOW)
    offer = case.offers.get()
    with pytest.raises(ValidationError, match="timed out"):
        actions.do_accept_offer(offer.pk, acting_user=first.user, now=NOW + datetime.timedelta(minutes=5))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TIMED_OUT
    assert case.offers.get(status=OfferStatus.PENDING).mediator == second
    case = actions.do_accept_offer(
        case.offers.get(status="pending").pk, acting_user=second.user, now=NOW + datetime.timedelta(minutes=6)
    )
    assert case.status == CaseStatus.ACTIVE and case.mediator == second
    assert Mediator.objects.get(pk=second.pk).load == 1


def test_a_party_no_on_duty_mediator_can_talk_to_goes_to_the_queue_with_the_reason(city):
    mediator(city["t1"], languages="zh,en")
    mediator(city["t1"], languages="zh,sw", on_duty=False)
    case = file_case(city["g1"], now=NOW, claimant_langs="sw", foreign=True, nationality="TZA")
    assert case.status == CaseStatus.QUEUED and case.queue_reason == QueueReason.NO_SHARED_LANGUAGE
    assert not case.offers.exists()


def test_a_high_risk_case_is_dispatched_at_once_and_flagged_for_the_same_day(city):
    lawyer = mediator(city["t1"], kind="lawyer")
    mediator(city["t1"], rating="5.00")
    case = file_case(city["g1"], now=NOW, threats=True, hold=True)
    assert case.risk == "high" and case.same_day
    assert timezone.localtime(case.due_at).date() == timezone.localtime(NOW).date()
    offer = case.offers.get()
    assert offer.mediator == lawyer and offer.expires_at == NOW + datetime.timedelta(minutes=2)


def test_held_cases_are_offered_together_by_optimal_assignment(city):
    arabic = mediator(city["t1"], kind="foreign", languages="zh,ar,en", rating="5.00", max_load=1)
    chinese = mediator(city["t1"], rating="4.00", max_load=1)
    local = file_case(city["g1"], now=NOW, hold=True)
    foreign = file_case(city["g1"], now=NOW, hold=True, claimant_langs="ar", foreign=True, nationality="EGY")
    assert Case.objects.filter(status=CaseStatus.NEW).count() == 2
    actions.dispatch_batch(NOW)
    assert local.offers.get().mediator == chinese
    assert foreign.offers.get().mediator == arabic
    assert foreign.decisions.get().kind == DecisionKind.BATCH


def test_a_mediator_cannot_accept_another_mediators_offer(city):
    mediator(city["t1"], rating="5.00")
    other = mediator(city["t1"], rating="1.00")
    case = file_case(city["g1"], now=NOW)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_accept_offer(case.offers.get().pk, acting_user=other.user, now=NOW)


def test_a_dispatcher_can_offer_a_queued_case_to_several_and_the_first_accept_wins(city, personas):
    a = mediator(city["t1"], languages="zh")
    b = mediator(city["t1"], languages="zh")
    mediator(city["t1"], languages="zh,en", on_duty=False)
    case = file_case(city["g1"], now=NOW, claimant_langs="sw")
    assert case.status == CaseStatus.QUEUED
    offers = actions.do_offer_manually(case, [a, b], acting_user=personas["mediator"], now=NOW)
    actions.do_accept_offer(offers[1].pk, acting_user=b.user, now=NOW)
    with pytest.raises(ValidationError):
        actions.do_accept_offer(offers[0].pk, acting_user=a.user, now=NOW)
    case.refresh_from_db()
    assert case.mediator == b
