"""``manage.py index_compute``: the engine on files from outside the platform."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).parent / "fixtures" / "coinr"


def test_it_writes_ranked_results_as_csv(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    call_command(
        "index_compute",
        framework=str(FIXTURES / "asem_iMeta.csv"),
        data=str(FIXTURES / "asem_iData_raw.csv"),
        out=str(out),
        options='{"impute": "group_mean", "impute_group": "EurAsia_group"}',
    )
    lines = out.read_text().splitlines()
    assert lines[0].startswith("uCode,Rank,Index") and len(lines) == 52


def test_it_writes_json_with_rank_intervals_reproducible_from_the_seed(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.json", "b.json"):
        call_command(
            "index_compute",
            framework=str(FIXTURES / "asem_iMeta.csv"),
            data=str(FIXTURES / "asem_iData_raw.csv"),
            out=str(tmp_path / name),
            sensitivity=100,
            seed=4,
        )
        outputs.append(json.loads((tmp_path / name).read_text()))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]["sensitivity"]["units"]) == 51


def test_it_names_the_indicator_and_unit_of_bad_data(tmp_path: Path) -> None:
    framework = tmp_path / "f.csv"
    framework.write_text("code,parent,direction\nINDEX,,\nA,INDEX,1\nB,INDEX,1\n")
    data = tmp_path / "d.csv"
    data.write_text("uCode,A,B\nX,1,2\nY,abc,3\nZ,2,1\n")
    with pytest.raises(CommandError) as error:
        call_command("index_compute", framework=str(framework), data=str(data), out=str(tmp_path / "r.csv"))
    assert "A" in str(error.value) and "Y" in str(error.value)
