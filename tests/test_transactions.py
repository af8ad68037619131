"""A widget transaction's life: one browser, the step table's moves only, a deadline, and a
result handed to the relying party once."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest

from app import contract
from app.clock import utcnow
from app.extensions import db
from app.models import WidgetTransaction
from app.step_machine import IllegalMove
from app.widget import cloud_access, signing, transactions
from app.widget.pin_entry import press_key
from app.widget.steps import STEPS, Flow, Step, advance
from app.widget.transactions import (
    TransactionExpired,
    TransactionFinished,
    TransactionForeign,
    TransactionMissing,
    load,
    open_transaction,
)
from tests.support import subscriber_with_certificate
from tests.widget_driver import WidgetBrowser
from tests.widget_services import HONG, PC, log_in, open_login, reach_cloud, reload

EXPIRED_MESSAGE = "요청 시간(10분)이 지났습니다. 이용기관 화면에서 처음부터 다시 시작해주세요."


def run_out_of_time(transaction) -> None:
    transaction.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_an_expired_transaction_is_closed_on_load_and_tells_the_rp_once(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    run_out_of_time(transaction)

    first = reload(transaction)
    assert (first.step, first.status) == (Step.CLOSED, "failed")
    assert first.notice == EXPIRED_MESSAGE
    assert first.handoff == {"ok": False, "code": contract.EXPIRED, "message": EXPIRED_MESSAGE}

    later = reload(first)
    assert later.step == Step.CLOSED and later.result["code"] == contract.EXPIRED
    assert later.handoff is None


def test_the_deadline_follows_the_configured_ttl(app, monkeypatch):
    monkeypatch.setitem(app.config, "TX_TTL", 180)
    transaction = open_login()
    assert timedelta(seconds=170) < transaction.expires_at - utcnow() <= timedelta(seconds=180)
    run_out_of_time(transaction)
    assert reload(transaction).notice.startswith("요청 시간(3분)이 지났습니다")


def test_a_post_to_an_expired_transaction_says_it_expired(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    run_out_of_time(transaction)
    expired = reload(transaction)
    with pytest.raises(TransactionExpired) as refused:
        cloud_access.submit_identity(expired, name=HONG.name, phone=HONG.phone, birth_date=HONG.birth_date)
    assert refused.value.status == 410 and refused.value.message == EXPIRED_MESSAGE


def test_a_transaction_still_in_time_is_not_closed(app):
    transaction = open_login()
    transaction.expires_at = utcnow() + timedelta(seconds=5)
    db.session.commit()
    again = reload(transaction)
    assert again.status == "open" and again.handoff is None


def test_a_transaction_of_another_browser_is_refused(app):
    transaction = open_login(PC)
    with pytest.raises(TransactionForeign) as refused:
        load(transaction.id, "another-browser")
    assert refused.value.status == 403
    with pytest.raises(TransactionForeign):
        load(transaction.id, None)  # a browser with no id yet


@pytest.mark.parametrize("transaction_id", ["no-such-transaction", "", "x" * 41, "a\x00b", "t/../x", "홍길동"])
def test_an_unknown_transaction_is_not_found(app, transaction_id):
    with pytest.raises(TransactionMissing) as refused:
        load(transaction_id, PC)
    assert refused.value.status == 404


def test_cancel_ends_the_request_with_800000(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    transactions.cancel(transaction)
    assert (transaction.step, transaction.status) == (Step.CLOSED, "cancelled")
    assert transaction.handoff == {"ok": False, "code": contract.CANCELLED, "message": "사용자가 취소했습니다."}
    with pytest.raises(TransactionFinished) as refused:
        transactions.cancel(transaction)
    assert refused.value.status == 409


def test_closing_the_bank_list_of_someone_without_a_certificate_is_not_a_cancellation(app):
    transaction = open_login()
    reach_cloud(transaction)  # 홍길동 has no cloud account: the banks are offered
    assert transaction.step == Step.NOCERT
    transactions.cancel(transaction)
    assert transaction.handoff["code"] == contract.NO_CERTIFICATE == "800007"
    assert transaction.handoff["message"].startswith("사용할 수 있는 금융인증서가 없습니다")


def test_a_finished_login_refuses_every_further_post(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction, _ = log_in(certificate_id=certificate.id)
    signature = transaction.result
    refusals = [
        lambda: cloud_access.begin(transaction, None),
        lambda: cloud_access.submit_identity(transaction, name=HONG.name, phone=HONG.phone, birth_date=HONG.birth_date),
        lambda: signing.choose_certificate(transaction, certificate.id),
        lambda: signing.choose_another(transaction),
        lambda: press_key(transaction, "erase"),
        lambda: transactions.cancel(transaction),
    ]
    for post in refusals:
        with pytest.raises(TransactionFinished):
            post()
    assert reload(transaction).result == signature  # the RP's result is unchanged


def test_a_post_for_another_step_is_out_of_order(app):
    subscriber_with_certificate()
    transaction = open_login()
    cloud_access.begin(transaction, None)
    with pytest.raises(IllegalMove) as refused:
        signing.choose_certificate(transaction, 1)
    assert refused.value.status == 409
    assert refused.value.message == "진행 순서가 올바르지 않습니다. 현재 단계부터 계속해주세요."
    with pytest.raises(IllegalMove):
        press_key(transaction, "erase")
    assert transaction.step == Step.IDENTIFY


def test_a_move_the_table_lacks_is_refused(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    with pytest.raises(IllegalMove):
        advance(transaction, Step.PIN)  # 가입정보 straight to the PIN
    assert transaction.step == Step.IDENTIFY
    advance(transaction, Step.SMS)  # the move the table has
    assert transaction.step == Step.SMS


def test_a_final_step_is_final(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    transactions.cancel(transaction)
    for target in (Step.IDENTIFY, Step.CLOSED, Step.DONE):
        with pytest.raises(IllegalMove):
            advance(transaction, target)


@pytest.mark.parametrize(
    ("flow", "at", "target"),
    [
        (Flow.ISSUE, Step.IDENTIFY, Step.SELECT),  # not a move of any flow from here
        (Flow.ISSUE, Step.SMS, Step.CONSENT),  # a move of the sign flow, not of stage 2
        (Flow.ISSUE, Step.SMS, Step.MANAGE),
        (Flow.ISSUE, Step.IDENTIFY, Step.REMOTE),
        (Flow.SIGN, Step.SMS, Step.NEW_PIN),  # a move of stage 2, not of a login
        (Flow.MANAGE, Step.SELECT, Step.PIN),
    ],
)
def test_a_step_of_another_flow_is_refused(app, flow, at, target):
    transaction = open_transaction(flow, PC)
    transaction.step = at.value
    with pytest.raises(IllegalMove):
        advance(transaction, target)
    assert transaction.step == at


def test_an_issuance_never_reaches_the_certificate_list(app):
    assert Step.SELECT not in STEPS.reachable(Flow.ISSUE)
    assert Step.SELECT in STEPS.reachable(Flow.SIGN)


def test_the_same_moves_work_in_their_own_flow(app):
    login = open_transaction(Flow.SIGN, PC, client=None)
    login.step = Step.SMS.value
    advance(login, Step.CONSENT)
    issue = open_transaction(Flow.ISSUE, PC)
    issue.step = Step.SMS.value
    advance(issue, Step.NEW_PIN)
    assert (login.step, issue.step) == (Step.CONSENT, Step.NEW_PIN)


def test_each_flow_starts_on_its_entry_step(app):
    assert open_login().step == Step.START
    assert open_transaction(Flow.ISSUE, PC).step == Step.IDENTIFY
    assert open_transaction(Flow.MANAGE, PC).step == Step.START


def handed_over(page) -> dict | None:
    """The result a widget page hands to the RP page, if any."""
    match = re.search(r'data-fincert-result="([^"]*)"', page.get_data(as_text=True))
    return json.loads(html.unescape(match.group(1))) if match else None


def test_over_http_the_expiry_is_shown_where_the_person_typed_and_handed_over_once(app, client):
    browser = WidgetBrowser(app, client)
    for transaction in db.session.scalars(db.select(WidgetTransaction)):
        run_out_of_time(transaction)
    refused = browser.identify()
    assert refused.status_code == 410
    assert EXPIRED_MESSAGE in refused.get_data(as_text=True)
    assert handed_over(refused) == {"ok": False, "code": contract.EXPIRED, "message": EXPIRED_MESSAGE}
    later = client.get(browser.url)
    assert later.status_code == 200 and EXPIRED_MESSAGE in later.get_data(as_text=True)
    assert handed_over(later) is None
