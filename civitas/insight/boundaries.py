"""Unit boundaries for the dashboard map, from a GeoJSON file when one is available.

No boundary file of Yiwu's townships and communities ships with Civitas (none is published in the open), so
the dashboard draws equal tiles by default. A deployment that has boundaries puts a GeoJSON FeatureCollection
at ``INSIGHT_BOUNDARIES_GEOJSON`` (default ``var/boundaries.geojson``): one Polygon or MultiPolygon feature per
township or community, its division code in the property ``code`` (or ``division_code``/``adcode``),
coordinates as longitude/latitude. The map is drawn only when every charted unit has a boundary.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

CODE_PROPERTIES = ("code", "division_code", "adcode")
Ring = list[tuple[float, float]]


def path() -> Path:
    configured = getattr(settings, "INSIGHT_BOUNDARIES_GEOJSON", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "boundaries.geojson"


def shapes(codes: list[str]) -> dict[str, list[Ring]] | None:
    """Outer rings per unit code, or None when the file is missing, unreadable or lacks one of ``codes``."""
    file = path()
    if not file.is_file():
        return None
    found = _read(str(file), file.stat().st_mtime)
    if not codes or any(code not in found for code in codes):
        return None
    return {code: found[code] for code in codes}


@lru_cache(maxsize=4)
def _read(file: str, mtime: float) -> dict[str, list[Ring]]:
    """Outer rings of every feature with a code (``mtime`` keys the cache, so an edited file is read again)."""
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
    except (OSError, ValueError, KeyError, AttributeError) as error:
        log.warning("boundary file %s cannot be read: %s", file, error)
        return {}
    out: dict[str, list[Ring]] = {}
    for feature in features:
        code = _code(feature.get("properties") or {})
        rings = _outer_rings(feature.get("geometry") or {})
        if code and rings:
            out.setdefault(code, []).extend(rings)
    return out


def _code(properties: dict[str, Any]) -> str:
    return next((str(properties[key]) for key in CODE_PROPERTIES if properties.get(key)), "")


def _outer_rings(geometry: dict[str, Any]) -> list[Ring]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    rings = []
    for polygon in polygons:
        if polygon and len(polygon[0]) >= 3:
            rings.append([(float(point[0]), float(point[1])) for point in polygon[0]])
    return rings
