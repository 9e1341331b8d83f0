"""Test data for inspections, built through the app's actions."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from civitas.inspections import actions
from civitas.inspections.actions import InspectionInput, ItemAnswer
from civitas.inspections.choices import Acknowledgement
from civitas.inspections.models import Checklist, Hazard, Inspection, Premises

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


def photo(name: str = "p.jpg", fmt: str = "JPEG", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


def answers_for(premises: Premises, failing: dict[str, bool] | None = None) -> dict[str, ItemAnswer]:
    """Every item passed, except those in `failing` (code -> with a photo?)."""
    checklist = Checklist.current(premises.kind)
    assert checklist is not None
    failing = failing or {}
    out = {}
    for item in checklist.items.all():
        if item.code in failing:
            out[item.code] = ItemAnswer(False, "found on the spot", [photo()] if failing[item.code] else [])
        else:
            out[item.code] = ItemAnswer(True)
    return out


def inspect(
    premises: Premises,
    user: Any,
    failing: dict[str, bool] | None = None,
    *,
    key: str | None = None,
    now: datetime.datetime = T0,
    task: Any = None,
) -> Inspection:
    data = InspectionInput(
        answers=answers_for(premises, failing),
        acknowledgement=Acknowledgement.SIGNED,
        acknowledged_by="王房东",
        idempotency_key=key or uuid.uuid4().hex,
    )
    return actions.do_submit_inspection(premises, data, acting_user=user, task=task, now=now)


def rental_premises(personas: dict[str, Any]) -> Premises:
    return actions.premises_for_property(personas["property"])


def hazard(personas: dict[str, Any], code: str = "escape_window_blocked", now: datetime.datetime = T0) -> Hazard:
    inspection = inspect(rental_premises(personas), personas["inspector"], {code: True}, now=now)
    return inspection.hazards.get()
