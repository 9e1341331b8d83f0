"""Monte Carlo uncertainty and sensitivity analysis: reproducible, true to the nominal results, fast."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from civitas.insight.coin import (
    Coin,
    Framework,
    NonPositiveValueError,
    Normalisation,
    OptionsError,
    run_sensitivity,
)
from civitas.insight.coin.results import rank_descending
from civitas.insight.coin.sensitivity import first_order_indices
from civitas.insight.tests.reference_data import mini_framework, read, screened_coin


@pytest.fixture(scope="module")
def asem() -> Coin:
    return screened_coin().normalise(Normalisation("minmax", 1, 100)).aggregate("arithmetic")


def test_the_same_seed_gives_the_same_analysis(asem: Coin) -> None:
    first = run_sensitivity(asem, runs=200, weight_noise=0.3, seed=7)
    second = run_sensitivity(asem, runs=200, weight_noise=0.3, seed=7)
    other = run_sensitivity(asem, runs=200, weight_noise=0.3, seed=8)
    assert np.array_equal(first.ranks, second.ranks)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    assert not np.array_equal(first.ranks, other.ranks)


def test_without_noise_or_method_choice_every_run_reproduces_the_nominal_ranks(asem: Coin) -> None:
    result = run_sensitivity(asem, runs=20, weight_noise=0.0, seed=1)
    nominal = asem.results().ranks["Index"]
    assert (result.ranks == nominal.loc[result.units].to_numpy()).all()
    np.testing.assert_allclose(
        result.scores[0], asem.dataset("Aggregated").loc[result.units, "Index"], rtol=1e-12
    )
    summary = result.summary
    assert (summary["median_rank"] == summary["nominal_rank"]).all()
    assert (summary["rank_q05"] == summary["rank_q95"]).all()


def test_each_unit_gets_a_median_rank_and_a_5_to_95_percent_interval(asem: Coin) -> None:
    result = run_sensitivity(
        asem,
        runs=300,
        weight_noise=0.25,
        normalisations=[Normalisation("minmax", 1, 100), Normalisation("rank")],
        aggregations=["arithmetic", "geometric"],
        seed=3,
    )
    summary = result.summary
    assert len(summary) == 51 and summary.index[0] == "CHE"
    assert (summary["rank_q05"] <= summary["median_rank"]).all()
    assert (summary["median_rank"] <= summary["rank_q95"]).all()
    assert summary[["rank_q05", "rank_q95"]].min().min() >= 1 and summary["rank_q95"].max() <= 51
    assert result.ranks.shape == (300, 51)
    assert set(result.factors["normalisation"]) == {"minmax[1,100]", "rank"}
    assert set(result.factors["aggregation"]) == {"arithmetic", "geometric"}


def test_removing_an_indicator_shifts_ranks_and_is_reported_per_indicator(asem: Coin) -> None:
    removal = run_sensitivity(asem, runs=10, weight_noise=0.1, seed=1).removal
    assert len(removal) == 49
    assert (removal > 0).all()
    assert removal.is_monotonic_decreasing


def test_an_indicator_alone_under_its_parent_takes_the_parent_out_when_removed() -> None:
    framework = Framework.from_records(
        [
            {"code": "I"},
            {"code": "A", "parent": "I"},
            {"code": "B", "parent": "I"},
            {"code": "a1", "parent": "A"},
            {"code": "a2", "parent": "A"},
            {"code": "b", "parent": "B"},
        ]
    )
    data = pd.DataFrame(
        {"uCode": list("pqrs"), "a1": [1.0, 2, 3, 4], "a2": [4.0, 1, 2, 3], "b": [1.0, 4, 3, 2]}
    )
    coin = Coin.new(framework, data).normalise().aggregate()
    removal = run_sensitivity(coin, runs=5, seed=0).removal
    assert set(removal.index) == {"a1", "a2", "b"}
    aggregated = coin.dataset("Aggregated")
    pillar_a_alone = rank_descending(aggregated["A"].to_numpy())
    nominal = rank_descending(aggregated["I"].to_numpy())
    assert removal["b"] == pytest.approx(np.abs(pillar_a_alone - nominal).mean())


def test_the_method_choice_that_drives_the_ranks_gets_the_largest_first_order_index(asem: Coin) -> None:
    result = run_sensitivity(
        asem,
        runs=400,
        weight_noise=0.02,
        normalisations=[Normalisation("minmax", 1, 100), Normalisation("rank")],
        seed=5,
    )
    assert result.first_order.index[0] == "normalisation"
    assert result.first_order["normalisation"] > 0.9


def test_the_binning_estimate_finds_a_factor_that_the_output_depends_on() -> None:
    rng = np.random.default_rng(0)
    factors = pd.DataFrame({"x": rng.uniform(size=5000), "noise": rng.uniform(size=5000)})
    indices = first_order_indices(factors, factors["x"].to_numpy() ** 2)
    assert indices["x"] > 0.95 and indices["noise"] < 0.01


def test_geometric_runs_over_zero_valued_normalised_data_fail_before_running(asem: Coin) -> None:
    with pytest.raises(NonPositiveValueError):
        run_sensitivity(
            asem, runs=10, normalisations=[Normalisation("minmax", 0, 100)], aggregations=["geometric"]
        )


def test_sensitivity_needs_an_aggregated_coin_and_sane_options(asem: Coin) -> None:
    with pytest.raises(OptionsError):
        run_sensitivity(Coin.new(mini_framework(), read("mini_iData.csv").reset_index()))
    with pytest.raises(OptionsError):
        run_sensitivity(asem, weight_noise=1.5)
    with pytest.raises(OptionsError):
        run_sensitivity(asem, perturb=["Nope"])


def test_a_thousand_runs_over_558_units_and_40_indicators_take_well_under_a_minute() -> None:
    rng = np.random.default_rng(11)
    records = [{"code": "Index"}]
    records += [{"code": f"D{d}", "parent": "Index"} for d in range(4)]
    records += [{"code": f"S{d}{s}", "parent": f"D{d}"} for d in range(4) for s in range(2)]
    indicators = [f"I{d}{s}{i}" for d in range(4) for s in range(2) for i in range(5)]
    records += [{"code": code, "parent": f"S{code[1:3]}"} for code in indicators]
    data = pd.DataFrame(rng.lognormal(size=(558, 40)), columns=indicators)
    data.insert(0, "uCode", [f"YW{i:04d}" for i in range(558)])
    coin = (
        Coin.new(Framework.from_records(records), data).normalise(Normalisation("minmax", 1, 100)).aggregate()
    )
    started = time.perf_counter()
    result = run_sensitivity(
        coin,
        runs=1000,
        weight_noise=0.25,
        normalisations=[Normalisation("minmax", 1, 100), Normalisation("zscore", mean=10, sd=2)],
        aggregations=["arithmetic", "geometric"],
        seed=2024,
    )
    elapsed = time.perf_counter() - started
    assert result.ranks.shape == (1000, 558)
    assert elapsed < 20, f"{elapsed:.1f} s"
