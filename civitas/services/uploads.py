"""Checks on uploaded documents: the type is read from the file's first bytes, not trusted from its name."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civitas.services.texts import localized

MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
DEFAULT_MAX_MB = 5


def sniff(head: bytes) -> str | None:
    for kind, signatures in MAGIC.items():
        if any(head.startswith(sig) for sig in signatures):
            return kind
    return None


def check_upload(upload: Any, spec: dict[str, Any]) -> str:
    """Return the detected type ("pdf", "jpg", "png") or raise a ValidationError the applicant understands."""
    label = localized(spec.get("label") or {}) or spec.get("code", "")
    allowed = [t for t in spec.get("types") or list(MAGIC) if t in MAGIC]
    limit_mb = float(spec.get("max_mb") or DEFAULT_MAX_MB)
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("“{label}”: the file is {size} MB, but at most {limit} MB is accepted.").format(
                label=label, size=f"{upload.size / 1024 / 1024:.1f}", limit=f"{limit_mb:g}"
            ),
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“{label}”: the file is empty.").format(label=label), code="empty")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("“{label}”: this kind of file is not accepted. Upload {types}.").format(
                label=label, types=", ".join(t.upper() for t in allowed)
            ),
            code="wrong_type",
        )
    return kind
