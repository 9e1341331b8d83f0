"""Each stage on small, hand-checkable data: framework, denominate, impute, screen, treat, normalise,
aggregate, results and CSV/JSON input-output."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from civitas.insight.coin import (
    Coin,
    Framework,
    Normalisation,
    TreatmentOptions,
    aggregate,
    compute_from_files,
    denominate,
    impute,
    normalise,
    rank_descending,
    read_framework,
    screen_units,
    treat,
    write_results_csv,
    write_results_json,
)
from civitas.insight.coin.treat import kurtosis, log_transform, skewness, winsorise
from civitas.insight.tests.reference_data import FIXTURES, asem_framework, mini_framework

TREE = {
    "code": "Index",
    "name": {"en": "Civic index", "zh": "市民指数"},
    "children": [
        {
            "code": "Safety",
            "weight": 2,
            "children": [
                {
                    "code": "Crime",
                    "direction": -1,
                    "unit": "per 1000",
                    "denominator": "Pop",
                    "source": "police",
                },
                {"code": "Lights", "weight": 3},
            ],
        },
        {"code": "Service", "children": [{"code": "Wait", "direction": -1}]},
    ],
}


def small_framework() -> Framework:
    return Framework.from_dict(TREE)


# -- framework -------------------------------------------------------------------------------------


def test_a_nested_dict_builds_a_tree_with_levels_from_the_bottom() -> None:
    framework = small_framework()
    assert framework.root == "Index"
    assert framework.indicators == ["Crime", "Lights", "Wait"]
    assert framework.aggregates == ["Safety", "Service", "Index"]
    assert [framework.nodes[code].level for code in ("Crime", "Safety", "Index")] == [1, 2, 3]
    assert framework.children("Safety") == ["Crime", "Lights"]
    crime = framework.nodes["Crime"]
    assert (crime.direction, crime.unit, crime.denominator, crime.source) == (-1, "per 1000", "Pop", "police")


def test_node_names_are_kept_per_language_with_a_fallback() -> None:
    index = small_framework().nodes["Index"]
    assert index.label("zh") == "市民指数"
    assert index.label("fr") == "Civic index"
    assert small_framework().nodes["Wait"].label("zh") == "Wait"


def test_flat_records_and_the_coinr_table_build_the_same_kind_of_tree() -> None:
    records = Framework.from_records(
        [
            {"code": "Index"},
            {"code": "A", "parent": "Index", "weight": 1, "name_zh": "甲"},
            {"code": "x", "parent": "A", "direction": -1},
            {"code": "y", "parent": "A"},
        ]
    )
    assert records.indicators == ["x", "y"]
    assert records.nodes["A"].label("zh") == "甲"
    asem = asem_framework()
    assert len(asem.indicators) == 49
    assert asem.codes_at_level(2) == [
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    assert asem.nodes["Flights"].denominator == "Population"
    assert asem.nodes["NEET"].direction == -1


def test_the_lineage_table_matches_coinrs() -> None:
    lineage = asem_framework().lineage()
    expected = pd.read_csv(FIXTURES / "asem_lineage.csv").set_index("Indicator")
    assert lineage.loc[expected.index].to_numpy().tolist() == expected.reset_index().to_numpy().tolist()


def test_weights_can_be_replaced_without_touching_the_original() -> None:
    framework = small_framework()
    heavier = framework.with_weights({"Wait": 5})
    assert heavier.nodes["Wait"].weight == 5
    assert framework.nodes["Wait"].weight == 1


# -- denominate, impute, screen ---------------------------------------------------------------------------


def test_denominate_divides_only_indicators_that_have_a_denominator() -> None:
    data = pd.DataFrame({"Crime": [10.0, 30.0], "Lights": [4.0, 5.0], "Wait": [1.0, 2.0]}, index=["a", "b"])
    result = denominate(data, pd.DataFrame({"Pop": [2.0, 3.0]}, index=["a", "b"]), small_framework())
    assert result["Crime"].tolist() == [5.0, 10.0]
    assert result["Lights"].tolist() == [4.0, 5.0]


def test_impute_fills_with_the_group_mean_or_the_overall_mean_or_median() -> None:
    data = pd.DataFrame({"x": [1.0, np.nan, 3.0, 10.0, np.nan, 20.0, 100.0]})
    groups = pd.Series(["E", "E", "E", "A", "A", "A", "A"], name="g")
    assert impute(data, "group_mean", groups)["x"].tolist()[1::3] == [2.0, 130 / 3]
    assert impute(data, "mean")["x"][1] == pytest.approx(134 / 5)
    assert impute(data, "median")["x"][4] == 10.0


def test_screening_drops_units_below_the_data_availability_threshold() -> None:
    data = pd.DataFrame({"x": [1.0, np.nan, 3.0], "y": [1.0, np.nan, np.nan]}, index=["a", "b", "c"])
    screened = screen_units(data, 0.5)
    assert list(screened.data.index) == ["a", "c"]
    assert screened.removed == ["b"]
    assert screened.availability.tolist() == [1.0, 0.0, 0.5]


# -- treat -----------------------------------------------------------------------------------------


def test_skew_and_kurtosis_are_the_unbiased_sample_statistics() -> None:
    values = np.random.default_rng(3).lognormal(size=40)
    assert skewness(values) == pytest.approx(stats.skew(values, bias=False), rel=1e-12)
    assert kurtosis(values) == pytest.approx(stats.kurtosis(values, bias=False), rel=1e-12)


def test_winsorising_moves_the_largest_point_to_the_next_value_until_it_passes() -> None:
    values = np.array([*range(1, 11), 30.0, 100.0])
    treated, count, marks = winsorise(values, TreatmentOptions(winmax=5))
    assert count == 1
    assert treated.tolist() == [*range(1, 11), 30.0, 30.0]
    assert list(marks[-2:]) == ["", "winhi"]


def test_winsorising_counts_the_points_tied_at_the_boundary_as_coinr_does() -> None:
    values = np.array([*range(1, 21), 100.0, 1000.0])
    treated, count, marks = winsorise(values, TreatmentOptions(winmax=5))
    assert count == 2
    assert treated.max() == 20.0
    assert list(marks[-3:]) == ["", "winhi", "winhi"]


def test_an_indicator_still_failing_after_winsorising_is_log_transformed_from_its_original_values() -> None:
    values = np.array([*range(1, 21), 100.0, 1000.0])
    result = treat(pd.DataFrame({"x": values}), TreatmentOptions(winmax=1))
    expected = np.log(values - 1 + 0.01 * 999)
    np.testing.assert_allclose(result.data["x"], expected, rtol=1e-15)
    details = result.details.loc["x"]
    assert details["winsorise.nwin"] == 1
    assert not details["check_SkewKurt1.Pass"]
    assert details["transform"] == "log_CT"
    assert details["check_SkewKurt2.Skew"] == pytest.approx(skewness(expected))
    assert result.points["x"].iloc[-1] == "winhi+log_CT"
    assert result.points["x"].iloc[0] == "log_CT"
    np.testing.assert_allclose(log_transform(values, "log_CT_orig"), np.log(values))


def test_combined_treatment_log_transforms_the_winsorised_values() -> None:
    values = np.array([*range(1, 21), 100.0, 1000.0])
    result = treat(pd.DataFrame({"x": values}), TreatmentOptions(winmax=1, combine=True))
    winsorised = np.array([*range(1, 21), 100.0, 100.0])
    np.testing.assert_allclose(result.data["x"], np.log(winsorised - 1 + 0.01 * 99), rtol=1e-15)


def test_an_indicator_that_passes_is_left_as_it_is() -> None:
    values = pd.DataFrame({"x": np.arange(12.0)})
    result = treat(values)
    assert result.data.equals(values)
    assert result.treated_indicators == []


# -- normalise -------------------------------------------------------------------------------------


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {"Crime": [4.0, 2.0, 8.0, 2.0], "Lights": [1.0, 2.0, 3.0, 4.0], "Wait": [10.0, 20.0, 30.0, 60.0]},
        index=["a", "b", "c", "d"],
    )


def test_minmax_turns_lower_is_better_indicators_around() -> None:
    result = normalise(_units(), small_framework(), Normalisation("minmax", 0, 10))
    assert result["Crime"].tolist() == [pytest.approx(20 / 3), 10.0, 0.0, 10.0]
    assert result["Lights"].tolist() == pytest.approx([0, 10 / 3, 20 / 3, 10])


def test_zscore_uses_the_sample_standard_deviation_and_the_requested_mean_and_sd() -> None:
    result = normalise(_units(), small_framework(), Normalisation("zscore", mean=50, sd=10))
    lights = np.array([1.0, 2.0, 3.0, 4.0])
    assert result["Lights"].tolist() == pytest.approx(list((lights - 2.5) / lights.std(ddof=1) * 10 + 50))


def test_rank_normalisation_gives_ties_the_lowest_rank() -> None:
    result = normalise(_units(), small_framework(), Normalisation("rank"))
    assert result["Crime"].tolist() == [2.0, 3.0, 1.0, 3.0]


def test_distance_to_target_uses_the_framework_target_and_can_cap() -> None:
    framework = Framework.from_dict(
        {
            "code": "I",
            "children": [
                {"code": "up", "target": 3.0},
                {"code": "down", "direction": -1, "target": 15.0},
            ],
        }
    )
    data = pd.DataFrame({"up": [1.0, 2.0, 5.0], "down": [10.0, 20.0, 30.0]})
    result = normalise(data, framework, Normalisation("dist2targ", cap=True))
    assert result["up"].tolist() == [0.0, 0.5, 1.0]
    assert result["down"].tolist() == [1.0, pytest.approx(2 / 3), 0.0]


# -- aggregate and results -------------------------------------------------------------------------


def test_weights_are_rescaled_within_each_parent() -> None:
    data = pd.DataFrame({"Crime": [10.0], "Lights": [50.0], "Wait": [70.0]}, index=["a"])
    result = aggregate(data, small_framework())
    assert result.at["a", "Safety"] == pytest.approx((10 * 1 + 50 * 3) / 4)
    assert result.at["a", "Index"] == pytest.approx((40.0 * 2 + 70.0) / 3)


def test_a_missing_value_is_dropped_with_its_weight() -> None:
    data = pd.DataFrame({"Crime": [np.nan], "Lights": [50.0], "Wait": [70.0]}, index=["a"])
    assert aggregate(data, small_framework()).at["a", "Safety"] == 50.0


def test_geometric_and_harmonic_means_are_weighted() -> None:
    data = pd.DataFrame({"Crime": [2.0], "Lights": [8.0], "Wait": [4.0]}, index=["a"])
    geometric = aggregate(data, small_framework(), "geometric")
    assert geometric.at["a", "Safety"] == pytest.approx(2 ** (1 / 4) * 8 ** (3 / 4))
    harmonic = aggregate(data, small_framework(), {2: "harmonic", 3: "arithmetic"})
    assert harmonic.at["a", "Safety"] == pytest.approx(4 / (1 / 2 + 3 / 8))


def test_ranks_are_descending_with_ties_sharing_the_best_rank() -> None:
    assert rank_descending(np.array([5.0, 9.0, 5.0, 1.0])).tolist() == [2, 1, 2, 4]
    assert rank_descending(np.array([[1.0, 2.0], [2.0, 2.0]])).tolist() == [[2, 1], [1, 1]]


def test_every_stage_of_a_coin_can_be_read_back_and_is_a_copy() -> None:
    data = _units().assign(Pop=[1.0, 2.0, 4.0, 8.0]).rename_axis("uCode").reset_index()
    coin = Coin.new(small_framework(), data).denominate().impute().treat().normalise().aggregate()
    assert list(coin.data) == ["Raw", "Denominated", "Imputed", "Treated", "Normalised", "Aggregated"]
    assert coin.unit_data.columns.tolist() == ["Pop"]
    copy = coin.dataset("Raw")
    copy.loc["a", "Crime"] = -1
    assert coin.dataset("Raw").loc["a", "Crime"] == 4.0
    table = coin.results().table()
    assert table.columns.tolist() == ["Rank", "Index", "Safety", "Service"]
    assert table["Rank"].is_monotonic_increasing


# -- input and output ------------------------------------------------------------------------------


def test_results_are_written_to_csv_and_json(tmp_path) -> None:
    results = compute_from_files(
        FIXTURES / "mini_iMeta.csv", FIXTURES / "mini_iData.csv", {"treat": False, "impute": None}
    )
    csv_path = write_results_csv(results, tmp_path / "results.csv")
    back = pd.read_csv(csv_path, index_col="uCode")
    assert back.index[0] == "IND" and back.at["IND", "Rank"] == 1
    assert back.at["IND", "Index"] == pytest.approx(72.96187, abs=1e-5)
    payload = json.loads(write_results_json(results, tmp_path / "results.json").read_text(encoding="utf-8"))
    assert payload["index"] == "Index"
    assert payload["units"][0]["unit"] == "IND"
    assert payload["units"][0]["ranks"]["Index"] == 1
    assert set(payload["units"][0]["scores"]) == {"Index", "PilA", "PilB"}


def test_a_plain_framework_csv_is_read_too(tmp_path) -> None:
    path = tmp_path / "framework.csv"
    path.write_text(
        "code,parent,weight,direction,name,name_zh\nIndex,,,,Index,指数\nx,Index,2,-1,X,\ny,Index,1,1,Y,\n"
    )
    framework = read_framework(path)
    assert framework.indicators == ["x", "y"]
    assert framework.nodes["x"].weight == 2 and framework.nodes["x"].direction == -1
    assert framework.nodes["Index"].label("zh") == "指数"


def test_the_mini_framework_has_the_unequal_weights_of_the_example() -> None:
    weights = mini_framework().weights()
    assert weights[["LPI", "CO2", "PilB"]].tolist() == [2.0, 2.0, 3.0]
