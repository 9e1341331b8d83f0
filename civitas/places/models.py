"""The administrative tree (city → township → village/community → grid unit) and the built environment.

A division's code is its path: a child's code starts with its parent's, so "everything in my
jurisdiction" is one indexed prefix query (`division__code__startswith=code`, no join) and the schema shards by
division code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civitas.places.choices import CODE_LENGTH, BuildingKind, DivisionKind, DivisionLevel, PropertyStatus


class ScopedQuerySet(models.QuerySet):
    """Rows carrying a division code, restricted to a jurisdiction in the database."""

    division_field = "division__code"

    def in_scope(self, scope_code: str | None) -> ScopedQuerySet:
        if scope_code is None:
            return self.none()
        return self.filter(**{f"{self.division_field}__startswith": scope_code})


class Division(models.Model):
    code = models.CharField(_("code"), max_length=15, primary_key=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=DivisionLevel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=DivisionKind.choices)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="division_level_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = CODE_LENGTH.get(DivisionLevel(self.level))
        if expected and (len(self.code) != expected or not self.code.isdigit()):
            raise ValidationError({"code": _("A division code at this level has {n} digits.").format(n=expected)})
        if self.parent_id and not self.code.startswith(self.parent_id):
            raise ValidationError({"code": _("A division code must start with its parent's code.")})
        parent_level = (
            Division.objects.filter(code=self.parent_id).values_list("level", flat=True).first()
            if self.parent_id
            else None
        )
        if parent_level is not None and parent_level != self.level - 1:
            raise ValidationError(
                {"parent": _("A division lies directly under the level above (city, township, village, grid unit).")}
            )

    @property
    def township_code(self) -> str:
        return self.code[:9]

    def ancestors(self) -> list[Division]:
        codes = [self.code[:n] for n in (6, 9, 12) if n < len(self.code)]
        found = {d.code: d for d in Division.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def full_name(self) -> str:
        return " ".join(d.name for d in [*self.ancestors(), self] if d.level > DivisionLevel.CITY)


class BuildingQuerySet(ScopedQuerySet):
    pass


class Building(models.Model):
    division = models.ForeignKey(
        Division, verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="buildings"
    )
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=BuildingKind.choices, default=BuildingKind.SELF_BUILT)
    floors = models.PositiveSmallIntegerField(_("floors"), default=5, validators=[MinValueValidator(1)])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        indexes = [models.Index(fields=["division"], name="building_division")]

    def __str__(self) -> str:
        return self.address

    @property
    def division_code(self) -> str:
        return self.division_id


class RentalPropertyQuerySet(ScopedQuerySet):
    def owned_by(self, person_id: int | None) -> RentalPropertyQuerySet:
        return self.filter(landlord_id=person_id) if person_id else self.none()


class RentalProperty(models.Model):
    """A let unit (a whole self-built house, some floors of it, or a flat) with one landlord."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="properties"
    )
    division = models.ForeignKey(Division, verbose_name=_("grid unit"), on_delete=models.PROTECT, related_name="+")
    landlord = models.ForeignKey(
        "people.Person", verbose_name=_("landlord"), on_delete=models.PROTECT, related_name="properties"
    )
    label = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. floors 2-5, or flat 301"))
    status = models.CharField(_("status"), max_length=10, choices=PropertyStatus.choices, default=PropertyStatus.ACTIVE)
    registered_at = models.DateField(_("registered on"))

    objects = RentalPropertyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rental property")
        verbose_name_plural = _("rental properties")
        indexes = [
            models.Index(fields=["division"], name="property_division"),
            models.Index(fields=["landlord"], name="property_landlord"),
        ]

    def __str__(self) -> str:
        return f"{self.building.address} {self.label}".strip()

    @property
    def division_code(self) -> str:
        return self.division_id

    def clean(self) -> None:
        if self.building_id and self.division_id and self.building.division_id != self.division_id:
            raise ValidationError({"division": _("A property lies in its building's grid unit.")})


class RoomQuerySet(ScopedQuerySet):
    division_field = "property__division__code"


class Room(models.Model):
    property = models.ForeignKey(
        RentalProperty, verbose_name=_("property"), on_delete=models.CASCADE, related_name="rooms"
    )
    number = models.CharField(_("room number"), max_length=12)
    floor = models.SmallIntegerField(_("floor"), default=1)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("1.0"))]
    )
    beds = models.PositiveSmallIntegerField(_("beds"), default=1)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="room_number_unique_in_property")]

    def __str__(self) -> str:
        return self.number

    def legal_capacity(self, *, min_area_per_person: Decimal = Decimal("6"), max_adults: int = 2) -> int:
        """People (children under 12 not counted) the room may hold: beds, area and the per-room cap."""
        by_area = int(self.area_m2 // min_area_per_person)
        return max(0, min(self.beds, by_area, max_adults))

    def info(self) -> dict[str, Any]:
        return {"number": self.number, "floor": self.floor, "area_m2": str(self.area_m2), "beds": self.beds}
