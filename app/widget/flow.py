"""The widget's flow, owned by the server: each transaction accepts its steps only in order.

    sign (login or signature for an RP):
        start → identify → sms → consent → select → pin → done      (5 steps: 가입정보, SMS, 인증서, PIN)
        start → select → pin → done                                  (자동연결: 3 steps)
        start → pin → done                                           (자동연결 + 즐겨찾기)
        … → nocert                                                   (no usable certificate: the banks)
    issue (stage 2 of a bank's issuance):
        identify → sms → new_pin → confirm_pin → issued

A transaction is bound to the browser that created it, expires after ``TX_TTL`` seconds and
yields its result once. Functions here take no request; views pass in what they parsed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app

from app import audit
from app.banks import get_bank
from app.clock import utcnow
from app.cloud.certificates import (
    CertificateUnavailable,
    WrongPin,
    certificates_of,
    find_subscriber,
    renew_certificate,
    renewal_due,
    sign_with_pin,
    state_of,
    x509_of,
)
from app.cloud.devices import device_for_token, register_device
from app.cloud.pin_rules import PinRuleViolation, check_new_pin
from app.extensions import db
from app.models import Certificate, IssuanceOrder, RpClient, SmsChallenge, Subscriber, WidgetTransaction
from app.pki.verifier import signed_content
from app.ra.orders import OrderError, check_identity, redeem_order
from app.rp.clients import bind_nonce
from app.sms.codes import check_code, resend_code, send_code
from app.widget import keypad as keypads

SIGN_TYPES = {
    "01": "로그인",
    "02": "송금",
    "03": "금융상품 가입/해지",
    "04": "전자계약",
    "05": "납부/결제",
    "06": "증명서발급",
    "07": "자산연동",
    "08": "인증수단관리",
    "99": "기타",
}
FINAL_STEPS = ("done", "closed", "issued")
CANCELLED = {"code": "800000", "message": "사용자가 취소했습니다."}
EXPIRED = {"code": "800004", "message": "요청 시간이 지났습니다. 다시 시도해주세요."}
LOCKED = {"code": "800005", "message": "비밀번호 5회 오류로 인증서가 잠겼습니다."}


class FlowError(Exception):
    """A request the flow refuses; ``status`` is the HTTP status, ``message`` Korean."""

    status = 409
    message = "요청을 처리할 수 없습니다."


class TransactionMissing(FlowError):
    status = 404
    message = "요청을 찾을 수 없습니다. 이용기관 화면에서 처음부터 다시 시작해주세요."


class TransactionForeign(FlowError):
    status = 403
    message = "다른 브라우저에서 시작된 요청입니다. 이 브라우저에서 처음부터 다시 시작해주세요."


class TransactionExpired(FlowError):
    status = 410
    message = "요청 시간(10분)이 지났습니다. 이용기관 화면에서 처음부터 다시 시작해주세요."


class TransactionFinished(FlowError):
    status = 409
    message = "이미 완료된 요청입니다. 같은 요청은 다시 처리할 수 없습니다."


class OutOfOrder(FlowError):
    status = 409
    message = "진행 순서가 올바르지 않습니다. 현재 단계부터 계속해주세요."


class RenewalFailed(FlowError):
    status = 503
    message = "인증서를 갱신하지 못했습니다. 기존 인증서는 그대로입니다. 다시 시도하거나 나중에 갱신해주세요."


ISSUANCE_FAILED = "발급 중 일시적인 오류가 발생했습니다. 발급 요청은 그대로이니 비밀번호를 다시 입력해주세요."


class CertificateNotSelectable(FlowError):
    status = 422
    message = "선택할 수 없는 인증서입니다."


@dataclass(frozen=True)
class KeyOutcome:
    """What a keypad press led to: still typing, an error to show, or a new step."""

    finished_entry: bool
    error: str | None = None


def browser_hash(browser_id: str) -> str:
    return hashlib.sha256(browser_id.encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(seconds=int(current_app.config["TX_TTL"]))


# --- creating and loading -------------------------------------------------------------------


def create_for_rp(
    client: RpClient,
    *,
    origin: str,
    sign_type: str,
    plain_texts: list[str],
    nonce: str | None,
    browser_id: str,
    purpose: str = "sign",
) -> WidgetTransaction:
    """A login or signature request of a relying party (the nonce is bound to it here), or its
    user's certificate management (``purpose="manage"``, no nonce)."""
    now = utcnow()
    transaction = WidgetTransaction(
        id=secrets.token_urlsafe(24),
        purpose=purpose,
        step="start",
        browser_hash=browser_hash(browser_id),
        rp_org_code=client.org_code,
        origin=origin,
        sign_type=sign_type,
        plain_texts=list(plain_texts),
        created_at=now,
        expires_at=now + _ttl(),
    )
    if purpose == "sign":
        transaction.nonce = bind_nonce(client, nonce, transaction.id)
    db.session.add(transaction)
    db.session.commit()
    return transaction


