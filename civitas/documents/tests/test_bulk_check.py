import datetime
import json

import pytest

from civitas.documents.check import check_document, check_lines, read_inputs
from civitas.documents.idnumbers import make_resident_id

TODAY = datetime.date(2025, 6, 1)
ID = "11010519491231002X"
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def check(text: str, **kwargs) -> dict:
    result = check_document(text, today=TODAY, **kwargs)
    assert json.loads(json.dumps(result)) == result  # JSON-serialisable as is
    return result


def test_a_valid_identity_number_is_reported_masked_with_its_province_and_sex():
    result = check(ID)
    assert result == {
        "input": "11**************2X",
        "kind": "resident_id",
        "valid": True,
        "fields": {
            "number": "11**************2X",
            "place_code": "110105",
            "province_code": "11",
            "province": "北京市",
            "province_en": "Beijing",
            "sex": "F",
            "holder": "resident",
        },
        "errors": [],
    }


def test_the_identity_number_never_appears_in_clear_in_the_output():
    for text in (ID, ID[:17] + "1", "110105194902300021"):
        assert "19491231" not in json.dumps(check(text))
        assert "19490230" not in json.dumps(check(text))


def test_the_birth_date_is_only_given_on_request():
    assert check(ID, include_birth_date=True)["fields"]["birth_date"] == "1949-12-31"
    assert "birth_date" not in check(ID)["fields"]


def test_a_wrong_check_digit_is_reported_with_field_code_and_message():
    result = check(ID[:17] + "1")
    assert result["valid"] is False
    assert result["fields"] == {"number": "11**************21"}
    [error] = result["errors"]
    assert (error["field"], error["code"]) == ("id_number", "id.check_digit")
    assert "check character" in error["message"]


def test_a_hong_kong_residents_permit_is_its_own_kind():
    result = check(make_resident_id("810000", datetime.date(1994, 8, 23), 2))
    assert result["kind"] == "hk_macao_taiwan_permit"
    assert (result["valid"], result["fields"]["holder"]) == (True, "hk")


def test_an_mrz_separated_by_pipes_is_checked_and_its_number_masked():
    result = check(SPECIMEN)
    assert (result["kind"], result["valid"], result["input"]) == ("mrz_td3", True, "TD3:P/UTO/L8*****C3")
    fields = result["fields"]
    assert fields["birth_date"] == "1974-08-12"
    assert fields["expiry_date"] == "2012-04-15"
    assert fields["expired"] is True
    assert fields["document_number"] == "L8*****C3"
    assert fields["optional_data"] == "*********"
    assert fields["checks"]["composite"] is True
    assert "L898902C3" not in json.dumps(result)


@pytest.mark.parametrize("separator", ["\n", "", "\r\n"])
def test_an_mrz_on_separate_lines_or_concatenated_is_detected(separator):
    assert check(SPECIMEN.replace("|", separator))["kind"] == "mrz_td3"


def test_a_broken_mrz_lists_every_failing_check_digit():
    result = check(SPECIMEN[:-2] + "20")
    assert result["valid"] is False
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("optional_data", "mrz.check_digit"),
        ("composite", "mrz.check_digit"),
    ]


def test_an_mrz_of_the_wrong_length_is_a_format_error_without_echoing_the_zone():
    result = check("P<UTOERIKSSON<<ANNA|L898902C36UTO7408122F1204159ZE184226B<<<<<10<<<<<<<<")
    assert (result["kind"], result["valid"], result["errors"][0]["code"]) == ("mrz", False, "mrz.format")
    assert "L898902C3" not in result["input"]


def test_text_that_is_neither_is_unrecognised():
    result = check("hello")
    assert (result["kind"], result["valid"], result["errors"][0]["code"]) == (
        "unknown",
        False,
        "document.unrecognised",
    )


def test_check_lines_gives_one_result_per_input_in_order():
    results = list(check_lines([ID, "", SPECIMEN, ID[:17] + "1"], today=TODAY))
    assert [(r["index"], r["kind"], r["valid"]) for r in results] == [
        (1, "resident_id", True),
        (2, "unknown", False),
        (3, "mrz_td3", True),
        (4, "resident_id", False),
    ]


def test_read_inputs_reads_one_input_per_line(tmp_path):
    path = tmp_path / "inputs.txt"
    path.write_text(f"{ID}\n\n  {SPECIMEN}  \n", encoding="utf-8")
    assert list(read_inputs(path)) == [ID, SPECIMEN]


def test_read_inputs_reads_a_csv_column_by_name_even_with_an_excel_bom(tmp_path):
    path = tmp_path / "tenants.csv"
    path.write_text(f"name,id_number\nA,{ID}\nB,\nC,{SPECIMEN}\n", encoding="utf-8-sig")
    assert list(read_inputs(path, column="id_number")) == [ID, SPECIMEN]
    with pytest.raises(ValueError, match="id_no"):
        list(read_inputs(path, column="id_no"))
