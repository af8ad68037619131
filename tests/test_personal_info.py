"""가입정보 rules: Korean mobile numbers, 8-digit birth dates, names; text that shows as itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.banks import search_banks
from app.personal_info import (
    InvalidField,
    is_displayable,
    normalise_name,
    normalise_phone,
    parse_birth_date,
    refuse_control_characters,
)
from app.ra.orders import create_api_key
from tests.test_bank_issuance import KB_OTP_CUSTOMER, Bank
from tests.widget_driver import WidgetBrowser


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


# --- text that does not show as itself ---------------------------------------------------

HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right mark": "\u200e",
    "first strong isolate": "\u2068",
    "zero-width space": "\u200b",
    "byte order mark": "\ufeff",
    "tab": "\t",
    "newline": "\n",
    "C1 control": "\x85",
    "line separator": "\u2028",
    "private use": "\ue000",
    "Hangul filler": "\u3164",
}


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_name_with_a_hidden_character_is_refused_as_such_on_its_field(hidden):
    with pytest.raises(InvalidField) as refused:
        normalise_name(f"홍{hidden}길동", field="applicant_name")
    assert refused.value.field == "applicant_name"
    assert refused.value.message.startswith("이름에는 제어 문자나 방향 표시 문자처럼")


def test_displayable_text_may_have_lines_only_where_lines_are_allowed():
    assert is_displayable("결제 39,000원")
    assert not is_displayable("결제\n39,000원")
    assert is_displayable("결제\r\n39,000원\t(부가세 포함)", multiline=True)
    assert not is_displayable("결제 \u202e000,93\u202c원", multiline=True)


def test_text_is_nfc_before_it_is_used():
    decomposed = "\u1112\u1169\u11bc"  # 홍 in jamo
    assert refuse_control_characters(decomposed, "memo") == "홍"
    assert search_banks("\u1100\u116e\u11a8\u1106\u1175\u11ab")[0].code == "004"  # 국민, decomposed


def test_the_widget_refuses_a_bidi_name_with_a_422_on_the_name_field(app, client):
    browser = WidgetBrowser(app, client)
    response = browser.identify(name="홍길\u202e동")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in body and "방향 표시 문자" in body


def test_the_apis_name_the_field_with_a_hidden_character(client):
    key = create_api_key("004")
    order = {"name": "홍\u200b길동", "phone": "01012345678", "birth_date": "19900101", "kind": "issue"}
    response = client.post("/api/v1/ra/orders", json=order, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["name"]
    assert "방향 표시 문자" in response.json["error"]["fields"]["name"]


@pytest.mark.parametrize("field", ["name", "ib_id"])
def test_the_bank_form_refuses_hidden_characters_in_its_text_fields(client, field):
    bank = Bank(client)
    response = bank.through_customer(**{field: KB_OTP_CUSTOMER[field] + "\u202e"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in body and "방향 표시 문자" in body
