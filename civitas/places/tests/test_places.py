"""The administrative tree and the built environment: codes as paths, properties in grids, room capacity."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from civitas.accounts.choices import Role
from civitas.places.access import access_property, divisions_visible_to, properties_visible_to
from civitas.places.choices import DivisionKind, DivisionLevel
from civitas.places.models import Building, Division, RentalProperty, Room
from civitas.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> dict[str, Division]:
    return factories.small_city()


def new_division(code: str, level: DivisionLevel, parent: Division | None) -> Division:
    return Division(code=code, level=level, kind=DivisionKind.GRID, name="x", parent=parent)


def test_a_division_code_has_the_digits_of_its_level(city: dict[str, Division]) -> None:
    new_division("330782001001003", DivisionLevel.GRID, city["v1"]).full_clean()
    for code in ("33078200100100", "3307820010010033", "33078200100100A"):
        with pytest.raises(ValidationError) as exc:
            new_division(code, DivisionLevel.GRID, None).full_clean()
        assert "15 digits" in str(exc.value.message_dict["code"])


def test_a_division_code_starts_with_its_parents_code(city: dict[str, Division]) -> None:
    with pytest.raises(ValidationError) as exc:
        new_division("330782100001009", DivisionLevel.GRID, city["v1"]).full_clean()
    assert "parent" in str(exc.value.message_dict["code"])


def test_a_division_lies_directly_under_the_level_above(city: dict[str, Division]) -> None:
    with pytest.raises(ValidationError) as exc:
        new_division("330782001001", DivisionLevel.VILLAGE, city["city"]).full_clean()
    assert "parent" in exc.value.message_dict


def test_a_divisions_full_name_reads_from_the_township_down(city: dict[str, Division]) -> None:
    assert city["g2"].full_name() == "稠城街道 香溪社区 第2网格"
    assert [d.code for d in city["g2"].ancestors()] == ["330782", "330782001", "330782001001"]
    assert city["g2"].township_code == "330782001"


def test_a_jurisdiction_is_a_code_prefix_and_no_jurisdiction_sees_nothing(city: dict[str, Division]) -> None:
    landlord = factories.person("王房东", division=city["g1"])
    here = factories.rental_property(city["g1"], landlord)
    factories.rental_property(city["g3"], landlord)
    assert list(RentalProperty.objects.in_scope("330782001").values_list("pk", flat=True)) == [here.pk]
    assert RentalProperty.objects.in_scope(None).count() == 0
    assert Room.objects.in_scope("330782001").count() == 3 and Room.objects.in_scope("330782").count() == 6
    assert Building.objects.in_scope("330782100").count() == 1


def test_a_property_lies_in_its_buildings_grid_unit(city: dict[str, Division]) -> None:
    landlord = factories.person("王房东", division=city["g1"])
    building = Building.objects.create(division=city["g1"], address="香溪路1号")
    prop = RentalProperty(
        building=building, division=city["g2"], landlord=landlord, registered_at=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        prop.full_clean()
    assert "division" in exc.value.message_dict


def test_a_room_has_an_area_of_at_least_one_square_metre(city: dict[str, Division]) -> None:
    prop = factories.rental_property(city["g1"], factories.person("王房东", division=city["g1"]), rooms=1)
    room = Room(property=prop, number="999", area_m2=Decimal("0.5"), beds=1)
    with pytest.raises(ValidationError) as exc:
        room.full_clean()
    assert "area_m2" in exc.value.message_dict


@pytest.mark.parametrize(
    ("area", "beds", "capacity"),
    [("14.0", 2, 2), ("14.0", 1, 1), ("11.9", 2, 1), ("5.9", 2, 0), ("40.0", 6, 2)],
)
def test_a_rooms_legal_capacity_is_the_least_of_beds_area_and_two_adults(area: str, beds: int, capacity: int) -> None:
    assert Room(number="1", area_m2=Decimal(area), beds=beds).legal_capacity() == capacity


def test_a_landlord_sees_only_their_own_properties_and_others_get_not_found(personas: dict[str, Any]) -> None:
    mine, theirs = personas["property"], personas["property_other"]
    assert list(properties_visible_to(personas["landlord"])) == [mine]
    with pytest.raises(Http404):
        access_property(personas["landlord"], theirs.pk)
    police = personas["police"]
    assert police.role == Role.POLICE
    codes = list(divisions_visible_to(police).values_list("code", flat=True))
    assert codes and all(code.startswith(police.scope_code) for code in codes) and "330782100" not in codes
    with pytest.raises(Http404):
        access_property(police, theirs.pk)


def test_an_unknown_parent_code_is_reported_on_the_parent_field(city: dict[str, Division]) -> None:
    division = Division(code="330782009001001", level=DivisionLevel.GRID, kind=DivisionKind.GRID, name="x")
    division.parent_id = "330782009001"
    with pytest.raises(ValidationError) as exc:
        division.full_clean()
    assert "parent" in exc.value.message_dict
