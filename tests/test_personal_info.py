"""가입정보 rules: Korean mobile numbers, 8-digit birth dates, names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.personal_info import InvalidField, normalise_name, normalise_phone, parse_birth_date


@pytest.mark.parametrize("raw", ["010-1234-5678", "01012345678", " 010 1234 5678 "])
def test_mobile_numbers_are_accepted_with_or_without_dashes(raw):
    assert normalise_phone(raw) == "01012345678"


@pytest.mark.parametrize("raw", ["", "02-123-4567", "0101234", "010-1234-56789", "abc", "010-1234-567８"])
def test_other_numbers_are_refused_in_korean(raw):
    with pytest.raises(InvalidField) as error:
        normalise_phone(raw)
    assert "휴대폰번호" in error.value.message


def test_birth_date_must_be_eight_digits_a_real_date_and_not_future():
    assert parse_birth_date("19900101") == date(1990, 1, 1)
    for raw, words in [("900101", "8자리"), ("19900230", "존재하지 않는"), ("", "8자리")]:
        with pytest.raises(InvalidField) as error:
            parse_birth_date(raw)
        assert words in error.value.message
    tomorrow = (date.today() + timedelta(days=2)).strftime("%Y%m%d")
    with pytest.raises(InvalidField, match="미래"):
        parse_birth_date(tomorrow)


def test_names_are_normalised_to_nfc_and_checked():
    decomposed = "\u1100\u1161\u11bc\u1100\u1175\u11af\u1103\u1169\u11bc"  # 강길동 in jamo
    assert normalise_name(decomposed) == "강길동"
    for bad in ["", "   ", "홍\x00길동", "<script>", "a" * 31]:
        with pytest.raises(InvalidField):
            normalise_name(bad)
