"""The OpenAPI document's patterns accept exactly what the server's parsers accept, except for the
rules the descriptions state (a real date, a check digit); checked on generated strings.

Patterns are matched with jsonschema_rs, the validator schemathesis uses (Rust, ECMA-262-like,
linear time), so these tests also show that a JSON Schema validator reads them as meant.
"""

from __future__ import annotations

import functools
import sys
from datetime import date

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import openapi
from app.clock import utcnow
from app.errors import ServiceError
from app.personal_info import normalise_email, normalise_name, normalise_phone, parse_birth_date
from app.pki.vid import _CENTURY, check_digit, parse_rrn
from app.rp.api import _r_value, _rrn
from app.rp.clients import _NONCE
from app.widget.sdk import _base64url, checked_text

SPACES = [chr(point) for point in range(sys.maxunicode + 1) if chr(point).isspace()]


@functools.cache
def _validator(pattern: str, max_length: int | None):
    schema: dict = {"type": "string", "pattern": pattern}
    if max_length is not None:
        schema["maxLength"] = max_length
    return jsonschema_rs.validator_for(schema)


def matches(pattern: str, value: str, max_length: int | None = None) -> bool:
    return _validator(pattern, max_length).is_valid(value)


def accepted(parse, value) -> bool:
    try:
        parse(value)
    except ServiceError:
        return False
    return True


def strings(*pieces: str, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text from the characters that matter to a rule, plus a few that never do."""
    alphabet = st.sampled_from(sorted({*"".join(pieces), *SPACES[:6], "\x00", "\x7f", "@", "x"}))
    return st.text(alphabet, max_size=max_size)


def test_the_whitespace_class_is_pythons():
    characters = (chr(point) for point in range(sys.maxunicode + 1) if not 0xD800 <= point <= 0xDFFF)
    assert [c for c in characters if matches(f"^{openapi.WS}$", c)] == SPACES


@settings(max_examples=400, deadline=None)
@given(
    strings(
        "홍길동김가힣",
        "\u1112\u1169\u11bc\u1100\u1161\u11a8",  # conjoining jamo: 홍, 각
        "AbZz\u212a",
        " .·-\u0387\u3000\t",
        "0",
    )
)
def test_the_name_pattern_is_normalise_name(value):
    server = accepted(normalise_name, value)
    if matches(openapi.NAME_PATTERN, value):
        assert server
    elif server:
        # Described: a precomposed syllable followed by a conjoining final consonant (NFC joins them).
        assert any("가" <= a <= "힣" and "\u11a8" <= b <= "\u11c2" for a, b in zip(value, value[1:], strict=False))


@pytest.mark.parametrize(
    "value",
    ["홍", "홍길동", "Hong Gildong", " 김  철수 ", "가" * 30, "가" + "  " * 29, "\u1112\u1169\u11bc\u1100\u1175\u11af"],
)
def test_names_the_server_accepts_match(value):
    assert accepted(normalise_name, value) and matches(openapi.NAME_PATTERN, value)


@pytest.mark.parametrize("value", ["가" * 31, "가 " * 16, "", " ", "-가", "가1", "가\x00나"])
def test_names_the_server_refuses_do_not_match(value):
    assert not accepted(normalise_name, value) and not matches(openapi.NAME_PATTERN, value)


@settings(max_examples=400, deadline=None)
@given(st.one_of(strings("0123456789", "- \u3000", max_size=20), st.from_regex(r"\A01[016789][0-9]{7,8}\Z")))
def test_the_phone_pattern_is_normalise_phone(value):
    assert matches(openapi.PHONE_PATTERN, value) == accepted(normalise_phone, value)


def _real_birth_date(digits: str) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= utcnow().date()


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        strings("0123456789", ".-", max_size=14),
        st.dates(date(1880, 1, 1), date(2100, 1, 1)).map(lambda day: day.strftime("%Y%m%d")),
        st.dates(date(1900, 1, 1)).map(lambda day: day.isoformat()),
    )
)
def test_the_birth_date_pattern_is_parse_birth_date_but_for_the_calendar(value):
    server = accepted(parse_birth_date, value)
    if matches(openapi.BIRTH_DATE_PATTERN, value):
        # What the description adds: a real date from 1900-01-01 to today.
        assert server == _real_birth_date("".join(c for c in value if c.isdigit()))
    else:
        assert not server


@settings(max_examples=400, deadline=None)
@given(st.one_of(strings("ab.@Z", "\t", max_size=20), st.emails().map(lambda email: f" {email} ")))
def test_the_email_patterns_are_normalise_email(value):
    pattern = matches(openapi.email_pattern(), value) and matches(openapi.email_length_pattern(), value)
    assert pattern == accepted(normalise_email, value)


def test_the_email_length_counts_without_the_surrounding_whitespace():
    longest = "a" * 108 + "@example.com"
    assert accepted(normalise_email, f"  {longest}  ")
    assert matches(openapi.email_length_pattern(), f"  {longest}  ")
    assert not matches(openapi.email_length_pattern(), "a" + longest)


def _valid_rrn(digits: str) -> bool:
    if check_digit(digits[:12]) != int(digits[12]):
        return False
    try:
        date(_CENTURY[digits[6]] + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(strings("0123456789", " -", max_size=18))
def test_the_rrn_pattern_is_parse_rrn_but_for_the_check_digit_and_date(value):
    server = accepted(parse_rrn, value)
    if matches(openapi.RRN_PATTERN, value):
        assert server == _valid_rrn("".join(c for c in value if c.isdigit()))
    else:
        assert not server


@settings(max_examples=300, deadline=None)
@given(strings("0123456789", " -", max_size=18))
def test_the_verify_rrn_pattern_is_the_verify_apis(value):
    assert matches(openapi.VERIFY_RRN_PATTERN, value) == accepted(_rrn, value)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(st.sampled_from("AZaz09+/-_=* "), max_size=100), st.from_regex(openapi.R_VALUE_PATTERN)))
def test_the_r_value_pattern_is_the_verify_apis(value):
    assert matches(openapi.R_VALUE_PATTERN, value) == accepted(_r_value, value)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("AZaz09-_=+/"), max_size=60))
def test_the_binary_and_hash_patterns_are_the_sdks(value):
    binary = matches(openapi.BINARY_PATTERN, value, openapi.BINARY_MAX_LENGTH)
    assert binary == accepted(lambda raw: _base64url(raw, "binaries", max_bytes=64 * 1024), value)
    hashed = matches(openapi.HASH_PATTERN, value)
    assert hashed == accepted(lambda raw: _base64url(raw, "hashes", exact_bytes=32), value)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("Aa0-_.~+/ =가"), max_size=140))
def test_the_nonce_pattern_is_the_services(value):
    assert matches(openapi.NONCE_PATTERN, value) == bool(_NONCE.fullmatch(value))


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.text(st.sampled_from("가a\n\t\r\x00\u202e\u200b\ufeff\ue000\U000e0001\U000f0000 "), max_size=10),
    )
)
def test_the_plain_text_pattern_is_checked_text(value):
    assert matches(openapi.plain_text_pattern(), value, 4000) == accepted(checked_text, value)
