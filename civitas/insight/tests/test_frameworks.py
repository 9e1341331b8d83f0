"""The ZJU-style template: 4 dimensions, 11 first-level indicators, each mapped onto platform indicators."""

from __future__ import annotations

from typing import Any

from civitas.insight import actions, indicators
from civitas.insight.frameworks import framework_records, template_records, to_coin
from civitas.insight.models import FrameworkNode


def test_the_template_has_four_dimensions_and_eleven_first_level_indicators() -> None:
    records = template_records()
    assert [r["name"]["en"] for r in records if r["kind"] == "dimension"] == [
        "Social management",
        "State–society co-governance",
        "Social self-governance",
        "Technology support",
    ]
    assert len([r for r in records if r["kind"] == "group"]) == 11
    framework = to_coin(records)
    assert framework.levels == [1, 2, 3, 4]
    assert all(code in indicators.REGISTRY for code in framework.indicators)


def test_installing_the_template_is_idempotent_and_audited(db: Any) -> None:
    first = actions.do_install_template(acting_user=None)
    second = actions.do_install_template(acting_user=None)
    assert first.pk == second.pk
    assert FrameworkNode.objects.filter(framework=first, kind="group").count() == 11
    stored = to_coin(framework_records(first))
    assert stored.root == "INDEX" and len(stored.indicators) == len(to_coin(template_records()).indicators)
