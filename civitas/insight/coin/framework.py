"""The framework of a composite indicator: a tree index -> dimensions -> ... -> indicators.

Levels follow COINr: indicators are level 1, each aggregate sits above all of its children, the single root
(the index) has the highest level. Weights are relative: they are rescaled to sum to 1 within each parent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from civitas.insight.coin.errors import CycleError, FrameworkError, WeightError, _

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Node:
    """One node of the tree: an indicator (level 1) or an aggregate."""

    code: str
    level: int
    parent: str | None
    weight: float = 1.0
    name: Mapping[str, str] = field(default_factory=dict)
    is_indicator: bool = True
    direction: int = 1
    unit: str = ""
    denominator: str | None = None
    source: str = ""
    target: float | None = None
    required: bool = False

    def label(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Name in ``language``, else in the default language, else the code."""
        return self.name.get(language) or self.name.get(DEFAULT_LANGUAGE) or self.code


class Framework:
    """A validated tree of nodes, in a stable order (the order they were given)."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes: dict[str, Node] = {}
        for node in nodes:
            if node.code in self.nodes:
                raise FrameworkError(
                    _("Code {code} appears twice in the framework.").format(code=node.code), node=node.code
                )
            self.nodes[node.code] = node
        self._children: dict[str, list[str]] = {code: [] for code in self.nodes}
        self._validate()

    # -- construction -------------------------------------------------------------------------------------

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Framework:
        """Build from flat dicts with keys code, parent, weight, name, level (optional), direction, ...

        A record is an indicator when ``indicator`` is true, or when nothing names it as parent and it
        has no ``indicator`` key. Missing levels are computed from the tree (indicators 1, parents above).
        """
        rows = [dict(record) for record in records]
        parents = {row.get("parent") for row in rows}
        for row in rows:
            if "code" not in row or not str(row["code"]).strip():
                raise FrameworkError(_("A framework node has no code."))
            if "indicator" not in row:
                row["indicator"] = row["code"] not in parents
        levels = _infer_levels(rows)
        nodes = []
        for row in rows:
            code = str(row["code"])
            name = row.get("name") or {}
            if isinstance(name, str):
                name = {DEFAULT_LANGUAGE: name}
            name = dict(name)
            for key, value in row.items():
                if key.startswith("name_") and _clean_text(value):
                    name[key.removeprefix("name_")] = str(value)
            level = row.get("level")
            nodes.append(
                Node(
                    code=code,
                    level=int(level) if level is not None else levels[code],
                    parent=_clean_text(row.get("parent")),
                    weight=_number(row.get("weight", 1.0), code, "weight"),
                    name=dict(name),
                    is_indicator=bool(row["indicator"]),
                    direction=int(row.get("direction") or 1),
                    unit=_clean_text(row.get("unit")) or "",
                    denominator=_clean_text(row.get("denominator")),
                    source=_clean_text(row.get("source")) or "",
                    target=_optional_number(row.get("target")),
                    required=bool(row.get("required", False)),
                )
            )
        return cls(nodes)

    @classmethod
    def from_dict(cls, tree: Mapping[str, Any]) -> Framework:
        """Build from a nested dict: ``{"code": ..., "name": ..., "weight": ..., "children": [...]}``.

        Leaves are indicators and may carry direction, unit, denominator, source, target, required.
        """
        records: list[dict[str, Any]] = []

        def walk(node: Mapping[str, Any], parent: str | None) -> None:
            record = {key: value for key, value in node.items() if key != "children"}
            record["parent"] = parent
            children = node.get("children") or []
            record.setdefault("indicator", not children)
            records.append(record)
            for child in children:
                walk(child, str(node.get("code")))

        walk(tree, None)
        return cls.from_records(records)

    @classmethod
    def from_imeta(cls, imeta: pd.DataFrame) -> Framework:
        """Build from a COINr iMeta table (Level, iCode, iName, Direction, Weight, Parent, Type, ...).

        Rows of Type Group, Denominator or Other are ignored; ``iName_<lang>`` columns add translations.
        """
        if "iCode" not in imeta.columns:
            raise FrameworkError(_("The framework table has no iCode column."))
        kinds = imeta["Type"] if "Type" in imeta.columns else pd.Series("Indicator", index=imeta.index)
        name_columns = [column for column in imeta.columns if column.startswith("iName_")]
        records = []
        for position, row in imeta.iterrows():
            kind = str(kinds[position])
            if kind not in ("Indicator", "Aggregate"):
                continue
            name = {}
            if "iName" in imeta.columns and _clean_text(row["iName"]):
                name[DEFAULT_LANGUAGE] = str(row["iName"])
            for column in name_columns:
                if _clean_text(row[column]):
                    name[column.removeprefix("iName_")] = str(row[column])
            level = _optional_number(row.get("Level"))
            records.append(
                {
                    "code": str(row["iCode"]),
                    "name": name,
                    "level": int(level) if level is not None else None,
                    "parent": row.get("Parent"),
                    "weight": row.get("Weight", 1.0),
                    "indicator": kind == "Indicator",
                    "direction": _optional_number(row.get("Direction")) or 1,
                    "unit": row.get("Unit"),
                    "denominator": row.get("Denominator"),
                    "source": row.get("Source"),
                    "target": row.get("Target"),
                    "required": _truthy(row.get("Required")),
                }
            )
        return cls.from_records(records)

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with some node weights replaced (unknown codes are an error)."""
        unknown = sorted(set(weights) - set(self.nodes))
        if unknown:
            raise FrameworkError(
                _("Weights given for unknown nodes: {codes}.").format(codes=", ".join(unknown)), codes=unknown
            )
        return Framework(
            replace(node, weight=_number(weights[node.code], node.code, "weight"))
            if node.code in weights
            else node
            for node in self.nodes.values()
        )

    # -- queries --------------------------------------------------------------------------------------------

    @property
    def root(self) -> str:
        return self._root

    @property
    def indicators(self) -> list[str]:
        return [code for code, node in self.nodes.items() if node.is_indicator]

    @property
    def aggregates(self) -> list[str]:
        """Aggregate codes, lowest level first (the order they are computed in)."""
        return [code for code in self._order if not self.nodes[code].is_indicator]

    @property
    def levels(self) -> list[int]:
        return sorted({node.level for node in self.nodes.values()})

    def children(self, code: str) -> list[str]:
        return list(self._children[code])

    def codes_at_level(self, level: int) -> list[str]:
        return [code for code in self._order if self.nodes[code].level == level]

    def directions(self) -> pd.Series:
        return pd.Series({code: self.nodes[code].direction for code in self.indicators}, dtype=float)

    def weights(self) -> pd.Series:
        return pd.Series({code: node.weight for code, node in self.nodes.items()}, dtype=float)

    def indicators_under(self, code: str) -> list[str]:
        """Indicators in the subtree of ``code``."""
        if self.nodes[code].is_indicator:
            return [code]
        found: list[str] = []
        for child in self._children[code]:
            found.extend(self.indicators_under(child))
        return found

    def lineage(self) -> pd.DataFrame:
        """One row per indicator with its ancestors, one column per level."""
        rows = {}
        for code in self.indicators:
            chain: dict[int, str] = {}
            current: str | None = code
            while current is not None:
                chain[self.nodes[current].level] = current
                current = self.nodes[current].parent
            rows[code] = chain
        return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=self.levels)

    # -- validation ---------------------------------------------------------------------------------------

    def _validate(self) -> None:
        if not self.nodes:
            raise FrameworkError(_("The framework has no nodes."))
        for node in self.nodes.values():
            if node.parent is not None:
                if node.parent not in self.nodes:
                    raise FrameworkError(
                        _("Node {code} has parent {parent}, which is not in the framework.").format(
                            code=node.code, parent=node.parent
                        ),
                        node=node.code,
                        parent=node.parent,
                    )
                self._children[node.parent].append(node.code)
        self._check_cycles()
        roots = [code for code, node in self.nodes.items() if node.parent is None]
        if len(roots) != 1:
            raise FrameworkError(
                _("The framework must have exactly one root (the index); found: {codes}.").format(
                    codes=", ".join(roots) or "-"
                ),
                roots=roots,
            )
        self._root = roots[0]
        for node in self.nodes.values():
            self._check_node(node)
        for node in self.nodes.values():
            self._check_weights(node)
        by_level = sorted(self.nodes, key=lambda code: self.nodes[code].level)
        self._order = [code for code in by_level if self.nodes[code].is_indicator] + [
            code for code in by_level if not self.nodes[code].is_indicator
        ]

    def _check_cycles(self) -> None:
        for start in self.nodes:
            seen = [start]
            current = self.nodes[start].parent
            while current is not None:
                if current in seen:
                    cycle = [*seen[seen.index(current) :], current]
                    raise CycleError(
                        _("The framework has a cycle: {path}.").format(path=" -> ".join(cycle)), path=cycle
                    )
                seen.append(current)
                current = self.nodes[current].parent

    def _check_node(self, node: Node) -> None:
        children = self._children[node.code]
        if node.is_indicator and children:
            raise FrameworkError(
                _("Indicator {code} has children ({children}).").format(
                    code=node.code, children=", ".join(children)
                ),
                node=node.code,
            )
        if node.is_indicator and node.level != 1:
            raise FrameworkError(
                _("Indicator {code} must be at level 1, not {level}.").format(
                    code=node.code, level=node.level
                ),
                node=node.code,
            )
        if not node.is_indicator and not children:
            raise FrameworkError(
                _("Aggregate {code} has no children.").format(code=node.code), node=node.code
            )
        if node.direction not in (1, -1):
            raise FrameworkError(
                _("Indicator {code} has direction {direction}; it must be 1 or -1.").format(
                    code=node.code, direction=node.direction
                ),
                node=node.code,
            )
        if not math.isfinite(node.weight) or node.weight < 0:
            raise WeightError(
                _("Node {code} has weight {weight}; weights must be finite and not negative.").format(
                    code=node.code, weight=node.weight
                ),
                node=node.code,
            )
        if node.parent is not None and self.nodes[node.parent].level <= node.level:
            raise FrameworkError(
                _("Node {code} (level {level}) must be below its parent {parent} (level {plevel}).").format(
                    code=node.code, level=node.level, parent=node.parent, plevel=self.nodes[node.parent].level
                ),
                node=node.code,
            )

    def _check_weights(self, node: Node) -> None:
        children = self._children[node.code]
        if children and sum(self.nodes[child].weight for child in children) <= 0:
            raise WeightError(
                _("The weights of the children of {code} are all zero: {children}.").format(
                    code=node.code, children=", ".join(children)
                ),
                node=node.code,
            )


