"""The engine reproduces COINr 1.1.14 on the ASEM index and the mini example (fixtures/coinr)."""

from __future__ import annotations

import pandas as pd
import pytest

from civitas.insight.coin import (
    Coin,
    Normalisation,
    PipelineOptions,
    TreatmentOptions,
    build_coin,
    compute_from_files,
)
from civitas.insight.tests.reference_data import (
    FIXTURES,
    asem_framework,
    assert_frames_match,
    mini_framework,
    read,
    screened_coin,
)

OFFICIAL = PipelineOptions(impute="group_mean", impute_group="EurAsia_group", screen_threshold=0.9)


@pytest.fixture(scope="module")
def official() -> Coin:
    return build_coin(asem_framework(), read("asem_iData_raw.csv").reset_index(), OFFICIAL)


@pytest.mark.parametrize(
    ("dataset", "fixture"),
    [
        ("Denominated", "asem_official_denominated.csv"),
        ("Imputed", "asem_official_imputed.csv"),
        ("Screened", "asem_official_screened.csv"),
        ("Treated", "asem_official_treated.csv"),
        ("Normalised", "asem_official_normalised.csv"),
        ("Aggregated", "asem_official_aggregated.csv"),
    ],
)
def test_every_stage_of_the_official_pipeline_matches_coinr(
    official: Coin, dataset: str, fixture: str
) -> None:
    assert_frames_match(official.dataset(dataset), read(fixture))


def test_the_official_pipeline_keeps_every_stage_in_order(official: Coin) -> None:
    assert list(official.data) == [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ]
    assert official.screening is not None and official.screening.removed == []


def test_the_treatment_details_match_coinr(official: Coin) -> None:
    expected = read("asem_official_treatment_details.csv").set_index("iCode")
    assert official.treatment is not None
    details = official.treatment.details
    assert list(details.index) == list(expected.index)
    for column in expected.columns:
        wanted, got = expected[column], details[column]
        if column.endswith(".Pass"):
            assert (
                got.where(wanted.notna()).dropna().astype(bool).equals(wanted.dropna().astype(bool))
            ), column
            assert got[wanted.isna()].isna().all(), column
        else:
            pd.testing.assert_series_equal(
                got.astype(float), wanted.astype(float), rtol=1e-9, check_names=False
            )
    assert "transform" not in details.columns  # every failing indicator passed after winsorising
    assert official.treatment.treated_indicators == list(expected.index[~expected["check_SkewKurt0.Pass"]])


def test_the_winsorised_points_are_marked(official: Coin) -> None:
    assert official.treatment is not None
    points = official.treatment.points
    assert (points["Bord"] == "winhi").sum() == 3
    assert (points["FemLab"] == "winlo").sum() == 1
    assert (points["LPI"] == "").all()


def test_the_official_scores_and_ranks_match_coinr(official: Coin) -> None:
    results = official.results()
    expected_scores = read("expected_official_results_scores.csv")
    assert_frames_match(results.scores, expected_scores.drop(columns="Rank"))
    assert list(results.scores.index) == list(expected_scores.index)
    assert (results.ranks.loc[expected_scores.index, "Index"] == expected_scores["Rank"]).all()
    expected_ranks = read("expected_official_results_ranks.csv")
    assert (results.ranks.loc[expected_ranks.index, expected_ranks.columns] == expected_ranks).all().all()


def test_the_published_vignette_numbers_are_reproduced_to_two_decimals(official: Coin) -> None:
    published = read("published_vignette_excerpt.csv").drop(columns="source")
    table = official.results().table().loc[published.index, published.columns]
    assert (table["Rank"] == published["Rank"]).all()
    scores = published.columns.drop("Rank")
    assert (table[scores].round(2) - published[scores]).abs().max().max() < 1e-9


def test_computing_from_files_gives_the_official_results() -> None:
    results = compute_from_files(
        FIXTURES / "asem_iMeta.csv",
        FIXTURES / "asem_iData_raw.csv",
        {"impute": "group_mean", "impute_group": "EurAsia_group", "screen_threshold": 0.9},
    )
    assert_frames_match(results.scores, read("expected_official_results_scores.csv").drop(columns="Rank"))


def _v4_weights() -> dict[str, float]:
    table = pd.read_csv(FIXTURES / "V4_weights.csv")
    return dict(zip(table["iCode"], table["Weight"].astype(float), strict=True))


VARIANTS = {
    "V1_minmax0-100_amean": (Normalisation("minmax", 0, 100), "arithmetic", None),
    "V2_zscore0-1_amean": (Normalisation("zscore", mean=0, sd=1), "arithmetic", None),
    "V3_minmax1-100_gmean": (Normalisation("minmax", 1, 100), "geometric", None),
    "V4_minmax0-100_amean_unequalw": (Normalisation("minmax", 0, 100), "arithmetic", "V4"),
}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant(request: pytest.FixtureRequest) -> tuple[str, Coin]:
    spec, method, weights = VARIANTS[request.param]
    coin = screened_coin().normalise(spec).aggregate(method, weights=_v4_weights() if weights else None)
    return request.param, coin


def test_each_variant_normalises_like_coinr(variant: tuple[str, Coin]) -> None:
    name, coin = variant
    assert_frames_match(coin.dataset("Normalised"), read(f"expected_{name}_normalised.csv"))


def test_each_variant_aggregates_like_coinr(variant: tuple[str, Coin]) -> None:
    name, coin = variant
    assert_frames_match(coin.dataset("Aggregated"), read(f"expected_{name}_aggregated.csv"))


def test_each_variant_ranks_like_coinr(variant: tuple[str, Coin]) -> None:
    name, coin = variant
    expected = read(f"expected_{name}_results.csv")
    results = coin.results()
    assert list(results.scores.index) == list(expected.index)
    assert (results.ranks["Index"].loc[expected.index] == expected["Rank"]).all()
    assert_frames_match(results.scores, expected.drop(columns="Rank"))


def test_the_mini_example_with_minmax_and_arithmetic_mean_matches_coinr() -> None:
    coin = Coin.new(mini_framework(), read("mini_iData.csv").reset_index())
    coin.normalise(Normalisation("minmax", 0, 100)).aggregate("arithmetic")
    assert_frames_match(coin.dataset("Normalised"), read("mini_expected_minmax_normalised.csv"))
    assert_frames_match(coin.dataset("Aggregated"), read("mini_expected_minmax_amean_aggregated.csv"))
    assert coin.dataset("Aggregated")["Index"].round(5).to_dict() == {
        "AUT": 66.03733,
        "BEL": 42.40588,
        "CHN": 23.54420,
        "DEU": 49.01084,
        "IND": 72.96187,
        "JPN": 31.69819,
    }


def test_the_mini_example_with_zscore_and_geometric_mean_matches_coinr() -> None:
    coin = Coin.new(mini_framework(), read("mini_iData.csv").reset_index())
    coin.normalise(Normalisation("zscore", mean=10, sd=2)).aggregate("geometric")
    assert_frames_match(coin.dataset("Normalised"), read("mini_expected_zscore10-2_normalised.csv"))
    assert_frames_match(coin.dataset("Aggregated"), read("mini_expected_zscore10-2_gmean_aggregated.csv"))


def test_the_default_treatment_options_are_coinrs() -> None:
    assert TreatmentOptions() == TreatmentOptions(
        winmax=5, skew_threshold=2.0, kurtosis_threshold=3.5, transform="log_CT", combine=False
    )
