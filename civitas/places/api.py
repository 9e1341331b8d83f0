from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from civitas.places.access import access_division, access_property, divisions_visible_to, properties_visible_to

router = Router(tags=["places"])


class DivisionOut(Schema):
    code: str
    parent_id: str | None
    level: int
    kind: str
    name: str
    name_en: str


class RoomOut(Schema):
    id: int
    number: str
    floor: int
    area_m2: Decimal
    beds: int


class PropertyOut(Schema):
    id: int
    division_id: str
    building_id: int
    address: str
    label: str
    status: str
    landlord_id: int
    registered_at: datetime.date

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return obj.building.address


class PropertyDetailOut(PropertyOut):
    rooms: list[RoomOut]

    @staticmethod
    def resolve_rooms(obj: Any) -> list[Any]:
        return list(obj.rooms.order_by("floor", "number"))


@router.get("/divisions", response=list[DivisionOut], summary="Divisions in your jurisdiction")
def divisions(request: HttpRequest, parent: str | None = None, level: int | None = None) -> Any:
    qs = divisions_visible_to(request.user)
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    return list(qs.order_by("code")[:2000])


@router.get("/divisions/{code}", response=DivisionOut)
def division(request: HttpRequest, code: str) -> Any:
    return access_division(request.user, code)


@router.get("/properties", response=list[PropertyOut], summary="Rental properties you may see")
def properties(request: HttpRequest, division: str | None = None, limit: int = 100, offset: int = 0) -> Any:
    qs = properties_visible_to(request.user).select_related("building").order_by("id")
    if division:
        qs = qs.filter(division__code__startswith=division)
    return list(qs[offset : offset + min(limit, 500)])


@router.get("/properties/{int:pk}", response=PropertyDetailOut)
def property_detail(request: HttpRequest, pk: int) -> Any:
    return access_property(request.user, pk)
