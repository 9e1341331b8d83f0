"""Early warning: repeat merchants and landlords, category spikes in a township, wage groups."""

import datetime

import pytest
from django.utils import timezone

from civitas.mediation.actions import PartyInput
from civitas.mediation.choices import AlertKind
from civitas.mediation.models import Alert
from civitas.mediation.tests.builders import file_case
from civitas.testing import factories

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


def test_the_same_merchant_in_three_disputes_within_90_days_raises_one_alert():
    city = factories.small_city()
    for days in (80, 30):
        file_case(city["g1"], now=NOW - datetime.timedelta(days=days), company="华丰饰品行")
    assert not Alert.objects.filter(kind=AlertKind.REPEAT_PARTY).exists()
    file_case(city["g1"], now=NOW, company="华丰饰品行")
    file_case(city["g1"], now=NOW + datetime.timedelta(hours=1), company="华丰饰品行")
    alert = Alert.objects.get(kind=AlertKind.REPEAT_PARTY)
    assert alert.detail["cases"] == 4 and alert.division_id == city["t1"].code


def test_a_landlord_in_repeated_rental_disputes_is_flagged_as_a_landlord():
    city = factories.small_city()
    landlord = factories.person("王房东", division=city["g1"])
    for i in range(3):
        file_case(
            city["g1"],
            now=NOW + datetime.timedelta(minutes=i),
            category="rental",
            respondent=PartyInput(role="respondent", name="王房东", person_id=landlord.pk, landlord=True),
        )
    assert Alert.objects.get(kind=AlertKind.REPEAT_PARTY).detail["landlord"] is True


def test_old_disputes_outside_the_window_do_not_count():
    city = factories.small_city()
    for days in (200, 150, 100):
        file_case(city["g1"], now=NOW - datetime.timedelta(days=days), company="老账商行")
    file_case(city["g1"], now=NOW, company="老账商行")
    assert not Alert.objects.filter(kind=AlertKind.REPEAT_PARTY).exists()


def test_a_category_spike_in_a_township_against_its_trailing_mean_raises_an_alert():
    city = factories.small_city()
    for d in range(1, 15):  # about one consumer case every two days before
        if d % 2:
            file_case(city["g1"], now=NOW - datetime.timedelta(days=d), category="consumer", company=f"店{d}")
    for i in range(4):
        file_case(city["g1"], now=NOW + datetime.timedelta(minutes=i), category="consumer", company=f"今{i}")
    assert not Alert.objects.filter(kind=AlertKind.CATEGORY_SPIKE).exists()
    file_case(city["g1"], now=NOW + datetime.timedelta(minutes=9), category="consumer", company="今9")
    alert = Alert.objects.get(kind=AlertKind.CATEGORY_SPIKE)
    assert alert.detail["today"] == 5 and alert.subject.startswith(city["t1"].code)
    file_case(city["g2"], now=NOW + datetime.timedelta(minutes=10), category="consumer", company="今10")
    assert Alert.objects.filter(kind=AlertKind.CATEGORY_SPIKE).count() == 1


def test_a_group_of_workers_claiming_unpaid_wages_raises_an_alert():
    city = factories.small_city()
    file_case(city["g1"], now=NOW, category="wages", claimants=6, company="建华工程队")
    assert not Alert.objects.filter(kind=AlertKind.WAGE_GROUP).exists()
    file_case(city["g1"], now=NOW, category="wages", claimants=5, company="建华工程队")
    alert = Alert.objects.get(kind=AlertKind.WAGE_GROUP)
    assert alert.detail["claimants"] == 11 and alert.detail["cases"] == 2
