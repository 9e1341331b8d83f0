"""School-age monitoring and the Grade 1 / Grade 7 forecast per township, from the registry.

Counts: people by township (first 9 digits of where they live), single year of age on 31 August of
the base year, and sex, aggregated in the database. The projection (`projection.forecast_school_entry`)
uses the assumptions below (stored under "forecast" in the permit rules): a flat fertility schedule
reaching the given total fertility rate, a simple survival schedule and net migration as a share of each
age group per year. Charts are matplotlib SVG; the export is an xlsx workbook.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from civitas.permits.projection import SchoolForecast, StepRates, forecast_school_entry

OPEN_AGE = 50  # ages 0..49 single years, 50+ open (mothers' ages must be inside the table)


@dataclass(frozen=True)
class Assumptions:
    tfr: float = 1.1
    srb: float = 1.08
    net_migration_rate: float = 0.0  # share of each age group gained per year (negative = loss)
    enrolment_share: float = 1.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Assumptions:
        data = dict(data or {})
        return cls(**{k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def rates(assumptions: Assumptions, base: Mapping[str, np.ndarray] | None = None) -> StepRates:
    n = OPEN_AGE + 1
    asfr = np.zeros(n)
    asfr[20:40] = assumptions.tfr / 20  # women aged 20–39, equal rates
    survival = np.full(n, 0.9995)
    survival[0] = 0.995
    survival[40:] = 0.997
    survival[-1] = 0.98
    migrants_f = migrants_m = None
    if base is not None and assumptions.net_migration_rate:
        migrants_f = base["female"] * assumptions.net_migration_rate
        migrants_m = base["male"] * assumptions.net_migration_rate
    return StepRates(
        survival_female=survival,
        survival_male=survival,
        asfr=asfr,
        srb=assumptions.srb,
        net_migrants_female=migrants_f,
        net_migrants_male=migrants_m,
    )


def age_counts(scope_code: str, base_year: int) -> dict[str, dict[str, np.ndarray]]:
    """{township: {"female": counts by age 0..50+, "male": …}} on 31 August of `base_year`."""
    from civitas.people.models import Person

    cutoff = datetime.date(base_year, 8, 31)
    rows = (
        Person.objects.in_scope(scope_code)
        .filter(division__isnull=False, birth_date__lte=cutoff)
        .annotate(township=Substr("division_id", 1, 9))
        .values("township", "birth_date", "sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, dict[str, np.ndarray]] = defaultdict(
        lambda: {"female": np.zeros(OPEN_AGE + 1), "male": np.zeros(OPEN_AGE + 1)}
    )
    for row in rows:
        birth = row["birth_date"]
        age = cutoff.year - birth.year - ((cutoff.month, cutoff.day) < (birth.month, birth.day))
        sex = "female" if row["sex"] == "F" else "male"
        out[row["township"]][sex][min(age, OPEN_AGE)] += row["n"]
    return dict(out)


def capacity_by_township(scope_code: str) -> dict[str, dict[int, float]]:
    from civitas.permits.models import School

    places: dict[str, dict[int, float]] = defaultdict(lambda: {1: 0.0, 7: 0.0})
    for school in School.objects.in_scope(scope_code):
        places[school.township_id][1] += school.grade1_places
        places[school.township_id][7] += school.grade7_places
    return dict(places)


def school_forecast(
    scope_code: str, base_year: int, years: int, assumptions: Assumptions
) -> tuple[dict[str, dict[str, np.ndarray]], SchoolForecast]:
    counts = {t: c for t, c in age_counts(scope_code, base_year).items() if len(t) == 9}
    if not counts:
        return counts, SchoolForecast(rows=())
    per_township = {t: rates(assumptions, c) for t, c in counts.items()}
    forecast = forecast_school_entry(
        counts,
        per_township,
        base_year=base_year,
        years=years,
        capacity=capacity_by_township(scope_code),
        enrolment_share=assumptions.enrolment_share,
    )
    return counts, forecast


def chart_svg(forecast: SchoolForecast, township: str, title: str) -> str:
    """Demand and places for Grade 1 and Grade 7 by year, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    for grade, colour in ((1, "#8c1d18"), (7, "#1f5f99")):
        rows = forecast.for_township(township, grade)
        if not rows:
            continue
        years = [r.year for r in rows]
        ax.plot(
            years,
            [r.demand for r in rows],
            marker="o",
            color=colour,
            label=str(_("Grade {grade}: demand").format(grade=grade)),
        )
        if rows[0].capacity is not None:
            ax.plot(
                years,
                [r.capacity or 0.0 for r in rows],
                linestyle="--",
                color=colour,
                label=str(_("Grade {grade}: places").format(grade=grade)),
            )
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(str(_("school year")))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    buffer = io.StringIO()
    # Text stays text in the SVG, drawn by the browser's fonts: Chinese names and translated labels
    # render in every language (matplotlib's own font has no CJK or Arabic glyphs).
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.find("<svg") :]


def xlsx(counts: Mapping[str, Mapping[str, np.ndarray]], forecast: SchoolForecast, names: Mapping[str, str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "forecast"
    # Headers in the reader's language; sheet names stay fixed for scripts that read the workbook.
    ws.append(
        [
            str(h)
            for h in (
                _("township code"),
                _("township"),
                _("year"),
                _("grade"),
                _("entry age"),
                _("demand"),
                _("places"),
                _("gap"),
                _("utilisation"),
            )
        ]
    )
    for r in forecast.rows:
        ws.append(
            [
                r.township,
                names.get(r.township, ""),
                r.year,
                r.grade,
                r.age,
                round(r.demand, 1),
                r.capacity,
                None if r.gap is None else round(r.gap, 1),
                None if r.utilisation is None else round(r.utilisation, 3),
            ]
        )
    ages = wb.create_sheet("children by age")
    ages.append([str(h) for h in (_("township code"), _("township"), _("age"), _("female"), _("male"), _("total"))])
    for township in sorted(counts):
        for age in range(0, 19):
            f, m = int(counts[township]["female"][age]), int(counts[township]["male"][age])
            ages.append([township, names.get(township, ""), age, f, m, f + m])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
