"""휴대폰으로 인증: the rotating QR code (fresh codes work once, old or forged ones never), and what
stops a relayed one — the phone shows where the PC is, asks from another network, and only a
login may be finished on a phone unless the RP opted in."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from app import contract
from app.clock import utcnow
from app.extensions import db
from app.models import RpClient, WidgetTransaction
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from app.widget import cloud_access, contexts, remote, rotating_qr, signing, transactions
from app.widget.request_origin import same_network
from app.widget.steps import Flow, Step
from app.widget.transactions import open_transaction
from tests.conftest import HTMX, csrf_token_from
from tests.support import subscriber_with_certificate
from tests.widget_driver import RP_ORIGIN, WidgetBrowser
from tests.widget_services import HONG, USER_AGENT, prove_phone, reload, type_pin, verified_by_rp

PC_ADDRESS = "203.0.113.5"
PC_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile"
AT_HOME = {"address": PC_ADDRESS, "user_agent": PHONE_USER_AGENT}  # the phone on the PC's network
ELSEWHERE = {"address": "198.51.100.23", "user_agent": PHONE_USER_AGENT}


def pc_request(sign_type: str = "01", text: str = "로그인"):
    """A PC's request of the demo RP, on 가입정보 입력."""
    transaction = open_transaction(
        Flow.SIGN,
        "pc-browser",
        client=db.session.get(RpClient, DEMO_ORG_CODE),
        origin="http://localhost:5000",
        sign_type=sign_type,
        plain_texts=[text],
        nonce=f"nonce-{secrets.token_hex(10)}",
    )
    transaction.step = "identify"
    return transaction


@pytest.fixture
def pc_transaction(app, monkeypatch):
    """A PC waiting with its QR code, on a clock that only the test moves."""
    frozen = utcnow()
    monkeypatch.setattr(remote, "utcnow", lambda: frozen)
    monkeypatch.setattr(rotating_qr, "utcnow", lambda: frozen)

    with app.test_request_context():
        transaction = pc_request()
        remote.start_on_phone(transaction, address=PC_ADDRESS, user_agent=PC_USER_AGENT)
        yield transaction


def code_in(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_the_code_rotates_and_the_previous_one_still_works(pc_transaction):
    first = rotating_qr.qr_url(pc_transaction)
    later = rotating_qr.qr_url(pc_transaction, utcnow() + timedelta(seconds=rotating_qr.ROTATE_SECONDS))
    assert first != later
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS)  # one slot has passed
    phone = remote.claim(pc_transaction.id, code_in(first), "phone-browser", **AT_HOME)
    assert phone.parent_id == pc_transaction.id and phone.pair_code == pc_transaction.pair_code


def test_an_old_code_is_refused(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS * 3)
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, code_in(url), "phone-browser", **AT_HOME)


@pytest.mark.parametrize("forged", ["0.000000000000000000000000", "x.y", "", "99999.abc"])
def test_a_forged_code_is_refused(pc_transaction, forged):
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, forged, "phone-browser", **AT_HOME)


