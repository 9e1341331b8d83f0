"""Bad frameworks, weights and data raise CoinError subclasses naming the indicator and unit concerned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from civitas.insight.coin import (
    Coin,
    CoinError,
    CycleError,
    DataError,
    Framework,
    FrameworkError,
    MissingDataError,
    NonPositiveValueError,
    Normalisation,
    NormalisationError,
    OptionsError,
    PipelineOptions,
    WeightError,
    ZeroDenominatorError,
    aggregate,
    compute_from_files,
    impute,
    normalise,
)

FRAMEWORK: list[dict[str, Any]] = [
    {"code": "Index"},
    {"code": "Safety", "parent": "Index"},
    {"code": "Crime", "parent": "Safety", "denominator": "Pop"},
    {"code": "Lights", "parent": "Safety", "required": True},
    {"code": "Wait", "parent": "Index"},
]


def framework(**changes: dict[str, Any]) -> Framework:
    records = [{**record, **changes.get(record["code"], {})} for record in FRAMEWORK]
    return Framework.from_records(records)


def units(**columns: list[float]) -> pd.DataFrame:
    base = {
        "Crime": [1.0, 2.0, 3.0],
        "Lights": [4.0, 5.0, 6.0],
        "Wait": [7.0, 8.0, 9.0],
        "Pop": [1.0, 1.0, 1.0],
    }
    base.update(columns)
    return pd.DataFrame(base, index=pd.Index(["YW01", "YW02", "YW03"], name="uCode"))


def test_a_framework_with_a_cycle_is_refused_with_the_path() -> None:
    with pytest.raises(CycleError) as caught:
        Framework.from_records(
            [
                {"code": "Index"},
                {"code": "A", "parent": "B", "level": 2},
                {"code": "B", "parent": "A", "level": 3},
                {"code": "x", "parent": "A"},
            ]
        )
    assert "A -> B -> A" in str(caught.value) or "B -> A -> B" in str(caught.value)


def test_a_cycle_without_levels_is_found_while_inferring_levels() -> None:
    with pytest.raises(CycleError):
        Framework.from_records(
            [{"code": "Index"}, {"code": "A", "parent": "B"}, {"code": "B", "parent": "A"}, {"code": "x"}]
        )


@pytest.mark.parametrize(
    ("records", "fragment"),
    [
        ([{"code": "Index"}, {"code": "x", "parent": "Nowhere"}], "Nowhere"),
        ([{"code": "Index"}, {"code": "x", "parent": "Index"}, {"code": "x", "parent": "Index"}], "twice"),
        (
            [{"code": "Index"}, {"code": "x", "parent": "Index"}, {"code": "Other", "indicator": False}],
            "root",
        ),
        ([{"code": "Index"}, {"code": "x", "parent": "Index", "direction": 2}], "direction"),
        ([{"code": "Index", "indicator": False}, {"code": "A", "parent": "Index", "indicator": False}], "A"),
    ],
)
def test_a_malformed_framework_is_refused(records: list[dict], fragment: str) -> None:
    with pytest.raises(FrameworkError) as caught:
        Framework.from_records(records)
    assert fragment in str(caught.value)


def test_a_negative_weight_is_refused_naming_the_node() -> None:
    with pytest.raises(WeightError, match="Wait") as caught:
        framework(Wait={"weight": -1})
    assert caught.value.node == "Wait"


def test_all_zero_weights_within_a_parent_are_refused_naming_the_parent() -> None:
    with pytest.raises(WeightError, match="Safety") as caught:
        framework(Crime={"weight": 0}, Lights={"weight": 0})
    assert caught.value.node == "Safety"
    with pytest.raises(WeightError):
        framework().with_weights({"Safety": 0, "Wait": 0})


def test_a_required_indicator_without_data_for_a_unit_names_both() -> None:
    with pytest.raises(MissingDataError) as caught:
        aggregate(units(Lights=[4.0, np.nan, 6.0]), framework())
    assert (caught.value.indicator, caught.value.unit) == ("Lights", "YW02")
    assert "Lights" in str(caught.value) and "YW02" in str(caught.value)


def test_a_complete_data_set_can_be_demanded_for_every_indicator() -> None:
    data = units(Crime=[1.0, 2.0, np.nan])
    assert aggregate(data, framework()).at["YW03", "Safety"] == 6.0
    with pytest.raises(MissingDataError, match="Crime.*YW03"):
        aggregate(data, framework(), require_complete=True)


def test_a_parent_with_every_child_missing_for_a_unit_is_an_error_not_nan() -> None:
    with pytest.raises(MissingDataError) as caught:
        aggregate(
            units(Crime=[1.0, np.nan, 3.0], Lights=[4.0, np.nan, 6.0]), framework(Lights={"required": False})
        )
    assert (caught.value.indicator, caught.value.unit) == ("Safety", "YW02")


def test_a_zero_denominator_names_the_indicator_and_the_unit() -> None:
    coin = Coin.new(framework(), units(Pop=[1.0, 0.0, 2.0]).reset_index())
    with pytest.raises(ZeroDenominatorError) as caught:
        coin.denominate()
    assert (caught.value.indicator, caught.value.unit) == ("Crime", "YW02")
    assert "Crime" in str(caught.value) and "YW02" in str(caught.value) and "Pop" in str(caught.value)


@pytest.mark.parametrize("method", ["geometric", "harmonic"])
def test_a_geometric_or_harmonic_mean_of_a_non_positive_value_names_the_indicator_and_unit(
    method: str,
) -> None:
    with pytest.raises(NonPositiveValueError) as caught:
        aggregate(units(Lights=[4.0, 0.0, 6.0]), framework(), method)
    assert (caught.value.indicator, caught.value.unit) == ("Lights", "YW02")
    assert "YW02" in str(caught.value)


def test_min_max_normalisation_onto_zero_then_geometric_mean_fails_like_coinr_would_not_silently() -> None:
    coin = Coin.new(framework(), units().reset_index()).normalise(Normalisation("minmax", 0, 100))
    with pytest.raises(NonPositiveValueError, match="YW01"):
        coin.aggregate("geometric")


def test_an_indicator_with_no_spread_cannot_be_normalised() -> None:
    with pytest.raises(NormalisationError, match="Wait") as caught:
        normalise(units(Wait=[5.0, 5.0, 5.0]), framework())
    assert caught.value.indicator == "Wait"


def test_distance_to_target_needs_a_target() -> None:
    with pytest.raises(NormalisationError, match="Crime"):
        normalise(units(), framework(), Normalisation("dist2targ"))


def test_unknown_methods_and_options_are_refused() -> None:
    with pytest.raises(OptionsError):
        Normalisation("logistic")
    with pytest.raises(OptionsError):
        aggregate(units(), framework(), "median")
    with pytest.raises(OptionsError):
        impute(units(), "knn")
    with pytest.raises(OptionsError, match="colour"):
        PipelineOptions.from_mapping({"colour": "red"})


def test_data_that_does_not_fit_the_framework_is_refused() -> None:
    with pytest.raises(DataError, match="Wait"):
        Coin.new(framework(), units().drop(columns="Wait").reset_index())
    with pytest.raises(DataError, match="Crime.*YW02"):
        Coin.new(framework(), units().astype(object).assign(Crime=[1, "n/a", 3]).reset_index())
    duplicated = pd.concat([units(), units().iloc[:1]]).reset_index()
    with pytest.raises(DataError, match="YW01"):
        Coin.new(framework(), duplicated)


def test_a_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        compute_from_files(tmp_path / "none.csv", tmp_path / "none.csv")


def test_every_engine_error_is_a_coin_error() -> None:
    for error in (CycleError, WeightError, MissingDataError, ZeroDenominatorError, NonPositiveValueError):
        assert issubclass(error, CoinError)
    assert (
        len({error.code for error in (CycleError, WeightError, MissingDataError, ZeroDenominatorError)}) == 4
    )


def test_the_engine_raises_readable_errors_without_django_settings() -> None:
    script = (
        "import pandas as pd\n"
        "from civitas.insight.coin import Framework, aggregate, MissingDataError\n"
        "fw = Framework.from_records([{'code': 'I'}, {'code': 'x', 'parent': 'I', 'required': True}])\n"
        "try:\n"
        "    aggregate(pd.DataFrame({'x': [float('nan')]}, index=['U1']), fw)\n"
        "except MissingDataError as error:\n"
        "    print(type(error.message).__name__, error)\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    root = Path(__file__).resolve().parents[3]
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, cwd=root, check=True
    )
    assert completed.stdout.strip() == "str Indicator x has no value for unit U1 (aggregation)."
