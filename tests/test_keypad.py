"""The secure keypad (보안 키패드): shuffled for every entry, opaque keys, sealed digits, and a
PIN submitted by its sixth digit."""

from __future__ import annotations

import json

import pytest
from cryptography.exceptions import InvalidTag

from app.extensions import db
from app.models import WidgetTransaction
from app.widget import keypad as keypads
from app.widget import signing
from app.widget.keypad import UnknownKey
from app.widget.pin_entry import press_key
from app.widget.steps import KeypadUse, Step
from app.widget.transactions import TransactionFinished
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_services import key_for, open_login, reach_cloud, type_pin

WRONG_PIN = "975310"


@pytest.fixture
def at_the_pin(app) -> WidgetTransaction:
    """A login on 비밀번호 입력 for 홍길동's only certificate."""
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    assert transaction.step == Step.PIN
    return transaction


def tokens_of(keypad: dict) -> list[str]:
    return [key["token"] for key in keypad["keys"] if key["token"]]


def typed_dots(transaction: WidgetTransaction) -> int:
    """How many dots the PIN field shows."""
    return keypads.typed_count(transaction.keypad, transaction.id)


def test_a_keypad_has_ten_digit_keys_and_two_inert_blanks_with_opaque_unique_tokens(app):
    keypad = keypads.new_keypad(KeypadUse.PIN, "some-transaction")
    keys = keypad["keys"]
    assert len(keys) == 12
    assert sorted(key["digit"] for key in keys if key["digit"]) == list("0123456789")
    blanks = [key for key in keys if key["digit"] is None]
    assert len(blanks) == 2 and all(key["token"] is None for key in blanks)
    tokens = tokens_of(keypad)
    assert len(tokens) == len(set(tokens)) == 10
    assert all(len(token) >= 12 for token in tokens)
    assert all(key["token"] != key["digit"] and not key["token"].isdigit() for key in keys if key["token"])
    # Not a fixed code for each digit either: the next keypad's tokens are all new.
    assert not set(tokens) & set(tokens_of(keypads.new_keypad(KeypadUse.PIN, "some-transaction")))


def test_every_entry_gets_a_new_shuffle(app):
    layouts = {tuple(key["digit"] for key in keypads.new_keypad(KeypadUse.PIN, "tx")["keys"]) for _ in range(20)}
    assert len(layouts) > 1  # 12!/2 layouts: twenty equal ones would mean no shuffle at all


def test_a_wrong_pin_brings_a_freshly_shuffled_keypad(at_the_pin):
    before = tokens_of(at_the_pin.keypad)
    outcome = type_pin(at_the_pin, WRONG_PIN)
    assert outcome.error == "비밀번호 1/5회 오류"
    after = tokens_of(at_the_pin.keypad)
    assert not set(before) & set(after)
    assert typed_dots(at_the_pin) == 0


def test_erase_takes_back_the_last_digit(at_the_pin):
    for digit in "249":
        press_key(at_the_pin, key_for(at_the_pin, digit))
    press_key(at_the_pin, "erase")
    assert typed_dots(at_the_pin) == 2
    outcome = type_pin(at_the_pin, DEFAULT_PIN[2:])  # 24 + 6813: the erased 9 is gone
    assert outcome.error is None and at_the_pin.step == Step.DONE


def test_clear_empties_the_entry(at_the_pin):
    for digit in "97531":
        press_key(at_the_pin, key_for(at_the_pin, digit))
    press_key(at_the_pin, "clear")
    assert typed_dots(at_the_pin) == 0
    type_pin(at_the_pin, DEFAULT_PIN)
    assert at_the_pin.step == Step.DONE and at_the_pin.result["ok"]


def test_erase_and_clear_on_an_empty_entry_do_nothing(at_the_pin):
    press_key(at_the_pin, "erase")
    press_key(at_the_pin, "clear")
    assert typed_dots(at_the_pin) == 0 and at_the_pin.step == Step.PIN


def test_typed_digits_are_stored_sealed(at_the_pin):
    for digit in DEFAULT_PIN[:5]:
        press_key(at_the_pin, key_for(at_the_pin, digit))
    db.session.expire_all()
    stored = db.session.scalars(db.select(WidgetTransaction.keypad).where(WidgetTransaction.id == at_the_pin.id)).one()
    assert DEFAULT_PIN[:5] not in json.dumps(stored)
    assert not stored["typed"].isdigit()
    # The seal is bound to this transaction: another one's context cannot open it.
    with pytest.raises(InvalidTag):
        keypads.typed(stored, "another-transaction")


def test_a_digit_itself_is_not_a_key(at_the_pin):
    with pytest.raises(UnknownKey) as refused:
        press_key(at_the_pin, "2")
    assert (refused.value.status, refused.value.field) == (422, "pin")


def test_a_key_of_another_transactions_keypad_is_refused(at_the_pin):
    other = open_login("another-pc")
    reach_cloud(other)
    signing.choose_certificate(other, at_the_pin.certificate_id)
    press_key(at_the_pin, key_for(at_the_pin, "2"))
    with pytest.raises(UnknownKey) as refused:
        press_key(at_the_pin, key_for(other, "4"))
    assert refused.value.status == 422 and refused.value.field == "pin"
    assert refused.value.message == "키패드가 바뀌었습니다. 다시 입력해주세요."


def test_a_key_of_an_older_keypad_is_refused(at_the_pin):
    old_key = key_for(at_the_pin, "2")
    type_pin(at_the_pin, WRONG_PIN)  # the next entry gets a new keypad
    with pytest.raises(UnknownKey):
        press_key(at_the_pin, old_key)


def test_the_sixth_digit_submits_the_entry(at_the_pin):
    for digit in DEFAULT_PIN[:5]:
        outcome = press_key(at_the_pin, key_for(at_the_pin, digit))
        assert not outcome.finished_entry
    assert at_the_pin.step == Step.PIN and typed_dots(at_the_pin) == 5
    outcome = press_key(at_the_pin, key_for(at_the_pin, DEFAULT_PIN[5]))
    assert outcome.finished_entry and outcome.error is None
    assert at_the_pin.step == Step.DONE and at_the_pin.result["ok"]


def test_a_press_after_the_request_finished_is_refused(at_the_pin):
    key = key_for(at_the_pin, "1")
    type_pin(at_the_pin, DEFAULT_PIN)
    with pytest.raises(TransactionFinished) as refused:
        press_key(at_the_pin, key)
    assert refused.value.status == 409
