"""Contact attempts (3 failures → a person), service-level clocks, risk grades, mediator qualifications."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.mediation import actions, sla
from civitas.mediation.choices import CaseStatus
from civitas.mediation.models import Case, Mediator
from civitas.mediation.policy import Policy, policy
from civitas.mediation.tests.builders import file_case, mediator
from civitas.testing import factories

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 6, 16, 0))  # a Friday


def test_three_failed_contact_attempts_in_a_row_hand_the_case_to_a_person():
    city = factories.small_city()
    m = mediator(city["t1"])
    case = file_case(city["g1"], now=NOW)
    actions.do_accept_offer(case.offers.get().pk, acting_user=m.user, now=NOW)
    party = case.parties.first()
    actions.do_record_contact(case, party, "no_answer", acting_user=m.user)
    actions.do_record_contact(case, party, "reached", acting_user=m.user)
    actions.do_record_contact(case, party, "no_answer", acting_user=m.user)
    actions.do_record_contact(case, party, "wrong_number", acting_user=m.user)
    assert not Case.objects.get(pk=case.pk).needs_person
    actions.do_record_contact(case, party, "no_answer", acting_user=m.user)
    assert Case.objects.get(pk=case.pk).needs_person


def test_a_simple_case_is_due_three_working_days_later_skipping_the_weekend_and_holidays():
    due = sla.add_working_days(NOW, 3)
    assert timezone.localtime(due).date() == datetime.date(2026, 3, 11)
    due = sla.add_working_days(NOW, 3, (datetime.date(2026, 3, 9),))
    assert timezone.localtime(due).date() == datetime.date(2026, 3, 12)


def test_overdue_and_unaccepted_lists_follow_the_clocks():
    city = factories.small_city()
    case = file_case(city["g1"], now=NOW)  # nobody on duty: queued
    p = policy()
    assert case.status == CaseStatus.QUEUED
    assert list(sla.waiting_for_acceptance(Case.objects.all(), NOW + datetime.timedelta(minutes=11), p)) == [case]
    assert not sla.waiting_for_acceptance(Case.objects.all(), NOW + datetime.timedelta(minutes=5), p).exists()
    assert list(sla.overdue(Case.objects.all(), NOW + datetime.timedelta(days=6))) == [case]
    assert not sla.overdue(Case.objects.all(), NOW + datetime.timedelta(days=1)).exists()


@pytest.mark.parametrize(
    ("amount", "claimants", "threats", "repeat", "grade"),
    [
        ("1000", 1, False, False, "low"),
        ("60000", 1, False, False, "medium"),
        ("1000", 1, False, True, "medium"),
        ("1000", 4, False, False, "medium"),
        ("1000", 12, False, False, "high"),
        ("600000", 1, False, False, "high"),
        ("10", 1, True, False, "high"),
    ],
)
def test_the_risk_grade_follows_amount_claimants_threats_and_repeat_parties(amount, claimants, threats, repeat, grade):
    assert actions.risk_grade(Decimal(amount), claimants, threats, repeat, Policy()) == grade


def test_thresholds_are_configurable(settings):
    settings.CIVITAS_MEDIATION = {"offer_timeout_minutes": 7, "weights": {"same_hometown": 99}}
    assert policy().offer_timeout_minutes == 7 and policy().weights.same_hometown == 99
    settings.CIVITAS_MEDIATION = {"fee": 10}
    with pytest.raises(ValueError):
        policy()


def test_a_foreign_mediator_needs_three_languages_with_chinese_a_seasoned_company_and_probation():
    city = factories.small_city()
    m = Mediator(
        name="Omar",
        kind="foreign",
        languages=["ar", "en"],
        skills=["trade"],
        division=city["t1"],
        company_licence_years=4,
        tax_record_years=2,
    )
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert {"languages", "company_licence_years", "tax_record_years", "clean_record", "probation_end"} <= set(
        exc.value.message_dict
    )
    ok = mediator(city["t1"], kind="foreign", languages="ar,en,zh")
    assert ok.pk and not ok.on_probation(datetime.date(2026, 1, 1))


def test_parties_from_one_home_province_make_a_hometown_case_that_prefers_a_fellow_provincial():
    city = factories.small_city()
    mediator(city["t1"], rating="5.00")
    helper = mediator(city["t1"], kind="hometown", home_province="36", skills="wages", rating="4.00")
    case = file_case(city["g1"], now=NOW, category="wages", claimant_province="36", respondent_province="36")
    assert case.hometown_province == "36"
    assert case.offers.get().mediator == helper


def test_a_conflict_of_interest_excludes_the_mediator_who_is_a_party():
    city = factories.small_city()
    merchant = factories.person("陈老板", division=city["g1"])
    conflicted = mediator(city["t1"], rating="5.00", person=merchant)
    other = mediator(city["t1"], rating="3.00")
    case = file_case(city["g1"], now=NOW, respondent_person_id=merchant.pk)
    assert case.offers.get().mediator == other
    assert conflicted.pk not in [r["candidate"] for r in case.decisions.get().reasons["ranked"]]


def test_one_time_codes_expire_allow_few_wrong_tries_and_are_rationed_per_phone():
    from civitas.mediation import otp

    ch = otp.send_code("+8613800000001", "intake", now=NOW)
    with pytest.raises(ValidationError):
        otp.verify_code(ch.pk, "000000", "intake", now=NOW + datetime.timedelta(minutes=11))
    for _ in range(5):
        otp.send_code("+8613800000001", "intake", now=NOW)
    with pytest.raises(ValidationError, match="Too many codes"):
        otp.send_code("+8613800000001", "intake", now=NOW)
    assert otp.send_code("+8613800000001", "intake", now=NOW + datetime.timedelta(minutes=61)).pk
