import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civitas.documents.errors import DocumentError
from civitas.documents.mrz import check_digit, make_td1, make_td3, mrz_text, parse_mrz

TODAY = datetime.date(2025, 6, 1)
VECTORS = json.loads((Path(__file__).parent / "fixtures" / "mrz_vectors.json").read_text())
CASES = VECTORS["mrz_cases"]
CHECK_NAMES = {
    "doc_number": "document_number",
    "birth": "birth_date",
    "expiry": "expiry_date",
    "personal_number": "optional_data",
    "composite": "composite",
}
SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


ERIKSSON_TD1_NAME = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
STEVENSON_TD1_NAME = "STEVENSON<<PETER<JOHN<<<<<<<<<"


def case_id(case: dict) -> str:
    return f"{case['parsed']['fmt']}-{case['lines'][-1]}"


def yymmdd(value: datetime.date | None) -> str | None:
    return value.strftime("%y%m%d") if value else None


def expected_optional(parsed: dict) -> tuple[str, str]:
    """The vectors keep raw optional fields; the parser strips fillers and the long-number overflow."""
    if parsed["fmt"] == "TD3":
        return parsed["personal_number"].rstrip("<"), ""
    if parsed["fmt"] != "TD1":
        return parsed["optional"].rstrip("<"), ""
    optional1 = parsed["optional1"]
    if parsed.get("long_doc_number"):
        optional1 = optional1[len(parsed["doc_number"]) - 9 + 2 :]  # overflow, its check digit, the "<"
    return optional1.rstrip("<"), parsed["optional2"].rstrip("<")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_it_reads_every_reference_mrz_field_by_field(case):
    parsed = case["parsed"]
    result = parse_mrz("\n".join(case["lines"]), today=TODAY)
    assert result.format == parsed["fmt"]
    assert result.document_code == parsed["doc_code"].rstrip("<")
    assert result.issuing_state == parsed["issuer"].rstrip("<")
    assert result.nationality == parsed["nationality"].rstrip("<")
    assert result.document_number == parsed["doc_number"].rstrip("<")
    assert (result.surname, result.given_names) == (parsed["surname"], parsed["given_names"])
    assert yymmdd(result.birth_date) == parsed["birth"]
    assert yymmdd(result.expiry_date) == parsed["expiry"]
    assert result.sex == parsed["sex"]
    assert (result.optional_data, result.optional_data_2) == expected_optional(parsed)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_it_gives_the_same_check_digit_verdicts_as_the_reference(case):
    parsed = case["parsed"]
    result = parse_mrz("\n".join(case["lines"]), today=TODAY)
    assert result.checks == {CHECK_NAMES[k]: v for k, v in parsed["check_digits_ok"].items()}
    assert result.valid is parsed["all_check_digits_ok"]
    failing = {CHECK_NAMES[k] for k, ok in parsed["check_digits_ok"].items() if not ok}
    assert {(e.field, e.code) for e in result.errors} == {(name, "mrz.check_digit") for name in failing}


@pytest.mark.parametrize("case", VECTORS["check_digit_cases"], ids=lambda c: c["data"])
def test_the_7_3_1_check_digit_matches_the_reference_cases(case):
    assert check_digit(case["data"]) == case["expected"]


def test_it_reads_the_icao_utopia_passport_specimen():
    result = parse_mrz("\n".join(SPECIMEN), today=TODAY)
    assert result.valid
    assert (result.format, result.document_code, result.issuing_state) == ("TD3", "P", "UTO")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == "L898902C3"
    assert result.birth_date == datetime.date(1974, 8, 12)
    assert result.expiry_date == datetime.date(2012, 4, 15)
    assert result.is_expired(TODAY) is True
    assert result.optional_data == "ZE184226B"


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(SPECIMEN).lower(),
        "".join(SPECIMEN),
        " | ".join(SPECIMEN),
        "  " + SPECIMEN[0].rstrip("<") + "\r\n" + SPECIMEN[1] + "\n\n",
        SPECIMEN[0][:20] + " " + SPECIMEN[0][20:] + "\n" + SPECIMEN[1],
    ],
    ids=["lower-case", "concatenated", "pipes", "fillers-trimmed", "stray-space"],
)
def test_it_tolerates_typed_and_pasted_text(text):
    result = parse_mrz(text, today=TODAY)
    assert result.valid
    assert result.lines == SPECIMEN


