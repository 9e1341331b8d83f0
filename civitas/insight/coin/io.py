"""CSV in, CSV/JSON out: the entry points for ``civitas index compute``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from civitas.insight.coin.errors import DataError, _
from civitas.insight.coin.framework import Framework
from civitas.insight.coin.pipeline import UNIT_COLUMN, PipelineOptions, build_coin
from civitas.insight.coin.results import Results


def read_framework(path: str | Path) -> Framework:
    """A framework from CSV: COINr iMeta columns (iCode, Parent, ...) or plain ones (code, parent, ...)."""
    table = _read_csv(path)
    if "iCode" in table.columns:
        return Framework.from_imeta(table)
    records = [
        {key: value for key, value in row.items() if not _blank(value)} for row in table.to_dict("records")
    ]
    return Framework.from_records(records)


def read_data(path: str | Path, unit_column: str = UNIT_COLUMN) -> pd.DataFrame:
    """Unit data from CSV, one row per unit with a ``uCode`` column."""
    table = _read_csv(path)
    if unit_column not in table.columns:
        raise DataError(
            _("The data file {path} has no {column} column.").format(path=path, column=unit_column),
            path=str(path),
        )
    table[unit_column] = table[unit_column].astype(str)
    return table


def compute_from_files(
    framework_csv: str | Path,
    data_csv: str | Path,
    options: PipelineOptions | Mapping[str, Any] | None = None,
) -> Results:
    """Read both files, run the pipeline and return the results (``results.coin`` holds every stage)."""
    if options is not None and not isinstance(options, PipelineOptions):
        options = PipelineOptions.from_mapping(options)
    framework = read_framework(framework_csv)
    coin = build_coin(framework, read_data(data_csv), options)
    return coin.results()


def write_results_csv(results: Results, path: str | Path) -> Path:
    """uCode, Rank and every score, units in rank order."""
    path = Path(path)
    results.table().to_csv(path, index_label=UNIT_COLUMN, float_format="%.10g")
    return path


def results_to_dict(results: Results) -> dict[str, Any]:
    """Plain-JSON form: index code, per-unit scores and ranks, and the treatment details if any."""
    units = [
        {
            "unit": str(unit),
            "rank": int(results.ranks.at[unit, results.index_code]),
            "scores": {code: _number(results.scores.at[unit, code]) for code in results.scores.columns},
            "ranks": {code: int(results.ranks.at[unit, code]) for code in results.ranks.columns},
        }
        for unit in results.scores.index
    ]
    payload: dict[str, Any] = {"index": results.index_code, "units": units}
    coin = results.coin
    if coin is not None and coin.treatment is not None:
        details = coin.treatment.details
        payload["treatment"] = [
            {"indicator": str(code), **{key: _number(value) for key, value in row.items()}}
            for code, row in details.iterrows()
        ]
    if coin is not None and coin.screening is not None:
        payload["removed_units"] = coin.screening.removed
    return payload


def write_results_json(results: Results, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(results_to_dict(results), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _read_csv(path: str | Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=True)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(_("Cannot read {path}: {error}").format(path=path, error=error), path=str(path))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
