"""Walking a checklist: answers, photos as evidence, acknowledgement, idempotent resubmission."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from civitas.inspections import actions
from civitas.inspections.actions import InspectionInput
from civitas.inspections.choices import Acknowledgement, HazardStatus
from civitas.inspections.models import Checklist, Evidence, Hazard, Inspection
from civitas.inspections.tests.builders import T0, answers_for, inspect, photo, rental_premises


def test_the_seeded_small_shop_checklist_has_fourteen_items_starting_with_one_sleeper(db: Any) -> None:
    shop = Checklist.current("small_shop")
    assert shop is not None and shop.items.count() == 14
    first: Any = shop.items.order_by("order").first()
    assert first.code == "sleeping_on_site" and first.text_in("en") == "At most 1 person sleeps on site"


def test_the_rental_checklist_carries_the_occupancy_limits_as_data(db: Any) -> None:
    rental = Checklist.current("rental_house")
    assert rental is not None
    area = rental.items.get(code="area_per_person")
    assert area.params == {"min_m2": 6, "child_age": 12}
    assert area.text_in("zh-hans") == "人均居住面积不低于6平方米（12岁以下儿童不计）"
    assert rental.items.get(code="escape_window_blocked").credit_rule == "escape_window_blocked"
    assert rental.items.get(code="ebike_window_charging").credit_rule == "ebike_window_charging"
    assert {c.premises_type for c in Checklist.objects.all()} == {
        "rental_house",
        "small_shop",
        "street_shop",
        "three_in_one",
        "warehouse",
    }


def test_a_clean_inspection_logs_no_hazard(personas: Any) -> None:
    inspection = inspect(rental_premises(personas), personas["grid"])
    assert inspection.hazards_found == 0 and inspection.results.filter(passed=True).count() == 11
    assert inspection.department == "grid"


def test_each_failed_item_becomes_a_logged_hazard_with_its_photo(personas: Any) -> None:
    inspection = inspect(
        rental_premises(personas),
        personas["inspector"],
        {"escape_window_blocked": True, "safety_kit_per_household": False},
    )
    hazards = {h.item.code: h for h in inspection.hazards.all()}
    assert set(hazards) == {"escape_window_blocked", "safety_kit_per_household"}
    window = hazards["escape_window_blocked"]
    assert window.status == HazardStatus.LOGGED and window.owner_id == personas["landlord_person"].pk
    assert window.responsible_id == personas["inspector"].pk and window.township_code == "330782001"
    assert Evidence.objects.get(hazard=window).content_type == "image/jpeg"


def test_a_failed_item_that_requires_a_photo_is_refused_without_one(personas: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        inspect(rental_premises(personas), personas["inspector"], {"escape_window_blocked": False})
    assert "A photo is required when" in exc.value.message_dict["item_escape_window_blocked"][0]
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_an_unanswered_item_is_refused_by_name(personas: Any) -> None:
    premises = rental_premises(personas)
    answers = dict(answers_for(premises))
    del answers["wiring"]
    data = InspectionInput(answers=answers, acknowledgement=Acknowledgement.ABSENT, idempotency_key="k1")
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(premises, data, acting_user=personas["inspector"], now=T0)
    assert list(exc.value.message_dict) == ["item_wiring"]


def test_a_file_that_is_not_a_photo_is_refused(personas: Any) -> None:
    premises = rental_premises(personas)
    answers = answers_for(premises, {"escape_window_blocked": True})
    answers["escape_window_blocked"].photos = [SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo")]
    data = InspectionInput(answers=answers, acknowledgement=Acknowledgement.ABSENT, idempotency_key="k2")
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(premises, data, acting_user=personas["inspector"], now=T0)
    assert "not a photo" in exc.value.message_dict["item_escape_window_blocked"][0]


def test_a_photo_over_the_size_limit_is_refused(personas: Any, settings: Any) -> None:
    settings.CIVITAS_INSPECTION_PHOTO_MAX_BYTES = 100
    premises = rental_premises(personas)
    answers = answers_for(premises, {"escape_window_blocked": False})
    answers["escape_window_blocked"].photos = [photo(size=(200, 200), fmt="PNG")]
    data = InspectionInput(answers=answers, acknowledgement=Acknowledgement.ABSENT, idempotency_key="k3")
    with pytest.raises(ValidationError, match="the limit is"):
        actions.do_submit_inspection(premises, data, acting_user=personas["inspector"], now=T0)


def test_a_signed_acknowledgement_needs_the_signers_name(personas: Any) -> None:
    premises = rental_premises(personas)
    data = InspectionInput(answers=answers_for(premises), acknowledgement=Acknowledgement.SIGNED, idempotency_key="k4")
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(premises, data, acting_user=personas["inspector"], now=T0)
    assert "acknowledged_by" in exc.value.message_dict


def test_resubmitting_with_the_same_key_returns_the_same_inspection_and_no_second_hazard(
    personas: Any,
) -> None:
    key = uuid.uuid4().hex
    first = inspect(rental_premises(personas), personas["inspector"], {"escape_window_blocked": True}, key=key)
    again = inspect(rental_premises(personas), personas["inspector"], {"escape_window_blocked": True}, key=key)
    assert again.pk == first.pk
    assert Inspection.objects.count() == 1 and Hazard.objects.count() == 1


def test_someone_elses_submission_key_is_refused(personas: Any) -> None:
    inspect(rental_premises(personas), personas["inspector"], key="shared-key")
    with pytest.raises(ValidationError, match="another inspection"):
        inspect(rental_premises(personas), personas["grid"], key="shared-key")
