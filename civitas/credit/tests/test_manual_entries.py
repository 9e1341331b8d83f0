"""The manual path: an officer records a violation with evidence; bad input gets a clear error."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civitas.core import sms
from civitas.credit import actions
from civitas.credit.choices import ErrorCode
from civitas.credit.models import Notification


def _photo() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    return SimpleUploadedFile("window.jpg", buf.getvalue(), content_type="image/jpeg")


def _violation(personas: dict[str, Any], **kw: Any) -> Any:
    args = {
        "scheme_code": "landlord-12",
        "rule_code": "escape_window_blocked",
        "subject_id": personas["landlord_person"].pk,
        "occurred_on": datetime.date(2026, 3, 2),
        "note": "",
        "acting_user": personas["police"],
        "division_code": "330782001001001",
        **kw,
    }
    return actions.do_record_violation(**args)


def test_an_officer_records_a_violation_with_a_photo(personas: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = _violation(personas, photo=_photo())
    assert entry.points == -3 and entry.recorded_by == personas["police"]
    assert entry.evidence_photo.name.startswith("credit/evidence/2026/03/")
    from django.test import Client
    from django.urls import reverse

    officer, landlord, other = Client(), Client(), Client()
    officer.force_login(personas["grid"])
    landlord.force_login(personas["landlord"])
    other.force_login(personas["police_other"])
    url = reverse("credit:evidence", args=[entry.pk])
    photo = officer.get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"  # type: ignore[attr-defined]
    assert landlord.get(url).status_code == 200
    assert other.get(url).status_code == 404


def test_a_deduction_without_required_evidence_is_refused(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _violation(personas)
    assert exc.value.error_dict["evidence_note"][0].code == ErrorCode.EVIDENCE_REQUIRED


def test_an_entry_for_a_rule_not_in_force_on_its_date_is_refused(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        _violation(personas, occurred_on=datetime.date(2020, 12, 31), note="blocked")
    assert exc.value.error_dict["rule"][0].code == ErrorCode.RULE_NOT_IN_FORCE
    with pytest.raises(ValidationError):
        _violation(personas, rule_code="no_such_rule", note="x")


def test_a_file_that_is_not_a_photo_is_refused(personas: dict[str, Any]) -> None:
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        _violation(personas, photo=fake)
    assert "evidence_photo" in exc.value.error_dict


def test_an_automatic_rule_cannot_be_recorded_by_hand(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _violation(personas, rule_code="tenant_late", note="late")


def test_an_officer_cannot_record_for_a_landlord_outside_the_jurisdiction(personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        _violation(personas, note="blocked", acting_user=personas["police_other"])
    with pytest.raises(PermissionDenied):
        _violation(personas, note="blocked", acting_user=personas["landlord"])


def test_the_landlord_is_notified_of_a_deduction_by_sms_in_plain_words(
    personas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    sms.OUTBOX.clear()
    with django_capture_on_commit_callbacks(execute=True):
        entry = _violation(personas, note="bars welded over the window")
    note = Notification.objects.get(entry=entry)
    assert "逃生窗被封堵" in note.text and "15" in note.text  # landlord's language: Chinese; appeal period
    assert note.sms_sent
    assert [("+8613800138000", note.text)] == sms.OUTBOX