def test_a_code_claims_the_request_once(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    remote.claim(pc_transaction.id, code_in(url), "phone-browser", **AT_HOME)
    with pytest.raises(remote.QrUsed):
        remote.claim(pc_transaction.id, code_in(url), "another-phone", **AT_HOME)


# --- the phone finishes (or ends) the PC's request ------------------------------------------

PHONE = "phone-browser"


def claimed_on_phone(pc_transaction):
    """The phone opened the QR code and confirmed that both screens show the same code."""
    phone = remote.claim(pc_transaction.id, code_in(rotating_qr.qr_url(pc_transaction)), PHONE, **AT_HOME)
    assert phone.step == Step.PAIR and phone.pair_code == pc_transaction.pair_code
    remote.confirm_pairing(phone, None, started_here=False)
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
        remote.claim(pc_transaction.id, code_in(shown), PHONE, **AT_HOME)


def test_continue_on_pc_is_refused_once_a_phone_has_claimed_the_request(pc_transaction):
    claimed_on_phone(pc_transaction)
    with pytest.raises(remote.QrUsed) as refused:
        remote.continue_on_pc(pc_transaction)
    assert refused.value.message == "휴대폰에서 인증을 진행하고 있습니다. 휴대폰에서 마치거나 취소해주세요."
    assert pc_transaction.step == Step.REMOTE


# --- a relayed QR code: where the PC is, and what a phone may approve -------------------------


def test_the_phone_shows_where_the_pc_is_before_anything_else(pc_transaction):
    phone = remote.claim(pc_transaction.id, code_in(rotating_qr.qr_url(pc_transaction)), PHONE, **ELSEWHERE)
    pc = contexts.pair(phone)["pc"]
    assert (pc.device, pc.address, pc.network) == ("Chrome · Windows", PC_ADDRESS, "다른 네트워크")
    assert pc.started_at == pc_transaction.qr_started_at


def test_from_another_network_the_phone_goes_on_only_when_the_person_says_they_started_it(pc_transaction):
    phone = remote.claim(pc_transaction.id, code_in(rotating_qr.qr_url(pc_transaction)), PHONE, **ELSEWHERE)
    with pytest.raises(remote.StartedHereNotConfirmed) as refused:
        remote.confirm_pairing(phone, None, started_here=False)
    assert refused.value.field == "started_here" and phone.step == Step.PAIR
    remote.confirm_pairing(phone, None, started_here=True)
    assert phone.step == Step.IDENTIFY


def test_on_the_pcs_network_the_matching_code_is_enough(pc_transaction):
    phone = remote.claim(pc_transaction.id, code_in(rotating_qr.qr_url(pc_transaction)), PHONE, **AT_HOME)
    assert contexts.pair(phone)["pc"].network == "같은 네트워크"
    remote.confirm_pairing(phone, None, started_here=False)
    assert phone.step == Step.IDENTIFY


@pytest.mark.parametrize(
    ("pc", "phone", "same"),
    [
        ("203.0.113.5", "203.0.113.5", True),  # one public address: a home or office behind NAT
        ("203.0.113.5", "203.0.113.6", False),  # public addresses are compared whole
        ("192.168.0.10", "192.168.0.23", True),  # one private LAN, no NAT in between
        ("192.168.0.10", "192.168.1.23", False),
        ("2001:db8:1:2::10", "2001:db8:1:2:abcd::1", True),  # one IPv6 LAN prefix (/64)
        ("2001:db8:1:2::10", "2001:db8:1:3::10", False),
        ("::ffff:203.0.113.5", "203.0.113.5", True),
        ("203.0.113.5", "2001:db8::1", False),
        ("203.0.113.5", None, False),
        ("unknown", "unknown", False),
    ],
)
def test_what_counts_as_the_same_network(pc, phone, same):
    assert same_network(pc, phone) is same


def test_a_transfer_cannot_be_finished_on_a_phone_unless_the_rp_opted_in(app):
    with app.test_request_context():
        transfer = pc_request("02", "홍길동에게 1,000,000원 송금")
        assert not remote.allows_phone(transfer)
        with pytest.raises(remote.PhoneNotAllowed) as refused:
            remote.start_on_phone(transfer, address=PC_ADDRESS, user_agent=PC_USER_AGENT)
        assert refused.value.message == "송금 요청은 휴대폰으로 인증할 수 없습니다. 이 PC에서 진행해주세요."
        assert refused.value.status == 403 and transfer.step == Step.IDENTIFY

        db.session.get(RpClient, DEMO_ORG_CODE).remote_sign_types = ["02", "05"]
        remote.start_on_phone(transfer, address=PC_ADDRESS, user_agent=PC_USER_AGENT)
        assert transfer.step == Step.REMOTE


def test_a_phone_cannot_claim_a_transfer_once_the_rp_withdrew_its_opt_in(app):
    with app.test_request_context():
        client = db.session.get(RpClient, DEMO_ORG_CODE)
        client.remote_sign_types = ["02"]
        transfer = pc_request("02", "송금 50,000원")
        remote.start_on_phone(transfer, address=PC_ADDRESS, user_agent=PC_USER_AGENT)
        url = rotating_qr.qr_url(transfer)
        client.remote_sign_types = []
        db.session.commit()
        with pytest.raises(remote.PhoneNotAllowed):
            remote.claim(transfer.id, code_in(url), PHONE, **AT_HOME)


# --- the same through the web, as the PC and the phone see it --------------------------------


def pc_waiting_for_its_phone(app, client) -> WidgetBrowser:
    browser = WidgetBrowser(app, client)
    assert browser.post("remote").status_code == 200
    return browser


def qr_url_of(app, browser: WidgetBrowser) -> str:
    """What a phone's camera reads from the PC's screen (the test computes it; the page has only the image)."""
    db.session.expire_all()
    transaction = db.session.get(WidgetTransaction, browser.url.rsplit("/", 1)[1])
    with app.test_request_context():
        return rotating_qr.qr_url(transaction)


def test_the_pcs_poll_gives_the_qr_code_as_an_image_only(app, client):
    browser = pc_waiting_for_its_phone(app, client)
    poll = client.get(f"{browser.url}/remote", headers=HTMX)
    body = poll.get_data(as_text=True)
    assert poll.status_code == 200 and 'aria-label="휴대폰 인증용 QR 코드"' in body
    assert "data-qr-url" not in body and "/widget/m/" not in body
    assert qr_url_of(app, browser).rsplit("/", 1)[1] not in body


def test_a_transfer_offers_no_phone_and_the_service_refuses_one(app, client):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "signType": "02", "plainTexts": ["송금 1,000,000원"]}
    created = client.post(
        "/widget/transactions", json={**body, "nonce": "transfer-nonce-0123456789"}, headers={"Origin": RP_ORIGIN}
    )
    url = "/widget/t/" + created.json["url"].rsplit("/widget/t/", 1)[1]
    page = client.get(url).get_data(as_text=True)
    assert "가입정보 입력" in page and "휴대폰으로 인증" not in page
    refused = client.post(f"{url}/remote", data={"csrf_token": csrf_token_from(page)}, headers=HTMX)
    assert refused.status_code == 403
    assert "송금 요청은 휴대폰으로 인증할 수 없습니다" in refused.get_data(as_text=True)


