"""The secure keypad (보안 키패드): shuffled for every entry, opaque keys; with JavaScript a
whole entry in one post of six tokens (spent once, refused if replayed or altered); without
it one post per key, the typed digits sealed, the PIN submitted by its sixth digit."""

from __future__ import annotations

import json

import pytest
from cryptography.exceptions import InvalidTag

from app.extensions import db
from app.models import WidgetTransaction
from app.widget import keypad as keypads
from app.widget import signing
from app.widget.keypad import UnknownKey
from app.widget.pin_entry import press_key, submit_entry
from app.widget.steps import KeypadUse, Step
from app.widget.transactions import TransactionFinished
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_driver import WidgetBrowser
from tests.widget_services import key_for, open_login, press_keys, reach_cloud, type_pin

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
    outcome = press_keys(at_the_pin, DEFAULT_PIN[2:])  # 24 + 6813: the erased 9 is gone
    assert outcome.error is None and at_the_pin.step == Step.DONE


def test_clear_empties_the_entry(at_the_pin):
    for digit in "97531":
        press_key(at_the_pin, key_for(at_the_pin, digit))
    press_key(at_the_pin, "clear")
    assert typed_dots(at_the_pin) == 0
    press_keys(at_the_pin, DEFAULT_PIN)
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


# --- one post per entry (the keypad with JavaScript) ------------------------------------------


def entry_tokens(transaction: WidgetTransaction, pin: str = DEFAULT_PIN) -> list[str]:
    return [key_for(transaction, digit) for digit in pin]


def failures_of(transaction: WidgetTransaction) -> int:
    from app.widget.lookups import certificate_of

    return certificate_of(transaction).pin_failures


def test_one_entry_of_six_tokens_signs(at_the_pin):
    outcome = submit_entry(at_the_pin, entry_tokens(at_the_pin))
    assert outcome.finished_entry and outcome.error is None
    assert at_the_pin.step == Step.DONE and at_the_pin.result["ok"]


def test_a_repeated_digit_is_the_same_token_twice(at_the_pin):
    tokens = entry_tokens(at_the_pin, "113355")
    assert tokens[0] == tokens[1]
    assert submit_entry(at_the_pin, tokens).error == "비밀번호 1/5회 오류"  # an entry, just not the PIN


def test_a_wrong_entry_spends_its_tokens_and_a_replay_is_refused(at_the_pin):
    wrong = entry_tokens(at_the_pin, WRONG_PIN)
    assert submit_entry(at_the_pin, wrong).error == "비밀번호 1/5회 오류"
    new_keypad = at_the_pin.keypad
    with pytest.raises(UnknownKey) as refused:
        submit_entry(at_the_pin, wrong)
    assert (refused.value.status, refused.value.field) == (422, "pin")
    assert failures_of(at_the_pin) == 1  # the replay was not a second attempt
    assert at_the_pin.keypad == new_keypad


def test_a_right_entry_replayed_after_it_signed_is_refused(at_the_pin):
    tokens = entry_tokens(at_the_pin)
    submit_entry(at_the_pin, tokens)
    with pytest.raises(TransactionFinished):
        submit_entry(at_the_pin, tokens)


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda tokens: tokens[:5], id="five tokens"),
        pytest.param(lambda tokens: [*tokens, tokens[0]], id="seven tokens"),
        pytest.param(
            lambda tokens: [*tokens[:5], tokens[5][:-1] + ("A" if tokens[5][-1] != "A" else "B")], id="edited"
        ),
        pytest.param(lambda tokens: [*tokens[:5], "7"], id="a digit"),
        pytest.param(lambda tokens: [*tokens[:5], "erase"], id="a tool"),
        pytest.param(lambda tokens: [*tokens[:5], ""], id="empty"),
        pytest.param(lambda tokens: [*tokens[:5], "None"], id="a blank key"),
    ],
)
def test_an_altered_entry_is_refused_and_changes_nothing(at_the_pin, alter):
    keypad = at_the_pin.keypad
    with pytest.raises(UnknownKey):
        submit_entry(at_the_pin, alter(entry_tokens(at_the_pin)))
    assert failures_of(at_the_pin) == 0 and at_the_pin.keypad == keypad and at_the_pin.step == Step.PIN
    assert submit_entry(at_the_pin, entry_tokens(at_the_pin)).error is None  # the real entry still works


def test_tokens_of_another_transactions_keypad_are_refused(at_the_pin):
    other = open_login("another-pc")
    reach_cloud(other)
    signing.choose_certificate(other, at_the_pin.certificate_id)
    with pytest.raises(UnknownKey):
        submit_entry(at_the_pin, entry_tokens(other))
    assert failures_of(at_the_pin) == 0


# --- the two keypads over HTTP ------------------------------------------------------------------


def test_the_keypad_page_offers_the_one_post_entry_and_the_per_key_form(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    page = browser.reach_pin()
    assert f'data-entry-url="{browser.url}/pin"' in page  # widget.js posts the whole entry here
    assert f'<form method="post" action="{browser.url}/keypad"' in page  # without JavaScript
    assert "hx-post" not in page.split('class="keypad"', 1)[1].split("</form>", 1)[0]


def test_one_post_of_six_tokens_finishes_the_login(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    browser.reach_pin()
    answer = browser.enter_pin(DEFAULT_PIN)
    assert answer.status_code == 200 and "data-fincert-result" in answer.get_data(as_text=True)


def test_a_tampered_entry_gets_the_keypad_again_with_a_message(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    browser.reach_pin()
    tokens = browser.keypad_tokens()
    entry = [tokens[digit] for digit in DEFAULT_PIN]
    entry[2] = entry[2][::-1]
    answer = browser.post("pin", entry=",".join(entry))
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "키패드가 바뀌었습니다. 다시 입력해주세요." in body
    assert browser.keypad_tokens() == tokens  # nothing spent: the same keypad takes the real entry
    assert "data-fincert-result" in browser.enter_pin(DEFAULT_PIN).get_data(as_text=True)


def test_a_replayed_entry_is_refused(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    browser.reach_pin()
    tokens = browser.keypad_tokens()
    wrong = ",".join(tokens[digit] for digit in WRONG_PIN)
    assert "비밀번호 1/5회 오류" in browser.post("pin", entry=wrong).get_data(as_text=True)
    replay = browser.post("pin", entry=wrong)
    assert replay.status_code == 422 and "키패드가 바뀌었습니다" in replay.get_data(as_text=True)
    assert "1/5회" not in replay.get_data(as_text=True) and "2/5회" not in replay.get_data(as_text=True)


def test_without_javascript_each_key_is_a_plain_post_answered_with_the_whole_page(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    browser.reach_pin()
    tokens = browser.keypad_tokens()
    for typed, digit in enumerate(DEFAULT_PIN[:5], start=1):
        page = client.post(f"{browser.url}/keypad", data={"csrf_token": browser.token, "key": tokens[digit]})
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and body.startswith("<!doctype html>")
        assert f"{typed}자리 입력됨" in body
    done = client.post(f"{browser.url}/keypad", data={"csrf_token": browser.token, "key": tokens[DEFAULT_PIN[5]]})
    assert done.status_code == 200 and "data-fincert-result" in done.get_data(as_text=True)
