"""Cohort-component projection against Preston et al. Box 6.2 (Sweden 1993) and ccmppWPP's outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from civitas.permits.projection import (
    AgeSexPopulation,
    StepRates,
    forecast_school_entry,
    project,
    project_step,
    survival_ratios_from_lx,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ccmpp"
RTOL = 1e-6


@pytest.fixture(scope="module")
def sweden() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "sweden1993_inputs.csv")


def _base(sweden: pd.DataFrame) -> AgeSexPopulation:
    return AgeSexPopulation(female=sweden["pop_f_1993"], male=sweden["pop_m_1993"], z=5)


def _rates(sweden: pd.DataFrame, *, migration: bool) -> StepRates:
    migrants = sweden["net_migrants_1993_1998"] if migration else None
    return StepRates.from_life_table(
        n_lx_female=sweden["nLx_f"],
        n_lx_male=sweden["nLx_f"],  # the reference sets male life table = female
        asfr=sweden["asfr"],
        z=5,
        srb=1.05,
        net_migrants_female=migrants,
        net_migrants_male=migrants,
    )


def test_survival_ratios_from_nlx_match_the_published_sx_column(sweden: pd.DataFrame) -> None:
    ratios = survival_ratios_from_lx(sweden["nLx_f"], z=5)
    np.testing.assert_allclose(ratios, sweden["survival_ratio_Sx"], rtol=1e-12)
    assert ratios[0] == pytest.approx(497487 / 500000)
    assert ratios[-1] == pytest.approx(291707 / (271512 + 291707))


def test_box_6_2_with_even_migration_matches_the_published_table_after_rounding(sweden: pd.DataFrame) -> None:
    expected = pd.read_csv(FIXTURES / "expected_box6_2_with_migration_1998.csv")
    step = project_step(_base(sweden), _rates(sweden, migration=True), year=1998, timing="even")
    np.testing.assert_array_equal(np.round(step.female), expected["published_pop_f_1998"])
    np.testing.assert_array_equal(np.round(step.male), expected["published_pop_m_1998"])
    np.testing.assert_array_equal(np.round(step.births_by_mother_age), expected["published_births_by_mother_age"])
    assert round(step.births_total, 1) == 615988.1
    assert round(step.female[0]) == 302392 and round(step.male[0]) == 317340


def test_box_6_2_unrounded_values_match_ccmppwpp(sweden: pd.DataFrame) -> None:
    expected = pd.read_csv(FIXTURES / "expected_box6_2_with_migration_1998.csv")
    step = project_step(_base(sweden), _rates(sweden, migration=True), year=1998)
    np.testing.assert_allclose(step.female, expected["ccmppWPP_pop_f_1998"], rtol=RTOL)
    np.testing.assert_allclose(step.male, expected["ccmppWPP_pop_m_1998"], rtol=RTOL)
    births = expected["ccmppWPP_births"].to_numpy()
    np.testing.assert_allclose(step.births_by_mother_age, births, rtol=RTOL)
    assert step.births_female == pytest.approx(births.sum() / 2.05, rel=RTOL)


@pytest.mark.parametrize(
    ("filename", "migration"),
    [
        ("expected_closed_constant_rates_1998_2018_ccmppWPP.csv", False),
        ("expected_with_migration_constant_1998_2018_ccmppWPP.csv", True),
    ],
)
def test_five_steps_with_constant_rates_match_ccmppwpp_for_every_age_sex_and_year(
    sweden: pd.DataFrame, filename: str, migration: bool
) -> None:
    expected = pd.read_csv(FIXTURES / filename)
    projection = project(_base(sweden), _rates(sweden, migration=migration), steps=5, base_year=1993)
    assert projection.years == [1998, 2003, 2008, 2013, 2018]
    for year, rows in expected.groupby("year"):
        step = projection.at(year)
        np.testing.assert_array_equal(projection.age_start, rows["age_start"])
        np.testing.assert_allclose(step.female, rows["pop_f"], rtol=RTOL, err_msg=f"female {year}")
        np.testing.assert_allclose(step.male, rows["pop_m"], rtol=RTOL, err_msg=f"male {year}")
        assert step.births_total == pytest.approx(rows["births_total_period"].iloc[0], rel=RTOL)
    # The school-age groups 5-9 and 10-14 of 2003-2018 were born inside the projection.
    frame = projection.to_frame()
    merged = frame.merge(expected, on=["year", "age_start"], suffixes=("", "_expected"))
    assert len(merged) == len(expected) == 5 * 18


def test_per_step_rates_give_the_same_result_as_constant_rates(sweden: pd.DataFrame) -> None:
    rates = _rates(sweden, migration=True)
    constant = project(_base(sweden), rates, steps=3)
    per_step = project(_base(sweden), [rates, rates, rates])
    np.testing.assert_array_equal(constant.female(), per_step.female())
    np.testing.assert_array_equal(constant.male(), per_step.male())


def test_per_step_rates_are_used_in_their_own_step(sweden: pd.DataFrame) -> None:
    closed, open_ = _rates(sweden, migration=False), _rates(sweden, migration=True)
    mixed = project(_base(sweden), [open_, closed])
    first = project_step(_base(sweden), open_)
    second = project_step(AgeSexPopulation(first.female, first.male, z=5), closed)
    np.testing.assert_array_equal(mixed.steps[1].female, second.female)


def test_migration_at_the_end_of_the_interval_matches_ccmppwpp(sweden: pd.DataFrame) -> None:
    expected = pd.read_csv(FIXTURES / "expected_migration_at_end_1998_ccmppWPP.csv")
    step = project_step(_base(sweden), _rates(sweden, migration=True), year=1998, timing="end")
    np.testing.assert_allclose(step.female, expected["pop_f_1998"], rtol=RTOL)
    np.testing.assert_allclose(step.male, expected["pop_m_1998"], rtol=RTOL)
    np.testing.assert_allclose(step.births_by_mother_age, expected["births"], rtol=RTOL)
    # Migrants at the end do not change births: total equals the closed projection's 604,866.4.
    assert step.births_total == pytest.approx(604866.362506514, rel=RTOL)


def test_migration_at_the_start_equals_a_closed_projection_of_the_enlarged_population(
    sweden: pd.DataFrame,
) -> None:
    migrants = sweden["net_migrants_1993_1998"].to_numpy()
    with_start = project_step(_base(sweden), _rates(sweden, migration=True), timing="start")
    enlarged = AgeSexPopulation(sweden["pop_f_1993"] + migrants, sweden["pop_m_1993"] + migrants, z=5)
    closed = project_step(enlarged, _rates(sweden, migration=False))
    np.testing.assert_allclose(with_start.female, closed.female, rtol=1e-12)
    np.testing.assert_allclose(with_start.births_by_mother_age, closed.births_by_mother_age, rtol=1e-12)


def test_single_year_step_matches_a_hand_computation() -> None:
    """Four single-year groups 0, 1, 2, 3+; z = 1, SRB = 1.25, migration "even".

    Female: P = [100, 90, 80, 200], M = [10, 0, -20, 4], S = [0.9, 0.95, 0.9, 0.8], asfr = [0, .2, .5, 0]
      A  = P + M/2                  = [105, 90, 70, 202]
      P'1 = 105·0.95 + 0/2          = 99.75
      P'2 = 90·0.9 − 20/2           = 71
      P'3+ = (70 + 202)·0.8 + 4/2   = 219.6
      B1 = 1·0.2·(90 + 99.75)/2     = 18.975
      B2 = 1·0.5·(70 + 71)/2        = 35.25       B = 54.225
      female births = 54.225/2.25   = 24.1        male births = 30.125
      P'0 = 24.1·0.9 + 10/2         = 26.69
    Male: P = [110, 95, 85, 190], M = [0, 6, 0, -10], S = [0.88, 0.94, 0.9, 0.75]
      A  = [110, 98, 85, 185]
      P'0 = 30.125·0.88 = 26.51;  P'1 = 110·0.94 + 3 = 106.4;  P'2 = 98·0.9 = 88.2
      P'3+ = (85 + 185)·0.75 − 5 = 197.5
    """
    base = AgeSexPopulation(female=[100, 90, 80, 200], male=[110, 95, 85, 190], z=1)
    rates = StepRates(
        survival_female=[0.9, 0.95, 0.9, 0.8],
        survival_male=[0.88, 0.94, 0.9, 0.75],
        asfr=[0, 0.2, 0.5, 0],
        srb=1.25,
        net_migrants_female=[10, 0, -20, 4],
        net_migrants_male=[0, 6, 0, -10],
    )
    step = project_step(base, rates, year=2025, timing="even")
    np.testing.assert_allclose(step.female, [26.69, 99.75, 71, 219.6], rtol=1e-12)
    np.testing.assert_allclose(step.male, [26.51, 106.4, 88.2, 197.5], rtol=1e-12)
    np.testing.assert_allclose(step.births_by_mother_age, [0, 18.975, 35.25, 0], rtol=1e-12)
    assert step.births_female == pytest.approx(24.1)
    assert step.births_male == pytest.approx(30.125)
    assert list(base.age_start) == [0, 1, 2, 3]


def test_heavy_out_migration_cannot_make_a_group_negative() -> None:
    base = AgeSexPopulation(female=[10, 10, 10], male=[10, 10, 10], z=1)
    rates = StepRates([1, 1, 1], [1, 1, 1], [0, 0, 0], net_migrants_female=[0, -50, 0])
    step = project_step(base, rates, timing="end")
    assert step.female[1] == 0.0


def test_it_rejects_rates_and_population_of_different_lengths() -> None:
    base = AgeSexPopulation(female=[1, 2, 3], male=[1, 2, 3], z=1)
    with pytest.raises(ValueError, match="age groups"):
        project_step(base, StepRates([1, 1], [1, 1], [0, 0]))
    with pytest.raises(ValueError, match="asfr"):
        StepRates([1, 1], [1, 1], [0.1, 0])
    with pytest.raises(ValueError, match="timing"):
        project_step(base, StepRates([1, 1, 1], [1, 1, 1], [0, 0, 0]), timing="middle")  # type: ignore[arg-type]


# --- School-entry forecast ----------------------------------------------------------------------------


def _still_rates(n: int, asfr: list[float] | None = None) -> StepRates:
    """No deaths, no migration: cohorts just age, so demand is readable off the base table."""
    return StepRates(np.ones(n), np.ones(n), np.zeros(n) if asfr is None else asfr, srb=1.05)


def test_grade_demand_follows_the_cohorts_already_born() -> None:
    ages = np.arange(15)  # 0..13, 14+ open
    counts = {"稠城": AgeSexPopulation(female=ages * 10.0, male=ages * 11.0, z=1)}
    forecast = forecast_school_entry(
        counts, _still_rates(15), base_year=2025, years=3, capacity={"稠城": {1: 100, 7: 300}}
    )
    grade1 = forecast.for_township("稠城", grade=1)
    assert [row.year for row in grade1] == [2026, 2027, 2028]
    # Age 6 in 2026 was age 5 in 2025: 5·10 + 5·11 = 105; then ages 4 and 3.
    assert [row.demand for row in grade1] == pytest.approx([105, 84, 63])
    assert grade1[0].gap == pytest.approx(5) and grade1[0].utilisation == pytest.approx(1.05)
    grade7 = forecast.for_township("稠城", grade=7)
    assert [row.demand for row in grade7] == pytest.approx([231, 210, 189])  # ages 11, 10, 9
    assert grade7[2].gap == pytest.approx(-111)


def test_grade_1_demand_beyond_six_years_comes_from_projected_births() -> None:
    """Only 100 women aged 20+ with asfr 0.1 and no deaths: 0.1·(100 + 100)/2 = 10 births a year."""
    female = np.zeros(21)
    female[20] = 100
    counts = {"江东": {"female": female, "male": np.zeros(21)}}
    asfr = [0.0] * 20 + [0.1]
    forecast = forecast_school_entry(counts, _still_rates(21, asfr), base_year=2025, years=8)
    demand = [row.demand for row in forecast.for_township("江东", grade=1)]
    assert demand == pytest.approx([0, 0, 0, 0, 0, 0, 10, 10])
    assert forecast.for_township("江东", grade=1)[0].capacity is None


def test_a_long_count_table_gives_the_same_forecast_as_a_dict() -> None:
    ages = np.arange(15)
    frame = pd.DataFrame(
        {
            "township": ["稠城"] * 15 + ["江东"] * 15,
            "age": np.concatenate([ages, ages]),
            "female": np.concatenate([ages * 10.0, ages * 2.0]),
            "male": np.concatenate([ages * 11.0, ages * 3.0]),
        }
    ).sample(frac=1, random_state=1)
    as_dict = {
        "稠城": {"female": ages * 10.0, "male": ages * 11.0},
        "江东": {"female": ages * 2.0, "male": ages * 3.0},
    }
    rates: dict[str, StepRates | list[StepRates]] = {"稠城": _still_rates(15), "江东": [_still_rates(15)] * 2}
    from_frame = forecast_school_entry(frame, rates, base_year=2025, years=2).to_frame()
    from_dict = forecast_school_entry(as_dict, rates, base_year=2025, years=2).to_frame()
    pd.testing.assert_frame_equal(from_frame, from_dict)
    assert set(from_frame["township"]) == {"稠城", "江东"}


def test_a_count_table_with_a_missing_age_is_rejected() -> None:
    frame = pd.DataFrame({"township": ["a"] * 3, "age": [0, 1, 3], "female": [1] * 3, "male": [1] * 3})
    with pytest.raises(ValueError, match="without gaps"):
        forecast_school_entry(frame, _still_rates(3), base_year=2025, years=1)
