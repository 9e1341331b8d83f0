"""Checks on evidence photos: an image (JPEG, PNG or WebP) of at most 5 MB."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def check_photo(photo: Any) -> None:
    """Raise a ValidationError on `evidence_photo` unless the upload is a real, small enough image."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(photo, "size", None) or 0
    if size > MAX_PHOTO_BYTES:
        raise ValidationError({"evidence_photo": [_("The photo is larger than 5 MB.")]})
    try:
        photo.seek(0)
        with Image.open(photo) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError({"evidence_photo": [_("The file is not a JPEG, PNG or WebP photo.")]})
    finally:
        photo.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError({"evidence_photo": [_("The file is not a JPEG, PNG or WebP photo.")]})
