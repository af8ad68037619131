"""The rotating QR code of 휴대폰으로 인증: fresh codes work once, old or forged ones never."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import contract
from app.clock import utcnow
from app.extensions import db
from app.rp.clients import DEMO_ORG_CODE
from app.widget import cloud_access, remote, rotating_qr, signing, transactions
from app.widget.steps import Flow, Step
from app.widget.transactions import open_transaction
from tests.support import subscriber_with_certificate
from tests.widget_services import HONG, USER_AGENT, prove_phone, reload, type_pin, verified_by_rp


@pytest.fixture
def pc_transaction(app, monkeypatch):
    """A PC waiting with its QR code, on a clock that only the test moves."""
    from app.models import RpClient

    frozen = utcnow()
    monkeypatch.setattr(remote, "utcnow", lambda: frozen)
    monkeypatch.setattr(rotating_qr, "utcnow", lambda: frozen)

    with app.test_request_context():
        transaction = open_transaction(
            Flow.SIGN,
            "pc-browser",
            client=db.session.get(RpClient, DEMO_ORG_CODE),
            origin="http://localhost:5000",
            sign_type="01",
            plain_texts=["로그인"],
            nonce="n" * 20,
        )
        transaction.step = "identify"
        remote.start_on_phone(transaction)
        yield transaction


def code_in(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_the_code_rotates_and_the_previous_one_still_works(pc_transaction):
    first = rotating_qr.qr_url(pc_transaction)
    later = rotating_qr.qr_url(pc_transaction, utcnow() + timedelta(seconds=rotating_qr.ROTATE_SECONDS))
    assert first != later
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS)  # one slot has passed
    phone = remote.claim(pc_transaction.id, code_in(first), "phone-browser")
    assert phone.parent_id == pc_transaction.id and phone.pair_code == pc_transaction.pair_code


def test_an_old_code_is_refused(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS * 3)
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, code_in(url), "phone-browser")


@pytest.mark.parametrize("forged", ["0.000000000000000000000000", "x.y", "", "99999.abc"])
def test_a_forged_code_is_refused(pc_transaction, forged):
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, forged, "phone-browser")


def test_a_code_claims_the_request_once(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    remote.claim(pc_transaction.id, code_in(url), "phone-browser")
    with pytest.raises(remote.QrUsed):
        remote.claim(pc_transaction.id, code_in(url), "another-phone")


# --- the phone finishes (or ends) the PC's request ------------------------------------------

PHONE = "phone-browser"


def claimed_on_phone(pc_transaction):
    """The phone opened the QR code and confirmed that both screens show the same code."""
    phone = remote.claim(pc_transaction.id, code_in(rotating_qr.qr_url(pc_transaction)), PHONE)
    assert phone.step == Step.PAIR and phone.pair_code == pc_transaction.pair_code
    remote.confirm_pairing(phone, None)
    assert phone.step == Step.IDENTIFY
    return phone


def test_a_phone_finishes_the_pcs_login_and_the_pcs_poll_hands_the_result_over_once(pc_transaction):
    _subscriber, certificate = subscriber_with_certificate()
    serial = certificate.serial
    phone = claimed_on_phone(pc_transaction)
    prove_phone(phone)
    cloud_access.grant_cloud_access(phone, auto_connect=False, user_agent=USER_AGENT)
    signing.choose_certificate(phone, certificate.id)
    assert phone.step == Step.PIN
    type_pin(phone)
    assert (phone.step, phone.status) == (Step.REMOTE_DONE, "done")
    assert phone.handoff is None  # the phone has no RP page to answer

    pc = reload(pc_transaction, "pc-browser")
    assert (pc.step, pc.status) == (Step.DONE, "done")
    remote.poll(pc)
    assert pc.handoff == pc.result and pc.result["ok"]
    signer = verified_by_rp(pc)
    assert (signer.name, signer.serial) == ("홍길동", serial)

    pc = reload(pc, "pc-browser")
    remote.poll(pc)
    assert pc.handoff is None


def test_the_pcs_poll_hands_nothing_over_while_the_phone_is_busy(pc_transaction):
    subscriber_with_certificate()
    claimed_on_phone(pc_transaction)
    remote.poll(pc_transaction)
    assert pc_transaction.step == Step.REMOTE and pc_transaction.handoff is None


def test_cancelling_on_the_phone_closes_the_pcs_request(pc_transaction):
    phone = claimed_on_phone(pc_transaction)
    transactions.cancel(phone)
    assert (phone.step, phone.status) == (Step.CLOSED, "cancelled")

    pc = reload(pc_transaction, "pc-browser")
    assert (pc.step, pc.status) == (Step.CLOSED, "cancelled")
    assert pc.notice == "휴대폰에서 인증을 취소했습니다."
    remote.poll(pc)
    assert pc.handoff == {"ok": False, "code": contract.CANCELLED, "message": "사용자가 취소했습니다."}


def test_a_lock_on_the_phone_reaches_the_pc_with_the_lock_message(pc_transaction):
    _subscriber, certificate = subscriber_with_certificate()
    phone = claimed_on_phone(pc_transaction)
    prove_phone(phone)
    cloud_access.grant_cloud_access(phone, auto_connect=False, user_agent=USER_AGENT)
    signing.choose_certificate(phone, certificate.id)
    for _ in range(5):
        type_pin(phone, "975310")
    assert phone.step == Step.CLOSED

    pc = reload(pc_transaction, "pc-browser")
    remote.poll(pc)
    assert pc.handoff["code"] == contract.LOCKED
    assert pc.notice.startswith("비밀번호 5/5회 오류로 인증서가 잠겼습니다")


def test_cancelling_on_the_pc_ends_the_phones_steps(pc_transaction):
    phone = claimed_on_phone(pc_transaction)
    transactions.cancel(pc_transaction)
    phone = reload(phone, PHONE)
    assert phone.step == Step.CLOSED and phone.notice == "PC에서 인증을 끝냈습니다. PC 화면을 확인해주세요."
    with pytest.raises(transactions.TransactionFinished):
        cloud_access.submit_identity(phone, name=HONG.name, phone=HONG.phone, birth_date=HONG.birth_date)


def test_continue_on_pc_goes_back_while_no_phone_has_claimed_the_request(pc_transaction):
    shown = rotating_qr.qr_url(pc_transaction)
    remote.continue_on_pc(pc_transaction)
    assert pc_transaction.step == Step.IDENTIFY
    with pytest.raises(remote.QrUsed):  # the QR code shown before no longer claims anything
        remote.claim(pc_transaction.id, code_in(shown), PHONE)


def test_continue_on_pc_is_refused_once_a_phone_has_claimed_the_request(pc_transaction):
    claimed_on_phone(pc_transaction)
    with pytest.raises(remote.QrUsed) as refused:
        remote.continue_on_pc(pc_transaction)
    assert refused.value.message == "휴대폰에서 인증을 진행하고 있습니다. 휴대폰에서 마치거나 취소해주세요."
    assert pc_transaction.step == Step.REMOTE
