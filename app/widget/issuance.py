"""Stage 2 of an issuance (금융인증서 발급/저장): the bank's 참조번호 + 인가코드 open the order,
가입정보 and SMS prove the person, the new PIN is typed twice, the certificate is issued, and
자동연결 is offered."""

from __future__ import annotations

from datetime import date

from cryptography.hazmat.primitives.serialization import Encoding

from app.browser import browser_hash
from app.clock import utcnow
from app.cloud.certificates import x509_of
from app.cloud.devices import register_device
from app.cloud.pin_rules import PinRuleViolation, check_new_pin
from app.extensions import db
from app.i18n import N_, message_in, text_in
from app.models import RpClient, WidgetTransaction
from app.ra.orders import open_order, redeem_order
from app.widget import keypad as keypads
from app.widget.lookups import order_of, subscriber_of
from app.widget.pin_entry import KeyOutcome, fresh_keypad, on_entry
from app.widget.steps import Flow, KeypadUse, Step, advance
from app.widget.transactions import TransactionFinished, hand_over, open_transaction, site_of


def start(
    ref_num: str,
    auth_code: str,
    browser_id: str,
    *,
    client: RpClient | None = None,
    origin: str | None = None,
    lang: str = "kor",
) -> WidgetTransaction:
    """The order these codes unlock, as a stage-2 transaction (wrong 인가코드 are counted).

    The same browser coming back with the same codes (Back to the bank's page and 계속 again)
    continues the transaction it already has, at its current step, with nothing sent again. A
    bank's page may open it with the SDK's ``issue`` (``client``, ``origin``): the new
    certificate is then handed to that page when the person closes the widget.
    """
    order = open_order(ref_num, auth_code)
    ongoing = db.session.scalars(
        db.select(WidgetTransaction).where(
            WidgetTransaction.order_id == order.id,
            WidgetTransaction.browser_hash == browser_hash(browser_id),
            WidgetTransaction.status == "open",
            WidgetTransaction.expires_at > utcnow(),
        )
    ).first()
    return ongoing or open_transaction(Flow.ISSUE, browser_id, order=order, client=client, origin=origin, lang=lang)


@on_entry(Step.NEW_PIN)
def submit_new_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 설정: the PIN rules, then the same PIN again."""
    identity = transaction.identity or {}
    try:
        check_new_pin(pin, date.fromisoformat(identity["birth_date"]))
    except PinRuleViolation as violation:
        return KeyOutcome(finished_entry=True, error=message_in(transaction.lang, violation))
    transaction.pending_pin = keypads.seal_pin(pin, transaction.id)
    advance(transaction, Step.CONFIRM_PIN)
    fresh_keypad(transaction, KeypadUse.CONFIRM)
    return KeyOutcome(finished_entry=True)


@on_entry(Step.CONFIRM_PIN)
def submit_confirmation(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 확인: the same PIN issues the certificate (its own database transaction)."""
    assert transaction.pending_pin is not None
    if pin != keypads.unseal_pin(transaction.pending_pin, transaction.id):
        transaction.pending_pin = None
        advance(transaction, Step.NEW_PIN)
        fresh_keypad(transaction, KeypadUse.NEW)
        return KeyOutcome(
            finished_entry=True,
            error=text_in(
                transaction.lang, N_("두 번 입력한 비밀번호가 일치하지 않습니다. 처음부터 다시 입력해주세요.")
            ),
        )
    # Committed first (with the fresh keypad ``press_key`` gave): if the issuance fails
    # (``IssuanceFailed``: nothing of it remains, the order stays unused) the person retypes the
    # PIN on it to try again.
    db.session.commit()
    order = order_of(transaction)
    assert order is not None
    certificate = redeem_order(order, pin=pin)
    transaction.certificate_id = certificate.id
    transaction.subscriber_id = certificate.subscriber_id
    transaction.pending_pin = None
    transaction.keypad = None
    transaction.status = "done"
    transaction.result = {
        "ok": True,
        "certSeqNum": certificate.serial,
        "certificate": x509_of(certificate).public_bytes(Encoding.PEM).decode(),
    }
    advance(transaction, Step.ISSUED)
    hand_over(transaction)  # to the bank's page that opened it with the SDK, if one did
    return KeyOutcome(finished_entry=True)


def enable_auto_connect(transaction: WidgetTransaction, user_agent: str) -> str:
    """After issuance: 자동연결 on this browser (offered on the completion screen)."""
    if transaction.step != Step.ISSUED or transaction.device_id is not None:
        raise TransactionFinished()
    subscriber = subscriber_of(transaction)
    assert subscriber is not None
    device, token = register_device(subscriber, user_agent, site_of(transaction))
    transaction.device_id = device.id
    db.session.commit()
    return token