def test_a_login_offers_the_phone(app, client):
    assert "휴대폰으로 인증" in WidgetBrowser(app, client).last.get_data(as_text=True)


def test_a_phone_on_another_network_is_warned_and_must_say_it_started_the_request(app, client):
    pc = pc_waiting_for_its_phone(app, client)
    phone = app.test_client()
    elsewhere = {"REMOTE_ADDR": "198.51.100.23"}
    opened = phone.get("/" + qr_url_of(app, pc).split("/", 3)[3], environ_base=elsewhere, follow_redirects=True)
    page = opened.get_data(as_text=True)
    assert "이 요청을 시작한 PC" in page and "127.0.0.1 · 이 휴대폰과 다른 네트워크" in page
    assert "다른 곳에서 시작된 요청입니다. 누군가 QR 코드나 링크를 보내 주었다면 진행하지 마세요." in page
    assert "PC에서 이 요청을 제가 직접 시작했습니다" in page
    pair_url = opened.request.path + "/pair"
    token = csrf_token_from(page)

    refused = phone.post(pair_url, data={"csrf_token": token}, headers=HTMX, environ_base=elsewhere)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="started_here-error"' in body
    accepted = phone.post(
        pair_url, data={"csrf_token": token, "started_here": "y"}, headers=HTMX, environ_base=elsewhere
    )
    assert accepted.status_code == 200 and "가입정보 입력" in accepted.get_data(as_text=True)


def test_a_phone_on_the_pcs_network_sees_no_warning(app, client):
    pc = pc_waiting_for_its_phone(app, client)
    opened = app.test_client().get("/" + qr_url_of(app, pc).split("/", 3)[3], follow_redirects=True)
    page = opened.get_data(as_text=True)
    assert "127.0.0.1 · 이 휴대폰과 같은 네트워크" in page
    assert "다른 곳에서 시작된 요청입니다" not in page and "started_here" not in page
