"""Charts as inline SVG (matplotlib, text kept as text so the browser renders any script)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.colors import Normalize

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": ["Noto Sans CJK SC", "Noto Sans", "DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
ACCENT = "#b3261e"
PALETTE = ["#b3261e", "#1f5fa8", "#1e7b34", "#a15c00", "#6b3fa0", "#5b6472"]


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:].replace("<svg ", '<svg role="img" class="chart" ', 1)


def ranking_bars(labels: Sequence[str], scores: Sequence[float], title: str = "") -> str:
    """Horizontal bars, best at the top."""
    height = max(1.6, 0.28 * len(labels) + 0.6)
    figure, axes = plt.subplots(figsize=(6.4, height))
    positions = range(len(labels))
    axes.barh(list(positions), list(scores), color=ACCENT)
    axes.set_yticks(list(positions), labels=list(labels))
    axes.invert_yaxis()
    for position, score in zip(positions, scores, strict=True):
        axes.text(score, position, f" {score:.1f}", va="center", fontsize=8)
    if title:
        axes.set_title(title, loc="left")
    return _svg(figure)


def line_series(
    months: Sequence[str], series: dict[str, Sequence[float | None]], title: str = "", unit: str = ""
) -> str:
    figure, axes = plt.subplots(figsize=(6.4, 2.6))
    for index, (label, values) in enumerate(series.items()):
        clean = [math.nan if value is None else value for value in values]
        axes.plot(list(months), clean, marker="o", markersize=3, label=label, color=PALETTE[index % len(PALETTE)])
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False)
    axes.set_ylabel(unit)
    axes.tick_params(axis="x", labelrotation=45)
    if title:
        axes.set_title(title, loc="left")
    return _svg(figure)


def rank_intervals(labels: Sequence[str], nominal: Sequence[float], low: Sequence[float], high: Sequence[float]) -> str:
    """Each unit's 5–95 % rank interval from Monte Carlo, with its nominal rank."""
    height = max(1.6, 0.28 * len(labels) + 0.6)
    figure, axes = plt.subplots(figsize=(6.4, height))
    positions = list(range(len(labels)))
    axes.hlines(positions, list(low), list(high), color="#5b6472", linewidth=3)
    axes.plot(list(nominal), positions, "o", color=ACCENT)
    axes.set_yticks(positions, labels=list(labels))
    axes.invert_yaxis()
    axes.invert_xaxis()
    axes.set_xlabel("rank")
    return _svg(figure)


def influence_bars(labels: Sequence[str], values: Sequence[float], xlabel: str = "") -> str:
    height = max(1.4, 0.26 * len(labels) + 0.6)
    figure, axes = plt.subplots(figsize=(6.4, height))
    positions = list(range(len(labels)))
    axes.barh(positions, list(values), color="#1f5fa8")
    axes.set_yticks(positions, labels=list(labels))
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    return _svg(figure)


def tile_grid(labels: Sequence[str], scores: Sequence[float | None], columns: int = 5) -> str:
    """Units as equal tiles coloured by score: a map stand-in while no boundary GeoJSON exists."""
    count = max(1, len(labels))
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(figsize=(1.5 * columns, 1.0 * rows + 0.2))
    present = [score for score in scores if score is not None]
    norm = Normalize(min(present, default=0), max(present, default=1) or 1)
    cmap = colormaps["RdYlGn"]
    for index, (label, score) in enumerate(zip(labels, scores, strict=True)):
        row, column = divmod(index, columns)
        colour = "#dde1e7" if score is None else cmap(norm(score))
        axes.add_patch(plt.Rectangle((column, -row), 0.95, 0.9, color=colour))
        text = label if score is None else f"{label}\n{score:.0f}"
        axes.text(column + 0.475, -row + 0.45, text, ha="center", va="center", fontsize=9)
    axes.set_xlim(0, columns)
    axes.set_ylim(-rows + 1, 1)
    axes.axis("off")
    return _svg(figure)


def boundary_map(
    labels: Sequence[str], scores: Sequence[float | None], shapes: Sequence[Sequence[Sequence[tuple[float, float]]]]
) -> str:
    """Units drawn from their boundaries (longitude/latitude outer rings), coloured by score, labelled."""
    figure, axes = plt.subplots(figsize=(6.4, 5.0))
    present = [score for score in scores if score is not None]
    norm = Normalize(min(present, default=0), max(present, default=1) or 1)
    cmap = colormaps["RdYlGn"]
    latitudes = [lat for rings in shapes for ring in rings for _lon, lat in ring]
    squeeze = math.cos(math.radians(sum(latitudes) / len(latitudes))) if latitudes else 1.0
    for label, score, rings in zip(labels, scores, shapes, strict=True):
        colour = "#dde1e7" if score is None else cmap(norm(score))
        biggest = max(rings, key=len)
        for ring in rings:
            axes.add_patch(
                plt.Polygon([(lon * squeeze, lat) for lon, lat in ring], facecolor=colour, edgecolor="white")
            )
        x = sum(lon for lon, _lat in biggest) / len(biggest) * squeeze
        y = sum(lat for _lon, lat in biggest) / len(biggest)
        axes.text(x, y, label if score is None else f"{label}\n{score:.0f}", ha="center", va="center", fontsize=7)
    axes.autoscale_view()
    axes.set_aspect("equal")
    axes.axis("off")
    return _svg(figure).replace('class="chart"', 'class="chart" id="boundary-map"', 1)
