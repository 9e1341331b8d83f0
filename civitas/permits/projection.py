"""Cohort-component population projection (CCMPP) and the school-entry forecast built on it.

Female-dominant, two sexes, age groups as wide as the projection step ``z`` (5 for five-year groups,
1 for single years), the last group open. The algebra is that of Preston, Heuveline & Guillot (2001),
Box 6.2, as implemented by the UN's ccmppWPP ``project_ccmpp_z_by_z``; the reference case lives in
``tests/fixtures/ccmpp``. Model-free: numpy in, numpy out.

Index conventions for a vector of ``n`` age groups (``age_start = 0, z, 2z, …``):

* ``survival[0]`` carries births (born in the step) to age group 0 at its end: ``zL0 / (z·l0)``;
  ``survival[i]`` carries group ``i-1`` at the start to group ``i`` at the end: ``zLi / zL(i-1)``;
  ``survival[n-1]`` (open group) applies to ``P[n-2] + P[n-1]``: ``T(n-1) / T(n-2)``.
* ``asfr[i]`` is the fertility rate of women in group ``i`` (births per woman-year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

MigrationTiming = Literal["even", "end", "start"]
MIGRATION_TIMINGS: tuple[str, ...] = ("even", "end", "start")
Vector = NDArray[np.float64]

#: Grade → entry age used by the school-place forecast (Grade 1 at 6, Grade 7 at 12).
DEFAULT_ENTRY_AGES: Mapping[int, int] = {1: 6, 7: 12}


def _vector(values: ArrayLike, name: str, n: int | None = None) -> Vector:
    array = np.array(values, dtype=np.float64).reshape(-1)
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} age groups, expected {n}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains non-finite values")
    array.setflags(write=False)
    return array


def survival_ratios_from_lx(n_lx: ArrayLike, *, z: int, radix: float = 100_000.0) -> Vector:
    """Survival ratios from a life table's ``nLx`` column (last entry = ``T`` of the open group).

    ``S[0] = L0 / (z·l0)``, ``S[i] = Li / L(i-1)``, ``S[n-1] = L(n-1) / (L(n-2) + L(n-1))``.
    """
    lx = np.asarray(n_lx, dtype=np.float64).reshape(-1)
    if lx.shape[0] < 3:
        raise ValueError("a life table needs at least three age groups")
    if np.any(lx <= 0):
        raise ValueError("nLx must be positive")
    ratios = np.empty_like(lx)
    ratios[0] = lx[0] / (z * radix)
    ratios[1:-1] = lx[1:-1] / lx[:-2]
    ratios[-1] = lx[-1] / (lx[-2] + lx[-1])
    return _vector(ratios, "survival ratios")


@dataclass(frozen=True, eq=False, init=False)
class AgeSexPopulation:
    """Population counts by age group (``z`` wide, last group open) and sex."""

    female: Vector
    male: Vector
    z: int

    def __init__(self, female: ArrayLike, male: ArrayLike, z: int = 5) -> None:
        female_ = _vector(female, "female population")
        if female_.shape[0] < 2:
            raise ValueError("a projection needs at least two age groups")
        if z < 1:
            raise ValueError("z must be a positive number of years")
        object.__setattr__(self, "female", female_)
        object.__setattr__(self, "male", _vector(male, "male population", female_.shape[0]))
        object.__setattr__(self, "z", int(z))

    @property
    def age_start(self) -> NDArray[np.int64]:
        return np.arange(self.female.shape[0], dtype=np.int64) * self.z

    @property
    def total(self) -> Vector:
        return self.female + self.male


@dataclass(frozen=True, eq=False, init=False)
class StepRates:
    """Rates for one projection step of ``z`` years (see the module docstring for indexing).

    ``net_migrants_*`` are counts over the whole step, by age group at the END of the step (None = 0).
    """

    survival_female: Vector
    survival_male: Vector
    asfr: Vector
    srb: float
    net_migrants_female: Vector
    net_migrants_male: Vector

    def __init__(
        self,
        survival_female: ArrayLike,
        survival_male: ArrayLike,
        asfr: ArrayLike,
        srb: float = 1.05,
        net_migrants_female: ArrayLike | None = None,
        net_migrants_male: ArrayLike | None = None,
    ) -> None:
        sf = _vector(survival_female, "female survival ratios")
        n = sf.shape[0]
        sm = _vector(survival_male, "male survival ratios", n)
        for name, ratios in (("female", sf), ("male", sm)):
            if np.any(ratios < 0) or np.any(ratios > 1):
                raise ValueError(f"{name} survival ratios must lie in [0, 1]")
        asfr_ = _vector(asfr, "asfr", n)
        if np.any(asfr_ < 0):
            raise ValueError("asfr must not be negative")
        if asfr_[0] != 0:
            raise ValueError("the first age group cannot bear children (asfr[0] must be 0)")
        if not srb > 0:
            raise ValueError("srb must be positive")
        object.__setattr__(self, "survival_female", sf)
        object.__setattr__(self, "survival_male", sm)
        object.__setattr__(self, "asfr", asfr_)
        object.__setattr__(self, "srb", float(srb))
        for attr, value in (
            ("net_migrants_female", net_migrants_female),
            ("net_migrants_male", net_migrants_male),
        ):
            migrants = _vector(np.zeros(n) if value is None else value, attr.replace("_", " "), n)
            object.__setattr__(self, attr, migrants)

    @property
    def n(self) -> int:
        return int(self.survival_female.shape[0])

    @classmethod
    def from_life_table(
        cls,
        *,
        n_lx_female: ArrayLike,
        n_lx_male: ArrayLike,
        asfr: ArrayLike,
        z: int,
        srb: float = 1.05,
        radix: float = 100_000.0,
        net_migrants_female: ArrayLike | None = None,
        net_migrants_male: ArrayLike | None = None,
    ) -> StepRates:
        return cls(
            survival_female=survival_ratios_from_lx(n_lx_female, z=z, radix=radix),
            survival_male=survival_ratios_from_lx(n_lx_male, z=z, radix=radix),
            asfr=_vector(asfr, "asfr"),
            srb=srb,
            net_migrants_female=net_migrants_female,
            net_migrants_male=net_migrants_male,
        )


@dataclass(frozen=True, eq=False)
class ProjectionStep:
    """Population at the end of one step and the births during it."""

    year: float
    female: Vector
    male: Vector
    births_by_mother_age: Vector
    births_female: float
    births_male: float

    @property
    def births_total(self) -> float:
        return self.births_female + self.births_male


def _survive(start: Vector, survival: Vector) -> Vector:
    """Age a start population by one group; group 0 is left at 0 (filled from births)."""
    end = np.zeros_like(start)
    end[1:] = start[:-1] * survival[1:]
    end[-1] = (start[-2] + start[-1]) * survival[-1]
    return end


def project_step(
    population: AgeSexPopulation,
    rates: StepRates,
    *,
    year: float = 0.0,
    timing: MigrationTiming = "even",
    floor: float = 0.0,
) -> ProjectionStep:
    """Project one step of ``population.z`` years.

    timing "even": half the migrants join at the start (A = P + M/2) and are exposed to mortality and
    fertility, half join at the end, before births are counted. "end": all migrants join after births
    and deaths (they affect neither). "start": all join at the start. Births by mother's age are
    ``z · asfr · (A + P') / 2``. Negative results (heavy out-migration) are raised to ``floor``.
    """
    if timing not in MIGRATION_TIMINGS:
        raise ValueError(f"unknown migration timing {timing!r}")
    if rates.n != population.female.shape[0]:
        raise ValueError("rates and population have different numbers of age groups")
    z = population.z
    sexes = {
        "f": (population.female, rates.survival_female, rates.net_migrants_female),
        "m": (population.male, rates.survival_male, rates.net_migrants_male),
    }
    start: dict[str, Vector] = {}
    end: dict[str, Vector] = {}
    end_share: dict[str, Vector] = {}
    for sex, (counts, survival, migrants) in sexes.items():
        at_start = {"even": migrants / 2, "end": 0 * migrants, "start": migrants}[timing]
        at_end = {"even": migrants / 2, "end": 0 * migrants, "start": 0 * migrants}[timing]
        start[sex] = counts + at_start
        end[sex] = _survive(start[sex], survival) + at_end
        end_share[sex] = at_end
    births_by_age = z * rates.asfr * (start["f"] + end["f"]) / 2
    births = float(births_by_age.sum())
    births_female = births / (1 + rates.srb)
    births_male = births - births_female
    end["f"][0] = births_female * rates.survival_female[0] + end_share["f"][0]
    end["m"][0] = births_male * rates.survival_male[0] + end_share["m"][0]
    if timing == "end":
        end["f"] = end["f"] + rates.net_migrants_female
        end["m"] = end["m"] + rates.net_migrants_male
    female, male = (_vector(np.maximum(end[sex], floor), sex) for sex in ("f", "m"))
    return ProjectionStep(
        year=year,
        female=female,
        male=male,
        births_by_mother_age=_vector(births_by_age, "births"),
        births_female=births_female,
        births_male=births_male,
    )


@dataclass(frozen=True, eq=False)
class Projection:
    """A multi-step projection: the base population and one :class:`ProjectionStep` per step."""

    base: AgeSexPopulation
    base_year: float
    steps: tuple[ProjectionStep, ...]

    @property
    def z(self) -> int:
        return self.base.z

    @property
    def age_start(self) -> NDArray[np.int64]:
        return self.base.age_start

    @property
    def years(self) -> list[float]:
        return [step.year for step in self.steps]

    def at(self, year: float) -> ProjectionStep:
        for step in self.steps:
            if step.year == year:
                return step
        raise KeyError(year)

    def female(self) -> Vector:
        """Matrix (steps × age groups) of projected female counts, base year excluded."""
        return np.vstack([step.female for step in self.steps])

    def male(self) -> Vector:
        return np.vstack([step.male for step in self.steps])

    def births_total(self) -> Vector:
        return np.array([step.births_total for step in self.steps])

    def to_frame(self) -> pd.DataFrame:
        """Long table: year, age_start, pop_f, pop_m, births_by_mother_age, births_total_period."""
        import pandas as pd

        frames = [
            pd.DataFrame(
                {
                    "year": step.year,
                    "age_start": self.age_start,
                    "pop_f": step.female,
                    "pop_m": step.male,
                    "births_by_mother_age": step.births_by_mother_age,
                    "births_total_period": step.births_total,
                }
            )
            for step in self.steps
        ]
        return pd.concat(frames, ignore_index=True)


def project(
    base: AgeSexPopulation,
    rates: StepRates | Sequence[StepRates],
    *,
    steps: int | None = None,
    base_year: float = 0.0,
    timing: MigrationTiming = "even",
    floor: float = 0.0,
) -> Projection:
    """Project ``steps`` steps of ``base.z`` years, with constant rates or one :class:`StepRates` per step."""
    if isinstance(rates, StepRates):
        if steps is None:
            raise ValueError("give the number of steps when rates are constant")
        per_step: Sequence[StepRates] = [rates] * steps
    else:
        per_step = list(rates)
        if steps is not None and steps != len(per_step):
            raise ValueError("steps does not match the number of per-step rates")
    if steps is not None and steps < 0:
        raise ValueError("steps must not be negative")
    results: list[ProjectionStep] = []
    current = base
    for index, step_rates in enumerate(per_step, start=1):
        step = project_step(current, step_rates, year=base_year + index * base.z, timing=timing, floor=floor)
        results.append(step)
        current = AgeSexPopulation(female=step.female, male=step.male, z=base.z)
    return Projection(base=base, base_year=base_year, steps=tuple(results))


# --- School-entry forecast (single years of age) ---------------------------------------------------


@dataclass(frozen=True)
class GradeDemand:
    """Forecast entrants of one grade in one township and school year, against the places there."""

    township: str
    year: int
    grade: int
    age: int
    demand: float
    capacity: float | None
    gap: float | None  # demand − capacity; positive = shortfall of places
    utilisation: float | None  # demand / capacity; None when capacity unknown or zero


@dataclass(frozen=True, eq=False)
class SchoolForecast:
    rows: tuple[GradeDemand, ...]
    projections: Mapping[str, Projection] = field(default_factory=dict)

    def for_township(self, township: str, grade: int | None = None) -> list[GradeDemand]:
        return [r for r in self.rows if r.township == township and (grade is None or r.grade == grade)]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        columns = ["township", "year", "grade", "age", "demand", "capacity", "gap", "utilisation"]
        return pd.DataFrame([[getattr(r, c) for c in columns] for r in self.rows], columns=columns)


TownshipCounts = Mapping[str, AgeSexPopulation | Mapping[str, ArrayLike]]
RatesInput = StepRates | Sequence[StepRates]


def township_counts_from_frame(frame: pd.DataFrame) -> dict[str, AgeSexPopulation]:
    """Single-year counts from a long frame with columns ``township, age, female, male``.

    Ages must run 0, 1, …, last without gaps in every township; the last age is the open group.
    """
    missing = {"township", "age", "female", "male"} - set(frame.columns)
    if missing:
        raise ValueError(f"count table lacks columns {sorted(missing)}")
    result: dict[str, AgeSexPopulation] = {}
    for township, group in frame.groupby("township", sort=True):
        group = group.sort_values("age")
        ages = group["age"].to_numpy()
        if not np.array_equal(ages, np.arange(len(ages))):
            raise ValueError(f"township {township}: ages must run 0..{len(ages) - 1} without gaps")
        result[str(township)] = AgeSexPopulation(
            female=group["female"].to_numpy(dtype=float), male=group["male"].to_numpy(dtype=float), z=1
        )
    return result


def _as_population(township: str, counts: AgeSexPopulation | Mapping[str, Any]) -> AgeSexPopulation:
    if isinstance(counts, AgeSexPopulation):
        if counts.z != 1:
            raise ValueError(f"township {township}: school forecasts need single years of age (z = 1)")
        return counts
    return AgeSexPopulation(female=counts["female"], male=counts["male"], z=1)


def forecast_school_entry(
    counts: TownshipCounts | pd.DataFrame,
    rates: RatesInput | Mapping[str, RatesInput],
    *,
    base_year: int,
    years: int,
    capacity: Mapping[str, Mapping[int, float]] | None = None,
    entry_ages: Mapping[int, int] = DEFAULT_ENTRY_AGES,
    timing: MigrationTiming = "even",
    enrolment_share: float = 1.0,
) -> SchoolForecast:
    """Grade 1 / Grade 7 entrants per township for ``base_year + 1 … base_year + years``.

    ``counts`` are single-year ages (0 … open group) at the school-entry cut-off date of ``base_year``;
    the children of age ``entry_ages[grade]`` at the cut-off date of a year enter that grade that year.
    ``rates`` (z = 1) may be shared or given per township, constant or one per year (then at least
    ``years`` of them). ``capacity`` is places per township and grade; ``enrolment_share`` scales the
    cohort to the share expected to seek a public place.
    """
    if years < 1:
        raise ValueError("forecast at least one year")
    if not 0 <= enrolment_share <= 1:
        raise ValueError("enrolment_share must lie in [0, 1]")
    if not isinstance(counts, Mapping):
        counts = township_counts_from_frame(counts)
    rows: list[GradeDemand] = []
    projections: dict[str, Projection] = {}
    for township in sorted(counts):
        population = _as_population(township, counts[township])
        oldest = max(entry_ages.values())
        if population.female.shape[0] - 1 <= oldest:
            raise ValueError(f"township {township}: the open age group must start above age {oldest}")
        township_rates: RatesInput
        if isinstance(rates, Mapping):
            township_rates = rates[township]
        else:
            township_rates = rates
        if isinstance(township_rates, StepRates):
            projection = project(population, township_rates, steps=years, base_year=base_year, timing=timing)
        else:
            projection = project(population, list(township_rates)[:years], base_year=base_year, timing=timing)
            if len(projection.steps) < years:
                raise ValueError(f"township {township}: rates cover fewer than {years} years")
        projections[township] = projection
        places = (capacity or {}).get(township, {})
        for step in projection.steps:
            for grade, age in sorted(entry_ages.items()):
                demand = float(step.female[age] + step.male[age]) * enrolment_share
                seats = places.get(grade)
                rows.append(
                    GradeDemand(
                        township=township,
                        year=int(step.year),
                        grade=grade,
                        age=age,
                        demand=demand,
                        capacity=None if seats is None else float(seats),
                        gap=None if seats is None else demand - float(seats),
                        utilisation=demand / float(seats) if seats else None,
                    )
                )
    return SchoolForecast(rows=tuple(rows), projections=projections)
