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
