import json

import pytest
from django.core.management import call_command

from civitas.cli import main


def test_documents_check_prints_one_json_line_per_input_with_every_failed_rule(tmp_path, capsys):
    f = tmp_path / "ids.txt"
    f.write_text(
        "11010519491231002X\n110105194912310021\n\n"
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10\n"
    )
    call_command("documents_check", str(f))
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["valid"] for x in lines] == [True, False, True]
    assert lines[1]["errors"][0]["code"] == "id.check_digit"
    assert "11010519491231002X" not in json.dumps(lines)


def test_documents_check_reads_a_csv_column(tmp_path, capsys):
    f = tmp_path / "guests.csv"
    f.write_text("name,id\n张三,11010519491231002X\n李四,11010519490230002X\n", encoding="utf-8")
    call_command("documents_check", str(f), "--column", "id")
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["valid"] for x in lines] == [True, False]
    assert lines[1]["errors"][0]["code"] == "id.date"


def test_the_civitas_command_prints_its_usage(capsys):
    main(["--help"])
    assert "civitas demo" in capsys.readouterr().out


@pytest.mark.django_db
def test_civitas_audit_verify_runs_through_the_console_command(capsys):
    main(["audit", "verify"])
    assert "intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_openapi_document_is_generated_from_the_code(client):
    doc = client.get("/api/openapi.json").json()
    assert "/api/documents/check" in doc["paths"]
    assert "/api/people/search" in doc["paths"]


def test_civitas_seed_builds_a_city_in_a_brand_new_database(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "CIVITAS_VAR_DIR": str(tmp_path), "CIVITAS_DB": "sqlite"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("CIVITAS_SQLITE_PATH", None)
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-m", "civitas.cli", "seed", "--residents", "300", "--no-apps"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Demo accounts" in done.stdout


def test_a_command_error_is_one_clear_line_and_an_exit_status_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["documents", "check", str(tmp_path / "missing.txt")])
    err = capsys.readouterr().err
    assert exit_.value.code != 0
    assert err.startswith("civitas: ") and "missing.txt" in err and "Traceback" not in err
