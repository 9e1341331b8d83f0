"""Composite-indicator engine, compatible with JRC COINr: pure numpy/pandas, no Django models.

Typical use::

    framework = Framework.from_imeta(imeta_table)
    coin = build_coin(framework, data, PipelineOptions(impute="group_mean", impute_group="EurAsia_group"))
    coin.dataset("Treated"); coin.treatment.details; coin.results().table()
    run_sensitivity(coin, runs=1000, weight_noise=0.25, seed=1).summary
"""

from civitas.insight.coin.aggregate import aggregate
from civitas.insight.coin.denominate import denominate
from civitas.insight.coin.errors import (
    CoinError,
    CycleError,
    DataError,
    FrameworkError,
    MissingDataError,
    NonPositiveValueError,
    NormalisationError,
    OptionsError,
    WeightError,
    ZeroDenominatorError,
)
from civitas.insight.coin.framework import Framework, Node
from civitas.insight.coin.impute import impute
from civitas.insight.coin.io import (
    compute_from_files,
    read_data,
    read_framework,
    write_results_csv,
    write_results_json,
)
from civitas.insight.coin.normalise import Normalisation, normalise
from civitas.insight.coin.pipeline import Coin, PipelineOptions, build_coin
from civitas.insight.coin.results import Results, rank_descending
from civitas.insight.coin.screen import screen_units
from civitas.insight.coin.sensitivity import SensitivityResult, run_sensitivity
from civitas.insight.coin.treat import TreatmentOptions, TreatmentResult, treat

__all__ = [
    "Coin",
    "CoinError",
    "CycleError",
    "DataError",
    "Framework",
    "FrameworkError",
    "MissingDataError",
    "Node",
    "NonPositiveValueError",
    "Normalisation",
    "NormalisationError",
    "OptionsError",
    "PipelineOptions",
    "Results",
    "SensitivityResult",
    "TreatmentOptions",
    "TreatmentResult",
    "WeightError",
    "ZeroDenominatorError",
    "aggregate",
    "build_coin",
    "compute_from_files",
    "denominate",
    "impute",
    "normalise",
    "rank_descending",
    "read_data",
    "read_framework",
    "run_sensitivity",
    "screen_units",
    "treat",
    "write_results_csv",
    "write_results_json",
]
