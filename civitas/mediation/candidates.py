"""The live candidate pool used by dispatch.

Static profiles (languages, skills, kind, province, station, conflicts) are cached per process and
rebuilt only when the set of active mediators or a `profile_version` changes (the key also holds the
first and last registration time, so a reused id never matches a stale profile); duty, load and
rating are read from the database for every decision (one narrow query), so a decision never uses a
stale load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Count, Max, Min, Sum

from civitas.mediation.dispatch import Candidate, CandidatePool
from civitas.mediation.models import Mediator

_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "pool": None}


def candidate_of(m: Mediator) -> Candidate:
    conflicts = set(m.conflicts or [])
    if m.person_id:
        conflicts.add(f"person:{m.person_id}")
    return Candidate(
        id=m.pk,
        kind=m.kind,
        languages=frozenset(m.languages),
        skills=frozenset(m.skills),
        home_province=m.home_province,
        on_duty=m.on_duty and m.active,
        load=m.load,
        max_load=m.max_load,
        rating=float(m.rating),
        lat=m.latitude,
        lon=m.longitude,
        township=m.division_id[:9],
        conflicts=frozenset(conflicts),
    )


@contextmanager
def live_pool() -> Iterator[CandidatePool | None]:
    """The pool of active mediators with current duty, load and rating (held under a lock while used)."""
    active = Mediator.objects.filter(active=True)
    key = tuple(
        active.aggregate(
            n=Count("pk"),
            ids=Sum("pk"),
            versions=Sum("profile_version"),
            first=Min("registered_at"),
            last=Max("registered_at"),
        ).values()
    )
    rows = list(active.order_by("pk").values_list("pk", "on_duty", "load", "rating"))
    with _lock:
        if _cache["key"] != key:
            cands = [candidate_of(m) for m in active.order_by("pk")]
            _cache["pool"] = CandidatePool(cands) if cands else None
            _cache["key"] = key
        pool = _cache["pool"]
        if not isinstance(pool, CandidatePool):
            yield None
            return
        if [r[0] for r in rows] != [c.id for c in pool.candidates]:  # changed between queries: rebuild
            cands = [candidate_of(m) for m in active.order_by("pk")]
            pool = CandidatePool(cands)
            _cache.update(key=None, pool=None)
        else:
            pool.on_duty[:] = [bool(r[1]) for r in rows]
            pool.load[:] = [r[2] for r in rows]
            pool.rating[:] = [float(r[3]) for r in rows]
        yield pool


def clear() -> None:
    with _lock:
        _cache.update(key=None, pool=None)