@pytest.mark.parametrize(
    ("position", "failing"),
    [
        (9, {"document_number", "composite"}),
        (19, {"birth_date", "composite"}),
        (27, {"expiry_date", "composite"}),
        (42, {"optional_data", "composite"}),
        (43, {"composite"}),
    ],
)
def test_it_names_each_corrupted_check_digit_of_the_specimen(position, failing):
    line2 = SPECIMEN[1]
    corrupted = line2[:position] + str((int(line2[position]) + 1) % 10) + line2[position + 1 :]
    result = parse_mrz(SPECIMEN[0] + "\n" + corrupted, today=TODAY)
    assert not result.valid
    assert {name for name, ok in result.checks.items() if not ok} == failing
    assert {e.field for e in result.errors} == failing
    assert all(e.code == "mrz.check_digit" for e in result.errors)
    assert "check digit" in str(result.errors[0])


def test_a_corrupted_document_number_character_fails_its_check_and_the_composite():
    result = parse_mrz(SPECIMEN[0] + "\n" + "L898912C3" + SPECIMEN[1][9:], today=TODAY)
    assert {e.field for e in result.errors} == {"document_number", "composite"}


def with_check_digits(line2: str) -> str:
    """Recompute every TD3 line-2 check digit."""
    line2 = line2[:9] + check_digit(line2[:9]) + line2[10:19] + check_digit(line2[13:19]) + line2[20:]
    line2 = line2[:27] + check_digit(line2[21:27]) + line2[28:42] + check_digit(line2[28:42])
    return line2 + check_digit(line2[0:10] + line2[13:20] + line2[21:43])


def test_it_reports_an_impossible_date_even_when_the_check_digits_agree():
    line2 = with_check_digits(SPECIMEN[1][:13] + "741332" + SPECIMEN[1][19:])
    result = parse_mrz(SPECIMEN[0] + "\n" + line2, today=TODAY)
    assert result.birth_date is None
    assert [(e.field, e.code) for e in result.errors] == [("birth_date", "mrz.date")]


def test_it_reports_an_invalid_sex_marker():
    line2 = with_check_digits(SPECIMEN[1][:20] + "Q" + SPECIMEN[1][21:])
    result = parse_mrz(SPECIMEN[0] + "\n" + line2, today=TODAY)
    assert [(e.field, e.code) for e in result.errors] == [("sex", "mrz.sex")]


def test_an_unspecified_sex_reads_as_x():
    line2 = with_check_digits(SPECIMEN[1][:20] + "<" + SPECIMEN[1][21:])
    assert parse_mrz(SPECIMEN[0] + "\n" + line2, today=TODAY).sex == "X"


def test_birth_years_after_this_year_belong_to_the_last_century_and_expiry_is_always_20yy():
    line2 = with_check_digits(SPECIMEN[1][:13] + "250601" + SPECIMEN[1][19:21] + "990101" + SPECIMEN[1][27:])
    result = parse_mrz(SPECIMEN[0] + "\n" + line2, today=TODAY)
    assert result.birth_date == datetime.date(2025, 6, 1)
    assert result.expiry_date == datetime.date(2099, 1, 1)
    line2 = with_check_digits(SPECIMEN[1][:13] + "260101" + SPECIMEN[1][19:])
    assert parse_mrz(SPECIMEN[0] + "\n" + line2, today=TODAY).birth_date == datetime.date(1926, 1, 1)


def test_an_empty_personal_number_may_carry_check_digit_0_or_filler():
    for digit in "0<":
        line2 = "ZE000509<9CAN8501019F2301147<<<<<<<<<<<<<<" + digit + "8"
        result = parse_mrz("P<CANMARTIN<<SARAH<<<<<<<<<<<<<<<<<<<<<<<<<<\n" + line2, today=TODAY)
        assert result.valid, digit


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hello world", "mrz.format"),
        ("P<UTOERIKSSON<<ANNA\nL898902C36UTO\nX\nY", "mrz.format"),
        (SPECIMEN[0] + "\n" + SPECIMEN[1][:-1] + "!", "mrz.characters"),
    ],
)
def test_it_refuses_text_that_is_no_mrz(text, code):
    with pytest.raises(DocumentError) as caught:
        parse_mrz(text, today=TODAY)
    assert (caught.value.field, caught.value.code) == ("mrz", code)


