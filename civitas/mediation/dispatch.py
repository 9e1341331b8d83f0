"""Model-free dispatch: hard constraints, a weighted score with reasons, and optimal batch assignment.

A dispute is offered the way a ride is offered to a driver. A candidate mediator must pass every hard
constraint (on duty, spare capacity, a shared language with EACH party, the required skill, no conflict
of interest); eligible candidates are ranked by a score whose weights are data (`Weights`). Every
evaluation keeps its reasons, so each decision can be explained afterwards.

`batch_assign` solves many disputes at once with `scipy.optimize.linear_sum_assignment`, maximising the
total score; a mediator who can take k more cases appears as k columns. `CandidatePool` is the
vectorised (numpy) form of `rank` for large pools; both give the same scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

FOREIGN = "foreign"
HOMETOWN = "hometown"
LAWYER = "lawyer"

# Hard-constraint reason codes (an ineligible candidate carries at least one of them).
OFF_DUTY = "off_duty"
AT_CAPACITY = "at_capacity"
NO_SHARED_LANGUAGE = "no_shared_language"
LACKS_SKILL = "lacks_skill"
CONFLICT_OF_INTEREST = "conflict_of_interest"
ALREADY_OFFERED = "already_offered"
HARD_CODES = (OFF_DUTY, AT_CAPACITY, NO_SHARED_LANGUAGE, LACKS_SKILL, CONFLICT_OF_INTEREST, ALREADY_OFFERED)


@dataclass(frozen=True)
class Weights:
    """Score weights; load from settings with `Weights.from_mapping` (unknown keys are an error)."""

    base: float = 100.0  # every eligible candidate starts here, so scores stay positive
    same_hometown: float = 30.0  # 老乡 case and the mediator is from the parties' home province
    foreign_for_foreign: float = 30.0  # a party is foreign and the mediator is a foreign mediator
    per_km: float = 1.5  # minus per km between the station and the dispute
    max_distance_penalty: float = 30.0
    same_township: float = 5.0  # when coordinates are missing
    per_open_case: float = 4.0  # minus per case the mediator already carries
    per_rating_star: float = 5.0  # (rating - 3) × this
    lawyer_for_high_risk: float = 10.0

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Weights:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown dispatch weights: {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in data.items()})


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    languages: frozenset[str]
    skills: frozenset[str]
    home_province: str = ""
    on_duty: bool = True
    load: int = 0
    max_load: int = 5
    rating: float = 4.0
    lat: float | None = None
    lon: float | None = None
    township: str = ""
    conflicts: frozenset[str] = frozenset()  # party keys this mediator must not mediate

    @property
    def spare(self) -> int:
        return max(0, self.max_load - self.load) if self.on_duty else 0


@dataclass(frozen=True)
class Dispute:
    id: int
    category: str
    party_languages: tuple[frozenset[str], ...]
    party_keys: frozenset[str] = frozenset()
    foreign: bool = False
    hometown_province: str = ""  # set for 老乡 cases (parties from one home province)
    lat: float | None = None
    lon: float | None = None
    township: str = ""
    high_risk: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    points: float = 0.0
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "points": round(self.points, 2), "detail": self.detail}


@dataclass
class Evaluation:
    candidate_id: int
    eligible: bool
    score: float
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate_id,
            "eligible": self.eligible,
            "score": round(self.score, 2),
            "reasons": [r.as_dict() for r in self.reasons],
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough within a city, and cheap."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def hard_reasons(d: Dispute, c: Candidate, exclude: frozenset[int] = frozenset()) -> list[Reason]:
    out: list[Reason] = []
    if c.id in exclude:
        out.append(Reason(ALREADY_OFFERED))
    if not c.on_duty:
        out.append(Reason(OFF_DUTY))
    elif c.load >= c.max_load:
        out.append(Reason(AT_CAPACITY, detail=f"{c.load}/{c.max_load}"))
    for i, langs in enumerate(d.party_languages):
        if not (langs & c.languages):
            out.append(Reason(NO_SHARED_LANGUAGE, detail=f"party {i + 1}: {','.join(sorted(langs))}"))
    if d.category and d.category not in c.skills:
        out.append(Reason(LACKS_SKILL, detail=d.category))
    clash = d.party_keys & c.conflicts
    if clash:
        out.append(Reason(CONFLICT_OF_INTEREST, detail=",".join(sorted(clash))))
    return out


def score_reasons(d: Dispute, c: Candidate, w: Weights) -> list[Reason]:
    out = [Reason("base", w.base)]
    if d.hometown_province and c.home_province == d.hometown_province:
        out.append(Reason("same_hometown", w.same_hometown, c.home_province))
    if d.foreign and c.kind == FOREIGN:
        out.append(Reason("foreign_mediator", w.foreign_for_foreign))
    if None not in (d.lat, d.lon, c.lat, c.lon):
        km = distance_km(d.lat, d.lon, c.lat, c.lon)  # type: ignore[arg-type]
        out.append(Reason("distance", -min(w.max_distance_penalty, w.per_km * km), f"{km:.1f} km"))
    elif d.township and d.township == c.township:
        out.append(Reason("same_township", w.same_township, c.township))
    if c.load:
        out.append(Reason("load", -w.per_open_case * c.load, f"{c.load} open"))
    out.append(Reason("rating", w.per_rating_star * (c.rating - 3.0), f"{c.rating:.1f}"))
    if d.high_risk and c.kind == LAWYER:
        out.append(Reason("lawyer_high_risk", w.lawyer_for_high_risk))
    return out


def evaluate(d: Dispute, c: Candidate, w: Weights, exclude: frozenset[int] = frozenset()) -> Evaluation:
    hard = hard_reasons(d, c, exclude)
    soft = score_reasons(d, c, w)
    if hard:
        return Evaluation(c.id, False, 0.0, hard + soft)
    return Evaluation(c.id, True, sum(r.points for r in soft), soft)


def rank(
    d: Dispute, candidates: Iterable[Candidate], w: Weights, exclude: frozenset[int] = frozenset()
) -> list[Evaluation]:
    """Every candidate evaluated: eligible ones first by score (ties by id), then the ineligible."""
    evals = [evaluate(d, c, w, exclude) for c in candidates]
    return sorted(evals, key=lambda e: (not e.eligible, -e.score, e.candidate_id))


def why_none(evals: Sequence[Evaluation]) -> tuple[str, dict[str, int]]:
    """The reason a dispute found nobody, and how many candidates each hard reason excluded.

    The headline is the most telling reason: nobody on duty; else no on-duty mediator shares a language
    with every party; else the required skill; else conflicts; else capacity.
    """
    counts: dict[str, int] = {}
    for e in evals:
        for r in e.reasons:
            if r.code in HARD_CODES:
                counts[r.code] = counts.get(r.code, 0) + 1
    on_duty = [e for e in evals if not any(r.code == OFF_DUTY for r in e.reasons)]
    if not on_duty:
        return OFF_DUTY, counts
    for code in (NO_SHARED_LANGUAGE, LACKS_SKILL, CONFLICT_OF_INTEREST, AT_CAPACITY, ALREADY_OFFERED):
        if all(any(r.code == code for r in e.reasons) for e in on_duty):
            return code, counts
    return max(counts, key=lambda k: counts[k]) if counts else OFF_DUTY, counts


@dataclass
class BatchResult:
    assignments: dict[int, int | None]  # dispute id -> candidate id (None: nobody eligible)
    scores: dict[int, float]
    total: float


def batch_assign(disputes: Sequence[Dispute], candidates: Sequence[Candidate], w: Weights) -> BatchResult:
    """Optimal assignment maximising the total score; capacity k → the candidate has k columns.

    A dispute whose every eligible score would lower the total stays unassigned (a zero "nobody"
    column per dispute); with the default positive base this only happens when nobody is eligible.
    """
    n = len(disputes)
    slots: list[int] = []  # column -> candidate index
    for j, c in enumerate(candidates):
        slots.extend([j] * min(c.spare, n))
    forbidden = -1e12
    pair = np.full((n, len(candidates)), forbidden)
    for i, d in enumerate(disputes):
        for j, c in enumerate(candidates):
            e = evaluate(d, c, w)
            if e.eligible:
                pair[i, j] = e.score
    matrix = np.zeros((n, len(slots) + n))
    if slots:
        matrix[:, : len(slots)] = pair[:, slots]
    matrix[:, len(slots) :] = forbidden
    matrix[np.arange(n), len(slots) + np.arange(n)] = 0.0
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    assignments: dict[int, int | None] = {d.id: None for d in disputes}
    scores: dict[int, float] = {}
    for r, col in zip(rows, cols, strict=True):
        if col < len(slots) and matrix[r, col] > forbidden / 2:
            assignments[disputes[r].id] = candidates[slots[col]].id
            scores[disputes[r].id] = float(matrix[r, col])
    return BatchResult(assignments, scores, float(sum(scores.values())))


class CandidatePool:
    """A vectorised pool for thousands of mediators: same constraints and scores as `evaluate`."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = list(candidates)
        self.index = {c.id: i for i, c in enumerate(self.candidates)}
        langs = sorted({lang for c in self.candidates for lang in c.languages})
        skills = sorted({s for c in self.candidates for s in c.skills})
        if len(langs) > 62 or len(skills) > 62:
            raise ValueError("at most 62 languages and 62 skills in one pool")
        self.lang_bit = {lang: 1 << i for i, lang in enumerate(langs)}
        self.skill_bit = {s: 1 << i for i, s in enumerate(skills)}
        cs = self.candidates
        self.lang_mask = np.array([self._mask(c.languages, self.lang_bit) for c in cs], dtype=np.int64)
        self.skill_mask = np.array([self._mask(c.skills, self.skill_bit) for c in cs], dtype=np.int64)
        self.on_duty = np.array([c.on_duty for c in cs], dtype=bool)
        self.load = np.array([c.load for c in cs], dtype=np.int64)
        self.max_load = np.array([c.max_load for c in cs], dtype=np.int64)
        self.rating = np.array([c.rating for c in cs], dtype=float)
        self.foreign = np.array([c.kind == FOREIGN for c in cs], dtype=bool)
        self.lawyer = np.array([c.kind == LAWYER for c in cs], dtype=bool)
        self.province = np.array([c.home_province for c in cs], dtype=object)
        self.township = np.array([c.township for c in cs], dtype=object)
        self.has_xy = np.array([c.lat is not None and c.lon is not None for c in cs], dtype=bool)
        self.lat = np.array([c.lat if c.lat is not None else 0.0 for c in cs], dtype=float)
        self.lon = np.array([c.lon if c.lon is not None else 0.0 for c in cs], dtype=float)
        self.conflicts: dict[str, list[int]] = {}
        for i, c in enumerate(cs):
            for key in c.conflicts:
                self.conflicts.setdefault(key, []).append(i)

    @staticmethod
    def _mask(values: Iterable[str], bits: Mapping[str, int]) -> int:
        m = 0
        for v in values:
            m |= bits.get(v, 0)
        return m

    def set_load(self, candidate_id: int, load: int) -> None:
        self.load[self.index[candidate_id]] = load

    def set_on_duty(self, candidate_id: int, on_duty: bool) -> None:
        self.on_duty[self.index[candidate_id]] = on_duty

    def current(self, candidate_id: int) -> Candidate:
        """The candidate with its live load and duty status (for `evaluate`)."""
        i = self.index[candidate_id]
        c = self.candidates[i]
        return Candidate(
            **{
                **c.__dict__,
                "load": int(self.load[i]),
                "on_duty": bool(self.on_duty[i]),
                "rating": float(self.rating[i]),
            }
        )

    def eligible_mask(self, d: Dispute, exclude: Iterable[int] = ()) -> np.ndarray:
        ok = self.on_duty & (self.load < self.max_load)
        for langs in d.party_languages:
            ok &= (self.lang_mask & self._mask(langs, self.lang_bit)) != 0
        if d.category:
            bit = self.skill_bit.get(d.category, 0)
            ok &= (self.skill_mask & bit) != 0 if bit else np.zeros_like(ok)
        for key in d.party_keys:
            for i in self.conflicts.get(key, ()):
                ok[i] = False
        for cid in exclude:
            if cid in self.index:
                ok[self.index[cid]] = False
        return ok

    def scores(self, d: Dispute, w: Weights, rows: np.ndarray | None = None) -> np.ndarray:
        idx = np.arange(len(self.candidates)) if rows is None else rows
        s = np.full(len(idx), w.base)
        if d.hometown_province:
            s += w.same_hometown * (self.province[idx] == d.hometown_province)
        if d.foreign:
            s += w.foreign_for_foreign * self.foreign[idx]
        if d.lat is not None and d.lon is not None:
            lat, lon = self.lat[idx], self.lon[idx]
            x = np.radians(lon - d.lon) * np.cos(np.radians((lat + d.lat) / 2))
            km = 6371.0 * np.hypot(x, np.radians(lat - d.lat))
            dist_pen = np.minimum(w.max_distance_penalty, w.per_km * km)
            town = w.same_township * ((self.township[idx] == d.township) & bool(d.township))
            s += np.where(self.has_xy[idx], -dist_pen, town)
        elif d.township:
            s += w.same_township * (self.township[idx] == d.township)
        s -= w.per_open_case * self.load[idx]
        s += w.per_rating_star * (self.rating[idx] - 3.0)
        if d.high_risk:
            s += w.lawyer_for_high_risk * self.lawyer[idx]
        return s

    def rank(self, d: Dispute, w: Weights, exclude: Iterable[int] = (), top: int = 5) -> list[Evaluation]:
        """The best `top` eligible candidates, fully explained; [] when nobody is eligible."""
        rows = np.flatnonzero(self.eligible_mask(d, exclude))
        if rows.size == 0:
            return []
        s = self.scores(d, w, rows)
        order = np.lexsort((rows, -s))[:top]
        return [evaluate(d, self.current(self.candidates[rows[k]].id), w) for k in order]