def _infer_levels(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Levels for rows without one: indicators 1, aggregates one above their highest child."""
    children: dict[str, list[str]] = {}
    for row in rows:
        parent = _clean_text(row.get("parent"))
        if parent is not None:
            children.setdefault(parent, []).append(str(row["code"]))
    given = {str(row["code"]): int(row["level"]) for row in rows if row.get("level") is not None}
    levels: dict[str, int] = {}

    def level_of(code: str, path: tuple[str, ...]) -> int:
        if code in given:
            return given[code]
        if code in levels:
            return levels[code]
        if code in path:
            raise CycleError(
                _("The framework has a cycle: {path}.").format(path=" -> ".join([*path, code])),
                path=[*path, code],
            )
        kids = children.get(code, [])
        levels[code] = 1 + max((level_of(kid, (*path, code)) for kid in kids), default=0)
        return levels[code]

    for row in rows:
        level_of(str(row["code"]), ())
    return levels


def _clean_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _optional_number(value: Any) -> float | None:
    if value is None or _clean_text(value) is None:
        return None
    return float(value)


def _truthy(value: Any) -> bool:
    text = _clean_text(value)
    return text is not None and text.lower() in ("1", "true", "yes", "y")


def _number(value: Any, code: str, what: str) -> float:
    try:
        number = float(value) if value is not None and _clean_text(value) is not None else 1.0
    except (TypeError, ValueError):
        raise WeightError(
            _("Node {code} has a {what} that is not a number: {value}.").format(
                code=code, what=what, value=value
            ),
            node=code,
        )
    if np.isnan(number):
        return 1.0
    return number