def create_for_management(browser_id: str) -> WidgetTransaction:
    """인증서 관리 on its own (no relying party waiting)."""
    now = utcnow()
    transaction = WidgetTransaction(
        id=secrets.token_urlsafe(24),
        purpose="manage",
        step="start",
        browser_hash=browser_hash(browser_id),
        created_at=now,
        expires_at=now + _ttl(),
    )
    db.session.add(transaction)
    db.session.commit()
    return transaction


def create_for_issuance(order: IssuanceOrder, browser_id: str) -> WidgetTransaction:
    """Stage 2 of an issuance, for an order the bank placed."""
    now = utcnow()
    transaction = WidgetTransaction(
        id=secrets.token_urlsafe(24),
        purpose="issue",
        step="identify",
        browser_hash=browser_hash(browser_id),
        order_id=order.id,
        created_at=now,
        expires_at=now + _ttl(),
    )
    db.session.add(transaction)
    db.session.commit()
    return transaction


def load(transaction_id: str, browser_id: str | None) -> WidgetTransaction:
    """The transaction, if it is this browser's; an expired open one is closed on the way."""
    transaction = db.session.get(WidgetTransaction, transaction_id) if len(transaction_id) <= 40 else None
    if transaction is None:
        raise TransactionMissing()
    if not browser_id or transaction.browser_hash != browser_hash(browser_id):
        raise TransactionForeign()
    if transaction.status == "open" and transaction.expires_at <= utcnow():
        _close(transaction, "failed", EXPIRED, notice=TransactionExpired.message)
        db.session.commit()
    return transaction


def expect_step(transaction: WidgetTransaction, *steps: str) -> None:
    """Refuse a post that does not belong to the current step."""
    if transaction.step in FINAL_STEPS or transaction.status != "open":
        if transaction.result and transaction.result.get("code") == EXPIRED["code"]:
            raise TransactionExpired()
        raise TransactionFinished()
    if transaction.step not in steps:
        raise OutOfOrder()


def _close(transaction: WidgetTransaction, status: str, result: dict[str, Any], notice: str | None = None) -> None:
    """End the request without a signature. A paired PC or phone learns it too."""
    transaction.status = status
    transaction.step = "closed"
    transaction.result = {"ok": False, **result}
    transaction.keypad = None
    transaction.pending_pin = None
    transaction.notice = notice
    parent = _parent(transaction)
    if parent is not None and parent.status == "open":
        message = "휴대폰에서 인증을 취소했습니다." if status == "cancelled" else (notice or result.get("message"))
        _close(parent, status, result, notice=message)
        transaction.result = None  # the phone's own screen has no RP to answer
    for child in _children(transaction):
        if child.status == "open":
            child.status, child.step, child.result = status, "closed", None
            child.notice = "PC에서 인증을 끝냈습니다. PC 화면을 확인해주세요."


def _parent(transaction: WidgetTransaction) -> WidgetTransaction | None:
    return db.session.get(WidgetTransaction, transaction.parent_id) if transaction.parent_id else None


def _children(transaction: WidgetTransaction) -> list[WidgetTransaction]:
    return list(db.session.scalars(db.select(WidgetTransaction).where(WidgetTransaction.parent_id == transaction.id)))


# --- the steps -------------------------------------------------------------------------------


def begin(transaction: WidgetTransaction, device_token: str | None) -> bool:
    """Leave the start screen: straight to the certificates with a live 자동연결, else 가입정보.

    Returns True when a device cookie was presented but no longer works (the view clears it).
    """
    expect_step(transaction, "start")
    device = device_for_token(device_token)
    if device is not None:
        transaction.device_id = device.id
        transaction.subscriber_id = device.subscriber_id
        audit.record("device.used", subscriber_id=device.subscriber_id, device=device.label)
        after_cloud_access(transaction)
        db.session.commit()
        return False
    transaction.step = "identify"
    if device_token:
        transaction.notice = "자동연결이 해제되었거나 만료되었습니다. 가입정보를 입력해 다시 연결해주세요."
    db.session.commit()
    return bool(device_token)


