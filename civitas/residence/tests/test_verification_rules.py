"""Every verification rule, accepted and rejected, with its stored reason."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from civitas.core.models import DomainEvent
from civitas.places.models import Room
from civitas.residence import actions
from civitas.residence.choices import DeclarationStatus, RuleCode
from civitas.residence.models import Declaration, VerificationRule
from civitas.residence.tests.builders import chinese, declare, passport, rooms

pytestmark = pytest.mark.django_db


def result(decl: Declaration, rule: str):
    return decl.results.get(current=True, rule=rule)


def by_landlord(personas, room, *people, **kw):
    return declare(room, *people, source="landlord", acting_user=personas["landlord"], **kw)


def test_a_valid_passport_passes_and_an_expired_one_is_flagged_with_its_date(personas):
    ok = by_landlord(personas, rooms(personas)[0], passport(number="E1111111"))
    assert result(ok, RuleCode.DOCUMENT_VALID).passed
    bad = by_landlord(
        personas,
        rooms(personas)[1],
        passport("JOHN DOE", number="E2222222", expiry=datetime.date(2020, 5, 1)),
    )
    r = result(bad, RuleCode.DOCUMENT_VALID)
    assert not r.passed and "2020-05-01" in r.reason and bad.status == DeclarationStatus.FLAGGED


def test_a_migrant_declaring_within_3_days_is_on_time_and_after_is_late(personas):
    today = timezone.localdate()
    ok = by_landlord(personas, rooms(personas)[0], chinese(), move_in=today - datetime.timedelta(days=3))
    assert result(ok, RuleCode.ON_TIME).passed and ok.status == DeclarationStatus.VERIFIED
    late = by_landlord(personas, rooms(personas)[1], chinese("赵六"), move_in=today - datetime.timedelta(days=5))
    r = result(late, RuleCode.ON_TIME)
    assert not r.passed and late.days_late == 2 and late.status == DeclarationStatus.FLAGGED
    ev = DomainEvent.objects.get(kind="residence.declaration_late")
    assert ev.payload["days_late"] == 2 and ev.payload["limit"] == "3 days"
    assert ev.payload["credit"] == {
        "scheme": "landlord-12",
        "rule": "tenant_late",
        "subject_type": "landlord",
        "subject_id": personas["landlord_person"].pk,
        "note": ev.payload["credit"]["note"],
    }
    assert ev.subject_type == "landlord" and ev.payload["foreign"] is False


def test_a_foreigner_has_24_hours(personas):
    now = timezone.now()
    ok = by_landlord(
        personas,
        rooms(personas)[0],
        passport(number="E3333333"),
        arrived_at=now - datetime.timedelta(hours=20),
        move_in=timezone.localdate(now - datetime.timedelta(hours=20)),
    )
    assert result(ok, RuleCode.ON_TIME).passed
    arrived = now - datetime.timedelta(hours=30)
    late = by_landlord(
        personas,
        rooms(personas)[1],
        passport("JANE ROE", number="E4444444"),
        arrived_at=arrived,
        move_in=timezone.localdate(arrived),
    )
    assert not result(late, RuleCode.ON_TIME).passed and late.days_late == 1
    assert DomainEvent.objects.get(kind="residence.declaration_late").payload["limit"] == "24 hours"


def test_a_person_resident_elsewhere_is_flagged(personas):
    tenant = chinese("钱七")
    by_landlord(personas, personas["property_other"].rooms.first(), tenant)
    again = by_landlord(personas, rooms(personas)[0], tenant)
    r = result(again, RuleCode.NOT_RESIDENT_ELSEWHERE)
    assert not r.passed and "钱七" in r.reason


def test_capacity_counts_beds_area_and_adults_but_not_young_children_and_allows_one_family(personas):
    room = rooms(personas)[0]  # 14 m², 2 beds: 2 people
    first = by_landlord(personas, room, chinese("甲"))
    second = by_landlord(personas, room, chinese("乙"))
    third = by_landlord(personas, room, chinese("丙"))
    assert result(first, RuleCode.WITHIN_CAPACITY).passed and result(second, RuleCode.WITHIN_CAPACITY).passed
    r = result(third, RuleCode.WITHIN_CAPACITY)
    assert not r.passed and "3" in r.reason and third.status == DeclarationStatus.FLAGGED
    ev = DomainEvent.objects.get(kind="residence.over_capacity")
    assert ev.payload["capacity"] == 2 and ev.payload["occupants"] == 3
    assert ev.payload["credit"]["rule"] == "group_renting"
    # A family of three adults in a 3-bed 20 m² room passes (no 2-adult cap for one family) ...
    big = Room.objects.create(property=personas["property"], number="501", area_m2=Decimal("20"), beds=3)
    fam = by_landlord(
        personas,
        big,
        chinese("父"),
        chinese("母", female=True),
        chinese("子"),
        relations=["self", "spouse", "child"],
    )
    assert result(fam, RuleCode.WITHIN_CAPACITY).passed
    # ... but the area rule still counts: 11 m² holds one person.
    small = Room.objects.create(property=personas["property"], number="502", area_m2=Decimal("11"), beds=2)
    crowd = by_landlord(personas, small, chinese("丁"), chinese("戊", female=True), relations=["self", "spouse"])
    assert not result(crowd, RuleCode.WITHIN_CAPACITY).passed


def test_rule_parameters_are_data(personas):
    capacity = VerificationRule.objects.get(code=RuleCode.WITHIN_CAPACITY)
    capacity.parameters = {"min_m2_per_person": 4, "max_adults_per_room": 3, "child_age": 12}
    capacity.save()  # saving clears the per-process rule cache
    room = Room.objects.create(property=personas["property"], number="601", area_m2=Decimal("12"), beds=3)
    decls = [by_landlord(personas, room, chinese(n)) for n in "ABC"]
    assert all(result(d, RuleCode.WITHIN_CAPACITY).passed for d in decls)
    on_time = VerificationRule.objects.get(code=RuleCode.ON_TIME)
    on_time.enabled = False
    on_time.save()
    late = by_landlord(
        personas,
        rooms(personas)[0],
        chinese("迟"),
        move_in=timezone.localdate() - datetime.timedelta(days=30),
    )
    assert not late.results.filter(rule=RuleCode.ON_TIME).exists() and late.status == DeclarationStatus.VERIFIED


def test_a_watch_listed_document_is_flagged_by_blind_index(personas):
    tenant = passport("WATCHED MAN", number="W9999999")
    entry = actions.do_add_to_watch_list("W9999999", "通缉", acting_user=personas["police"])
    assert "W9999999" not in entry.doc_index and entry.doc_masked == "W9****99"
    decl = by_landlord(personas, rooms(personas)[0], tenant)
    r = result(decl, RuleCode.NOT_WATCH_LISTED)
    assert not r.passed and f"#{entry.pk}" in r.reason and "W9999999" not in r.reason
    clean = by_landlord(personas, rooms(personas)[1], chinese())
    assert result(clean, RuleCode.NOT_WATCH_LISTED).passed


def test_a_landlord_declaring_for_a_property_they_do_not_own_is_flagged(personas):
    own = by_landlord(personas, rooms(personas)[0], chinese())
    assert result(own, RuleCode.LANDLORD_OWNS_PROPERTY).passed
    other = by_landlord(personas, personas["property_other"].rooms.first(), chinese("孙八"))
    r = result(other, RuleCode.LANDLORD_OWNS_PROPERTY)
    assert not r.passed and "landlord" in r.reason and other.status == DeclarationStatus.FLAGGED
