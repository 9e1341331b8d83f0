import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civitas.documents.errors import DocumentError
from civitas.documents.idnumbers import (
    PROVINCES,
    check_character,
    find_resident_id_errors,
    make_resident_id,
    mask_resident_id,
    parse_resident_id,
    province_of,
)

TODAY = datetime.date(2025, 6, 1)
APPENDIX_EXAMPLE = "11010519491231002X"  # GB 11643-1999 appendix


def rejects(text: str, code: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_resident_id(text, today=TODAY)
    assert caught.value.field == "id_number"
    assert caught.value.code == code
    assert "Identity number" in str(caught.value)
    return caught.value


def test_it_accepts_the_gb_11643_appendix_example_as_a_woman_born_1949_12_31():
    parsed = parse_resident_id(APPENDIX_EXAMPLE, today=TODAY)
    assert parsed.number == APPENDIX_EXAMPLE
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.place_code == "110105"
    assert parsed.province_code == "11"
    assert parsed.sequence == "002"
    assert parsed.kind == "resident"


def test_it_accepts_lower_case_x_and_spaces():
    assert parse_resident_id(" 110105 19491231 002x ", today=TODAY).number == APPENDIX_EXAMPLE


def test_the_result_is_immutable():
    parsed = parse_resident_id(APPENDIX_EXAMPLE, today=TODAY)
    with pytest.raises(AttributeError):
        parsed.sex = "M"  # type: ignore[misc]


@pytest.mark.parametrize("wrong", ["0", "1", "9"])
def test_it_rejects_a_wrong_check_digit(wrong):
    error = rejects(APPENDIX_EXAMPLE[:17] + wrong, "id.check_digit")
    assert APPENDIX_EXAMPLE[6:14] not in str(error)  # messages never leak the number's digits


def test_it_rejects_a_transposition_of_two_digits():
    rejects("11010519491213002X", "id.check_digit")


@pytest.mark.parametrize("date", ["19490230", "19491301", "19490000", "20230229"])
def test_it_rejects_an_impossible_birth_date_even_with_a_correct_check_digit(date):
    first17 = "330782" + date + "123"
    rejects(first17 + check_character(first17), "id.date")


def test_it_rejects_a_birth_date_in_the_future():
    rejects(make_resident_id("330782", datetime.date(2025, 6, 2), 123), "id.date_range")


def test_it_rejects_a_birth_date_before_1900():
    rejects(make_resident_id("330782", datetime.date(1899, 12, 31), 123), "id.date_range")


def test_it_accepts_someone_born_today():
    assert parse_resident_id(make_resident_id("330782", TODAY, 1), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize("place", ["330782", "330725", "339007", "332526"])
def test_it_accepts_every_place_code_yiwu_residents_hold_including_historical_ones(place):
    number = make_resident_id(place, datetime.date(1965, 3, 8), 417)
    parsed = parse_resident_id(number, today=TODAY)
    assert parsed.place_code == place
    assert parsed.province_code == "33"
    assert parsed.sex == "M"


def test_it_accepts_a_place_code_created_after_the_birth_year():
    # 330782 (Yiwu city) dates from 1988; people born earlier may still hold it
    number = make_resident_id("330782", datetime.date(1950, 1, 1), 10)
    assert parse_resident_id(number, today=TODAY).sex == "F"


@pytest.mark.parametrize(("prefix", "kind"), [("810000", "hk"), ("820000", "macao"), ("830000", "taiwan")])
def test_it_reads_hong_kong_macao_and_taiwan_residence_permit_numbers(prefix, kind):
    parsed = parse_resident_id(make_resident_id(prefix, datetime.date(1990, 5, 17), 35), today=TODAY)
    assert parsed.kind == kind
    assert parsed.province_code == prefix[:2]


def test_an_81_prefix_number_is_a_hong_kong_residents_permit():
    parsed = parse_resident_id("810000199408230021", today=TODAY)
    assert (parsed.kind, parsed.sex, parsed.birth_date) == ("hk", "F", datetime.date(1994, 8, 23))
    assert province_of(parsed.number) == ("香港特别行政区", "Hong Kong")


@pytest.mark.parametrize("prefix", ["000000", "100000", "160000", "390000", "700000", "840000", "990000"])
def test_it_rejects_a_number_whose_first_two_digits_are_no_province(prefix):
    first17 = prefix + "19800101" + "123"
    rejects(first17 + check_character(first17), "id.province")


@pytest.mark.parametrize("text", ["", "11010519491231002", "11010519491231002X1", "330782"])
def test_it_rejects_a_number_of_the_wrong_length(text):
    rejects(text, "id.length")


@pytest.mark.parametrize("text", ["1101051949123100XX", "11010519491231O02X", "11010519491231002Y"])
def test_it_rejects_letters_other_than_a_final_x(text):
    rejects(text, "id.characters")


def test_it_lists_every_broken_rule_at_once():
    codes = [e.code for e in find_resident_id_errors("990105194902300021", today=TODAY)]
    assert codes == ["id.province", "id.date", "id.check_digit"]


def test_it_masks_all_but_the_first_six_and_last_four():
    assert mask_resident_id("33078219850412123X") == "33**************3X"
    assert mask_resident_id("33078219850412123x") == "33**************3X"
    assert mask_resident_id("1234") == "****"


def test_there_are_34_provincial_divisions_with_chinese_and_english_names():
    assert len(PROVINCES) == 34
    assert PROVINCES["33"] == ("浙江省", "Zhejiang")
    assert province_of("330782") == ("浙江省", "Zhejiang")
    assert province_of("83") == ("台湾省", "Taiwan")
    assert province_of("99") is None


def test_make_resident_id_refuses_bad_arguments():
    with pytest.raises(ValueError):
        make_resident_id("3307", datetime.date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_resident_id("990000", datetime.date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_resident_id("330782", datetime.date(1990, 1, 1), 1000)


place_codes = st.sampled_from(sorted(set(PROVINCES) | {"83"})).flatmap(
    lambda province: st.from_regex(r"\A[0-9]{4}\Z").map(lambda rest: province + rest)
)


@given(
    place=place_codes,
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_make_resident_id_round_trips_through_parse(place, birth, sequence):
    number = make_resident_id(place, birth, sequence)
    parsed = parse_resident_id(number, today=TODAY)
    assert (parsed.place_code, parsed.birth_date, int(parsed.sequence)) == (place, birth, sequence)
    assert parsed.sex == ("M" if sequence % 2 else "F")
    assert parsed.number == number


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_caught(birth, sequence, position, delta):
    number = make_resident_id("330782", birth, sequence)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert find_resident_id_errors(changed, today=TODAY)
