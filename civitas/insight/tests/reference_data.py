"""Loaders for the COINr reference fixtures (see fixtures/coinr/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from civitas.insight.coin import Coin, Framework

FIXTURES = Path(__file__).parent / "fixtures" / "coinr"
TOLERANCE = 1e-9


def read(name: str) -> pd.DataFrame:
    table = pd.read_csv(FIXTURES / name)
    return table.set_index("uCode") if "uCode" in table.columns else table


def asem_framework() -> Framework:
    return Framework.from_imeta(pd.read_csv(FIXTURES / "asem_iMeta.csv"))


def mini_framework() -> Framework:
    return Framework.from_imeta(pd.read_csv(FIXTURES / "mini_iMeta.csv"))


def screened_coin() -> Coin:
    """A coin whose latest data set is the complete, untreated ASEM data (input of the variants)."""
    return Coin.new(asem_framework(), read("asem_official_screened.csv").reset_index())


def assert_frames_match(actual: pd.DataFrame, expected: pd.DataFrame, tolerance: float = TOLERANCE) -> None:
    """Same units, every expected column present, each value within tolerance (relative above 1)."""
    assert sorted(map(str, actual.index)) == sorted(map(str, expected.index))
    missing = [column for column in expected.columns if column not in actual.columns]
    assert not missing, f"columns missing: {missing}"
    aligned = actual.loc[expected.index, expected.columns].to_numpy(dtype=float)
    wanted = expected.to_numpy(dtype=float)
    assert (np.isnan(aligned) == np.isnan(wanted)).all()
    scale = np.maximum(1.0, np.abs(np.nan_to_num(wanted)))
    error = np.abs(np.nan_to_num(aligned) - np.nan_to_num(wanted)) / scale
    worst = np.unravel_index(np.argmax(error), error.shape)
    assert (
        error.max() <= tolerance
    ), f"{expected.index[worst[0]]}/{expected.columns[worst[1]]}: {aligned[worst]} != {wanted[worst]}"
