"""Encryption at rest and blind indexes: nothing in clear, bound to its field, keyed, tamper-evident."""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from civitas.privacy.crypto import blind_index, decrypt, encrypt

NUMBER = "11010519491231002X"
OTHER_KEY = b64encode(bytes(range(32))).decode()


def test_a_number_is_stored_encrypted_and_reads_back() -> None:
    token = encrypt(NUMBER, context="person.doc")
    assert token.startswith("v1:") and NUMBER not in token and "1949" not in token
    assert decrypt(token, context="person.doc") == NUMBER


def test_the_same_number_encrypts_differently_each_time() -> None:
    assert encrypt(NUMBER, context="person.doc") != encrypt(NUMBER, context="person.doc")


def test_a_ciphertext_moved_to_another_field_does_not_decrypt() -> None:
    token = encrypt("+8613800138000", context="person.phone")
    with pytest.raises(InvalidTag):
        decrypt(token, context="person.doc")


def test_an_edited_ciphertext_is_refused() -> None:
    token = encrypt(NUMBER, context="person.doc")
    raw = bytearray(b64decode(token[3:]))
    for position in (0, 12, len(raw) - 1):  # the nonce, the ciphertext, the tag
        edited = bytearray(raw)
        edited[position] ^= 0x01
        with pytest.raises(InvalidTag):
            decrypt("v1:" + b64encode(bytes(edited)).decode(), context="person.doc")
    with pytest.raises(ValueError):
        decrypt("v0:" + token[3:], context="person.doc")


def test_a_ciphertext_does_not_decrypt_under_another_data_key(settings: Any) -> None:
    token = encrypt(NUMBER, context="person.doc")
    settings.CIVITAS_DATA_KEY = OTHER_KEY
    with pytest.raises(InvalidTag):
        decrypt(token, context="person.doc")


def test_a_data_key_of_the_wrong_length_is_refused(settings: Any) -> None:
    settings.CIVITAS_DATA_KEY = b64encode(b"short").decode()
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt(NUMBER, context="person.doc")


def test_the_blind_index_finds_the_same_number_however_it_is_typed_and_reveals_nothing() -> None:
    index = blind_index(NUMBER, context="person.doc")
    assert blind_index(" 11010519491231002x ", context="person.doc") == index
    assert NUMBER not in index and len(index) == 40
    assert blind_index("110105194912310021", context="person.doc") != index


def test_the_blind_index_depends_on_the_field_and_on_the_secret_key(settings: Any) -> None:
    index = blind_index(NUMBER, context="person.doc")
    assert blind_index(NUMBER, context="person.phone") != index
    settings.CIVITAS_INDEX_KEY = OTHER_KEY
    assert blind_index(NUMBER, context="person.doc") != index
