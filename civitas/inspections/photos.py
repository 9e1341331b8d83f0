"""Checking uploaded photos: a real JPEG, PNG or WebP image under the size limit, fingerprinted."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from civitas.inspections.choices import InspectionErrorCode

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def max_photo_bytes() -> int:
    return int(getattr(settings, "CIVITAS_INSPECTION_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedPhoto:
    file: Any
    content_type: str
    size: int
    sha256: str


def check_photo(upload: Any, field: str = "photo") -> CheckedPhoto:
    """Return the checked photo or raise a ValidationError on `field` saying what is wrong."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_photo_bytes():
        raise ValidationError(
            {
                field: _("The photo is {size} MB; the limit is {limit} MB.").format(
                    size=round(size / 1048576, 1), limit=max_photo_bytes() // 1048576
                )
            },
            code=InspectionErrorCode.BAD_PHOTO,
        )
    if size == 0:
        raise ValidationError({field: _("The photo is empty.")}, code=InspectionErrorCode.BAD_PHOTO)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            {field: _("This file is not a photo (JPEG, PNG or WebP).")}, code=InspectionErrorCode.BAD_PHOTO
        )
    finally:
        upload.seek(0)
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            {field: _("Photos must be JPEG, PNG or WebP, not {format}.").format(format=fmt)},
            code=InspectionErrorCode.BAD_PHOTO,
        )
    return CheckedPhoto(upload, ALLOWED_FORMATS[fmt], size, digest.hexdigest())