def submit_identity(transaction: WidgetTransaction, *, name: str, phone: str, birth_date: date) -> None:
    """가입정보 → an SMS code to that phone (sent whether or not an account exists, so the
    answer does not reveal who has one)."""
    expect_step(transaction, "identify")
    if transaction.purpose == "issue":
        check_identity(_order(transaction), name=name, phone=phone, birth_date=birth_date)
    challenge = send_code(phone, "widget")
    transaction.identity = {"name": name, "phone": phone, "birth_date": birth_date.isoformat()}
    transaction.sms_challenge_id = challenge.id
    transaction.step = "sms"
    transaction.notice = None
    db.session.commit()


def challenge_of(transaction: WidgetTransaction) -> SmsChallenge:
    challenge = db.session.get(SmsChallenge, transaction.sms_challenge_id)
    assert challenge is not None
    return challenge


def resend_sms(transaction: WidgetTransaction) -> None:
    expect_step(transaction, "sms")
    resend_code(challenge_of(transaction))
    db.session.commit()


def confirm_sms(transaction: WidgetTransaction, code: str) -> None:
    """휴대폰 점유인증: the right code moves on (wrong ones are counted by ``check_code``)."""
    expect_step(transaction, "sms")
    check_code(challenge_of(transaction), code)
    identity = transaction.identity or {}
    if transaction.purpose == "issue":
        transaction.step = "new_pin"
        transaction.keypad = keypads.new_keypad("new", transaction.id)
    else:
        subscriber = find_subscriber(identity["name"], identity["phone"], date.fromisoformat(identity["birth_date"]))
        transaction.subscriber_id = subscriber.id if subscriber else None
        # Only now, with the phone proven, may the widget say that there is no cloud account.
        if subscriber is None:
            transaction.step = "nocert"
        elif transaction.purpose == "manage":
            transaction.step = "manage"
        else:
            transaction.step = "consent"
    db.session.commit()


def grant_cloud_access(transaction: WidgetTransaction, *, auto_connect: bool, user_agent: str) -> str | None:
    """클라우드 접근 권한 확인; with 자동연결 this browser is registered. Returns the device token."""
    expect_step(transaction, "consent")
    token = None
    subscriber = subscriber_of(transaction)
    if subscriber is None:
        transaction.step = "nocert"
    else:
        if auto_connect:
            device, token = register_device(subscriber, user_agent)
            transaction.device_id = device.id
        audit.record("cloud.accessed", subscriber_id=subscriber.id, rp_org_code=transaction.rp_org_code)
        after_cloud_access(transaction)
    db.session.commit()
    return token


def after_cloud_access(transaction: WidgetTransaction) -> None:
    if transaction.purpose == "manage":
        transaction.step = "manage"
        return
    subscriber = subscriber_of(transaction)
    usable = [c for c in certificates_of(subscriber) if state_of(c).usable] if subscriber else []
    favourite = next((c for c in usable if c.favourite), None)
    if not usable:
        transaction.step = "nocert"
    elif favourite is not None:
        _start_pin_entry(transaction, favourite)
    else:
        transaction.step = "select"


def _start_pin_entry(transaction: WidgetTransaction, certificate: Certificate) -> None:
    transaction.certificate_id = certificate.id
    transaction.step = "pin"
    transaction.keypad = keypads.new_keypad("pin", transaction.id)


def choose_certificate(transaction: WidgetTransaction, certificate_id: int) -> None:
    """인증서 선택: only a usable certificate of this subscriber."""
    expect_step(transaction, "select")
    certificate = own_certificate(transaction, certificate_id)
    if not state_of(certificate).usable:
        raise CertificateNotSelectable()
    _start_pin_entry(transaction, certificate)
    db.session.commit()


def toggle_favourite(transaction: WidgetTransaction, certificate_id: int) -> None:
    """즐겨찾기 on/off; a subscriber has at most one favourite."""
    expect_step(transaction, "select", "manage")
    certificate = own_certificate(transaction, certificate_id)
    turn_on = not certificate.favourite
    for other in certificates_of(subscriber_of(transaction)):
        other.favourite = False
    certificate.favourite = turn_on
    db.session.commit()


def choose_another(transaction: WidgetTransaction) -> None:
    """다른 인증서 선택: from the PIN step back to the list."""
    expect_step(transaction, "pin")
    transaction.step = "select"
    transaction.keypad = None
    transaction.certificate_id = None
    db.session.commit()


