"""Rooms with their occupancy and legal capacity (one grouped query, no N+1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from civitas.places.models import RentalProperty, Room
from civitas.residence import rules
from civitas.residence.choices import RuleCode
from civitas.residence.models import Residency


@dataclass
class RoomLoad:
    room: Room
    occupants: int  # people counted for capacity (children under 12 not counted)
    people: int  # everyone living there
    capacity: int

    @property
    def over(self) -> bool:
        return self.occupants > self.capacity


def room_loads(prop: RentalProperty) -> list[RoomLoad]:
    params = rules.active_rules().get(RuleCode.WITHIN_CAPACITY, {"min_m2_per_person": 6, "max_adults_per_room": 2})
    current = Residency.objects.current().filter(property=prop)
    people = dict(current.values("room_id").annotate(n=Count("id")).values_list("room_id", "n"))
    counted = dict(current.filter(counted=True).values("room_id").annotate(n=Count("id")).values_list("room_id", "n"))
    families = dict(
        current.values("room_id").annotate(n=Count("declaration_id", distinct=True)).values_list("room_id", "n")
    )
    out = []
    for room in prop.rooms.order_by("floor", "number"):
        by_area = int(room.area_m2 // rules.Decimal(str(params.get("min_m2_per_person", 6))))
        cap = min(room.beds, by_area)
        if families.get(room.pk, 0) > 1 or not families.get(room.pk):
            cap = min(cap, int(params.get("max_adults_per_room", 2)))
        out.append(RoomLoad(room, counted.get(room.pk, 0), people.get(room.pk, 0), max(0, cap)))
    return out
