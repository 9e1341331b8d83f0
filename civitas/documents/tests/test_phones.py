import pytest

from civitas.documents.errors import DocumentError
from civitas.documents.phones import is_valid_phone, mask_phone, normalise_phone


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0086 13812345678",
        "+8613812345678",
    ],
)
def test_it_stores_a_chinese_mobile_number_in_e164(text):
    assert normalise_phone(text) == "+8613812345678"


def test_it_reads_a_yiwu_landline_with_its_area_code():
    assert normalise_phone("0579-8512 3456") == "+8657985123456"


def test_it_keeps_a_foreign_number_typed_with_its_country_code():
    assert normalise_phone("+971 50 123 4567") == "+971501234567"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


def test_another_default_region_reads_national_numbers_of_that_country():
    assert normalise_phone("050 123 4567", default_region="AE") == "+971501234567"


@pytest.mark.parametrize("text", ["", "12345", "not a phone", "1381234567", "+86 000 0000 0000"])
def test_it_rejects_an_invalid_number_with_field_and_code(text):
    with pytest.raises(DocumentError) as caught:
        normalise_phone(text)
    assert (caught.value.field, caught.value.code) == ("phone", "phone.invalid")
    assert "Phone" in str(caught.value)
    assert not is_valid_phone(text)


def test_it_masks_the_middle_of_a_mobile_number():
    assert mask_phone("+8613812345678") == "+86 138****5678"


def test_it_masks_a_foreign_number_the_same_way():
    assert mask_phone("+971501234567") == "+971 501**4567"