def own_certificate(transaction: WidgetTransaction, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.subscriber_id != transaction.subscriber_id or certificate.status == "revoked":
        raise CertificateNotSelectable()
    return certificate


KeypadHandler = Callable[[WidgetTransaction, str], KeyOutcome]
_KEYPAD_STEPS: dict[str, KeypadHandler] = {}


def keypad_step(step: str) -> Callable[[KeypadHandler], KeypadHandler]:
    """Register what a complete six-digit entry does on a step (sign, issue, manage…)."""

    def register(handler: KeypadHandler) -> KeypadHandler:
        _KEYPAD_STEPS[step] = handler
        return handler

    return register


def press_key(transaction: WidgetTransaction, key: str) -> KeyOutcome:
    """One key of the secure keypad; the sixth digit submits the entry to the step's handler."""
    expect_step(transaction, *_KEYPAD_STEPS)
    assert transaction.keypad is not None
    transaction.keypad = keypads.press(transaction.keypad, key, transaction.id)
    pin = keypads.typed(transaction.keypad, transaction.id)
    if len(pin) < keypads.PIN_LENGTH:
        db.session.commit()
        return KeyOutcome(finished_entry=False)
    outcome = _KEYPAD_STEPS[transaction.step](transaction, pin)
    db.session.commit()
    return outcome


def contents_to_sign(transaction: WidgetTransaction) -> list[bytes]:
    """What the RP asked to sign, each bound to the RP, the sign type and the nonce."""
    return [
        signed_content(
            org_code=transaction.rp_org_code or "",
            sign_type=transaction.sign_type or "01",
            nonce=transaction.nonce or "",
            plain_text=text,
        )
        for text in transaction.plain_texts
    ]


def signed_result(certificate: Certificate, signatures: list[bytes]) -> dict[str, Any]:
    return {
        "ok": True,
        "certSeqNum": certificate.serial,
        "signedVals": [base64.urlsafe_b64encode(value).decode().rstrip("=") for value in signatures],
        "certificate": x509_of(certificate).public_bytes(Encoding.PEM).decode(),
    }


def wrong_pin_outcome(transaction: WidgetTransaction, wrong: WrongPin, purpose: str) -> KeyOutcome:
    """비밀번호 n/5회 오류 and a fresh keypad; the fifth ends the request."""
    if wrong.locked:
        _close(transaction, "failed", LOCKED, notice=wrong.message)
        return KeyOutcome(finished_entry=True)
    transaction.keypad = keypads.new_keypad(purpose, transaction.id)
    return KeyOutcome(finished_entry=True, error=f"비밀번호 {wrong.failures}/{wrong.limit}회 오류")


@keypad_step("pin")
def _submit_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    certificate = db.session.get(Certificate, transaction.certificate_id)
    assert certificate is not None
    try:
        signatures = sign_with_pin(
            certificate,
            pin,
            contents_to_sign(transaction),
            rp_org_code=transaction.rp_org_code,
            sign_type=transaction.sign_type,
        )
    except WrongPin as wrong:
        return wrong_pin_outcome(transaction, wrong, "pin")
    except CertificateUnavailable as unavailable:
        _close(transaction, "failed", {"code": "800006", "message": unavailable.message}, notice=unavailable.message)
        return KeyOutcome(finished_entry=True)
    transaction.keypad = None
    if renewal_due(certificate):
        # Offer 갱신 now, while the PIN is known; the RP's result waits for the answer.
        transaction.step = "renew_offer"
        transaction.pending_pin = keypads.seal_pin(pin, transaction.id)
        transaction.result = signed_result(certificate, signatures)
        return KeyOutcome(finished_entry=True)
    complete(transaction, signed_result(certificate, signatures))
    return KeyOutcome(finished_entry=True)


def complete(transaction: WidgetTransaction, result: dict[str, Any]) -> None:
    """The request succeeded. On a phone paired with a PC, the PC's transaction gets the result."""
    transaction.keypad = None
    transaction.pending_pin = None
    parent = _parent(transaction)
    if parent is not None:
        parent.status, parent.step, parent.result = "done", "done", result
        transaction.status, transaction.step, transaction.result = "done", "remote_done", None
        return
    transaction.status, transaction.step, transaction.result = "done", "done", result


def renew_now(transaction: WidgetTransaction) -> Certificate:
    """갱신 after a successful PIN: a new certificate, and the RP's content signed again with it
    (the old certificate is revoked, so signatures made with it would no longer verify)."""
    expect_step(transaction, "renew_offer")
    certificate = db.session.get(Certificate, transaction.certificate_id)
    assert certificate is not None and transaction.pending_pin is not None
    pin = keypads.unseal_pin(transaction.pending_pin, transaction.id)
    try:
        renewed = renew_certificate(certificate, pin)
    except Exception as error:  # noqa: BLE001 - the old certificate is intact; offer a retry
        current_app.logger.exception("renewal failed for transaction %s", transaction.id)
        raise RenewalFailed() from error
    signatures = sign_with_pin(
        renewed,
        pin,
        contents_to_sign(transaction),
        rp_org_code=transaction.rp_org_code,
        sign_type=transaction.sign_type,
    )
    transaction.certificate_id = renewed.id
    complete(transaction, signed_result(renewed, signatures))
    db.session.commit()
    return renewed


def renew_later(transaction: WidgetTransaction) -> None:
    """나중에: finish with the signature already made."""
    expect_step(transaction, "renew_offer")
    assert transaction.result is not None
    complete(transaction, transaction.result)
    db.session.commit()


@keypad_step("new_pin")
def _submit_new_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    identity = transaction.identity or {}
    try:
        check_new_pin(pin, date.fromisoformat(identity["birth_date"]))
    except PinRuleViolation as violation:
        transaction.keypad = keypads.new_keypad("new", transaction.id)
        return KeyOutcome(finished_entry=True, error=violation.message)
    transaction.pending_pin = keypads.seal_pin(pin, transaction.id)
    transaction.step = "confirm_pin"
    transaction.keypad = keypads.new_keypad("confirm", transaction.id)
    return KeyOutcome(finished_entry=True)


@keypad_step("confirm_pin")
def _submit_confirmation(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    assert transaction.pending_pin is not None
    if pin != keypads.unseal_pin(transaction.pending_pin, transaction.id):
        transaction.pending_pin = None
        transaction.step = "new_pin"
        transaction.keypad = keypads.new_keypad("new", transaction.id)
        return KeyOutcome(
            finished_entry=True, error="두 번 입력한 비밀번호가 일치하지 않습니다. 처음부터 다시 입력해주세요."
        )
    # The issuance is its own database transaction: on any failure nothing of it remains,
    # the order stays unused, and the person retypes the PIN to try again.
    transaction.keypad = keypads.new_keypad("confirm", transaction.id)
    db.session.commit()
    try:
        certificate = redeem_order(_order(transaction), pin=pin)
    except (OrderError, PinRuleViolation):
        raise
    except Exception:  # noqa: BLE001 - any failure inside the issuance is reported and retryable
        current_app.logger.exception("issuance failed for transaction %s", transaction.id)
        return KeyOutcome(finished_entry=True, error=ISSUANCE_FAILED)
    transaction.certificate_id = certificate.id
    transaction.subscriber_id = certificate.subscriber_id
    transaction.pending_pin = None
    transaction.keypad = None
    transaction.status = "done"
    transaction.step = "issued"
    return KeyOutcome(finished_entry=True)


def enable_auto_connect(transaction: WidgetTransaction, user_agent: str) -> str:
    """After issuance: set 자동연결 on this browser (offered on the completion screen)."""
    if transaction.step != "issued" or transaction.device_id is not None:
        raise TransactionFinished()
    subscriber = subscriber_of(transaction)
    assert subscriber is not None
    device, token = register_device(subscriber, user_agent)
    transaction.device_id = device.id
    db.session.commit()
    return token


def cancel(transaction: WidgetTransaction) -> None:
    """취소: the RP's request ends with code 800000."""
    if transaction.status != "open":
        raise TransactionFinished()
    _close(transaction, "cancelled", CANCELLED)
    db.session.commit()


def take_result(transaction: WidgetTransaction) -> dict[str, Any]:
    """The result for the RP, handed over exactly once."""
    if transaction.result is None or transaction.status == "open":
        raise OutOfOrder()
    if transaction.result_taken_at is not None:
        raise TransactionFinished()
    transaction.result_taken_at = utcnow()
    db.session.commit()
    return transaction.result


# --- reading -------------------------------------------------------------------------------


def subscriber_of(transaction: WidgetTransaction) -> Subscriber | None:
    return db.session.get(Subscriber, transaction.subscriber_id) if transaction.subscriber_id else None


def _order(transaction: WidgetTransaction) -> IssuanceOrder:
    order = db.session.get(IssuanceOrder, transaction.order_id)
    assert order is not None
    return order


def order_of(transaction: WidgetTransaction) -> IssuanceOrder | None:
    return db.session.get(IssuanceOrder, transaction.order_id) if transaction.order_id else None


def bank_of_order(transaction: WidgetTransaction):
    order = order_of(transaction)
    return get_bank(order.bank_code) if order else None
