"""Scores and ranks of the aggregated data set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from civitas.insight.coin.framework import Framework

if TYPE_CHECKING:
    from civitas.insight.coin.pipeline import Coin


def rank_descending(scores: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, 1 = highest, ties share the lowest rank ("min"); vectorised over rows."""
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, axis=-1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=-1)
    positions = np.broadcast_to(np.arange(scores.shape[-1]), scores.shape)
    starts = np.ones(scores.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1) + 1
    ranks = np.empty(scores.shape, dtype=int)
    np.put_along_axis(ranks, order, first, axis=-1)
    return ranks


@dataclass
class Results:
    """Scores of the index and every aggregate (highest level first), units sorted by index rank."""

    scores: pd.DataFrame
    ranks: pd.DataFrame
    index_code: str
    coin: Coin | None = None

    @classmethod
    def from_aggregated(
        cls, aggregated: pd.DataFrame, framework: Framework, coin: Coin | None = None
    ) -> Results:
        ordered = [
            code for level in reversed(framework.levels[1:]) for code in framework.codes_at_level(level)
        ]
        scores = aggregated[ordered]
        ranks = pd.DataFrame(
            rank_descending(scores.to_numpy(dtype=float).T).T, index=scores.index, columns=ordered
        )
        sequence = ranks[ordered[0]].sort_values(kind="stable").index
        return cls(scores=scores.loc[sequence], ranks=ranks.loc[sequence], index_code=ordered[0], coin=coin)

    def table(self) -> pd.DataFrame:
        """uCode as index, then Rank and every score: the shape of COINr's ``get_results()``."""
        table = self.scores.copy()
        table.insert(0, "Rank", self.ranks[self.index_code])
        return table