def test_make_td3_rebuilds_the_icao_specimen_exactly():
    lines = make_td3(
        document_number="L898902C3",
        surname="Eriksson",
        given_names="Anna Maria",
        nationality="UTO",
        birth_date=datetime.date(1974, 8, 12),
        sex="F",
        expiry_date=datetime.date(2012, 4, 15),
        personal_number="ZE184226B",
    )
    assert lines == SPECIMEN


def test_make_td3_rebuilds_a_passport_with_an_empty_personal_number():
    lines = make_td3(
        document_number="ZE000509",
        surname="MARTIN",
        given_names="SARAH",
        nationality="CAN",
        birth_date=datetime.date(1985, 1, 1),
        sex="F",
        expiry_date=datetime.date(2023, 1, 14),
    )
    assert lines == (
        "P<CANMARTIN<<SARAH<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "ZE000509<9CAN8501019F2301147<<<<<<<<<<<<<<08",
    )


def test_make_td1_rebuilds_the_utopia_card_and_the_long_number_sample():
    common = {"nationality": "UTO", "optional_data": ""}
    utopia = make_td1(
        document_number="D23145890",
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        birth_date=datetime.date(1974, 8, 12),
        sex="F",
        expiry_date=datetime.date(2012, 4, 15),
        **common,
    )
    assert utopia == ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", ERIKSSON_TD1_NAME)
    long_number = make_td1(
        document_number="D23145890734",
        surname="STEVENSON",
        given_names="PETER JOHN",
        birth_date=datetime.date(1934, 7, 12),
        sex="M",
        expiry_date=datetime.date(2095, 7, 12),
        **common,
    )
    assert long_number[:2] == ("I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2")
    assert long_number[2] == STEVENSON_TD1_NAME


def test_names_are_written_with_mrz_characters_only():
    assert mrz_text("Müller-Lüdenscheidt") == "MUELLER<LUEDENSCHEIDT"
    assert mrz_text("O'Brien") == "OBRIEN"
    assert mrz_text("José María") == "JOSE<MARIA"
    with pytest.raises(ValueError):
        mrz_text("张伟")


def test_make_td3_refuses_a_document_number_over_nine_characters():
    with pytest.raises(ValueError):
        make_td3(
            document_number="ABCDEFGHIJ",
            surname="X",
            given_names="Y",
            nationality="UTO",
            birth_date=datetime.date(1980, 1, 1),
            sex="M",
            expiry_date=datetime.date(2030, 1, 1),
        )


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
fields = st.fixed_dictionaries(
    {
        "document_number": st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=6, max_size=9),
        "surname": names,
        "given_names": names,
        "nationality": st.sampled_from(["CHN", "USA", "GBR", "D", "RUS", "NGA", "UTO", "XXA"]),
        "birth_date": st.dates(min_value=datetime.date(1927, 1, 1), max_value=TODAY),
        "sex": st.sampled_from(["M", "F", "X"]),
        "expiry_date": st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    }
)


@given(fields=fields, personal=st.text(alphabet="ABC0123456789", max_size=14))
def test_make_td3_round_trips_through_parse(fields, personal):
    result = parse_mrz("\n".join(make_td3(**fields, personal_number=personal)), today=TODAY)
    assert result.valid, result.errors
    assert result.format == "TD3"
    assert (result.document_number, result.surname, result.given_names) == (
        fields["document_number"],
        fields["surname"],
        fields["given_names"],
    )
    assert (result.birth_date, result.expiry_date, result.sex) == (
        fields["birth_date"],
        fields["expiry_date"],
        fields["sex"],
    )
    assert (result.nationality, result.optional_data) == (fields["nationality"], personal)


@given(fields=fields, extra=st.text(alphabet="0123456789", max_size=5))
def test_make_td1_round_trips_through_parse_including_long_numbers(fields, extra):
    fields = {**fields, "document_number": fields["document_number"] + extra}
    result = parse_mrz("\n".join(make_td1(**fields, optional_data="12")), today=TODAY)
    assert result.valid, result.errors
    assert result.document_number == fields["document_number"]
    assert result.optional_data == "12"
