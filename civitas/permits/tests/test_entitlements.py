"""The catalogue of six public services and seven conveniences, and the entitlement check."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from civitas.permits import actions, entitlements
from civitas.permits.tests.helpers import issued_permit

D = datetime.date


def test_the_catalogue_holds_six_services_and_seven_conveniences() -> None:
    kinds = [e.kind for e in entitlements.CATALOGUE]
    assert kinds.count("service") == 6 and kinds.count("convenience") == 7
    assert len(entitlements.BY_CODE) == 13


def test_without_a_permit_nobody_is_entitled_and_is_told_to_apply() -> None:
    result = entitlements.check(entitlements.BY_CODE["driving_licence"], None, D(2026, 1, 1))
    assert not result.entitled and "apply" in str(result.reasons[0])


def test_a_valid_permit_entitles_and_a_suspended_one_does_not(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 10))
    permit = issued_permit(resident, personas["police"], D(2026, 6, 10))
    school = entitlements.BY_CODE["compulsory_education"]
    ok = entitlements.check(school, permit, D(2026, 7, 1))
    assert ok.entitled and permit.number in str(ok.reasons[0]) and "积分入学" in str(ok.reasons[-1])
    actions.suspend_missed(D(2027, 6, 11))
    permit.refresh_from_db()
    refused = entitlements.check(school, permit, D(2027, 6, 12))
    assert not refused.entitled and "endorse" in str(refused.reasons[0]).lower()


def test_the_entitlement_api_answers_why_for_an_officer_in_scope(resident: Any, personas: Any, today: Any) -> None:
    today(D(2026, 6, 10))
    issued_permit(resident, personas["police"], D(2026, 6, 10))
    client = Client()
    client.force_login(personas["police"])
    body = client.get(f"/api/permits/people/{resident.pk}/entitlements/vehicle_registration").json()
    assert body["entitled"] is True and body["facts"]["permit_status"] == "valid"
    assert client.get(f"/api/permits/people/{resident.pk}/entitlements/nothing").status_code == 404
    client.force_login(personas["police_other"])
    assert client.get(f"/api/permits/people/{resident.pk}/entitlements/vehicle_registration").status_code == 404
