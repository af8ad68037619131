"""휴대폰으로 인증: a PC's request finished on a phone through a rotating QR code.

The PC's transaction gets a per-transaction secret and shows a QR code whose URL changes
every few seconds (``rotating_qr``). The first phone to open a fresh code claims the request
(an atomic update) and gets a transaction of its own (flow ``remote``), linked to the PC's,
on which the normal steps run. A 4-digit code shown on both screens lets the person see that
they are the same request. The PC polls, and its poll hands the phone's result to the RP.

A QR code can be relayed by a phishing page to someone else's phone, so: only a login (01)
may be finished on a phone unless the RP opted in for other sign types at registration; each
side records where it is (address, browser), and before anything else the phone shows where
the PC is (``request_origin``) and, on another network, asks the person to confirm that they
started the request themselves.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext
from sqlalchemy import update

from app import contract
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.i18n import N_
from app.models import WidgetTransaction
from app.step_machine import is_record_id
from app.widget import rotating_qr
from app.widget.cloud_access import begin
from app.widget.lookups import parent_of, rp_of
from app.widget.request_origin import same_network
from app.widget.steps import Flow, Step, advance
from app.widget.transactions import (
    TransactionExpired,
    TransactionMissing,
    hand_over,
    open_transaction,
    require,
)


class QrExpired(ServiceError):
    status = 410
    code = "qr_expired"
    message = N_("QR 코드가 만료되었습니다. PC 화면에 보이는 새 QR 코드를 찍어주세요.")


class QrUsed(ServiceError):
    status = 409
    code = "qr_used"
    message = N_("이미 사용된 QR 코드입니다. PC 화면에서 처음부터 다시 시작해주세요.")


class PhoneNotAllowed(ServiceError):
    """This request may not be finished on a phone (its sign type, and the RP did not opt in)."""

    status = 403
    code = "remote_not_allowed"

    def __init__(self, transaction: WidgetTransaction) -> None:
        label = contract.SIGN_TYPES.get(transaction.sign_type or "")
        if label is None:
            super().__init__(N_("이 요청은 휴대폰으로 인증할 수 없습니다. 이 PC에서 진행해주세요."))
        else:
            message = N_("%(sign_type)s 요청은 휴대폰으로 인증할 수 없습니다. 이 PC에서 진행해주세요.")
            super().__init__(message, params={"sign_type": lazy_gettext(label)})


class StartedHereNotConfirmed(ServiceError):
    field = "started_here"
    code = "started_here_not_confirmed"
    message = N_("다른 곳에서 시작된 요청입니다. 직접 시작한 요청이 맞을 때만 확인란을 선택하고 계속해주세요.")


CLIENT_ADDRESS_LENGTH = 64
USER_AGENT_LENGTH = 300


def allows_phone(transaction: WidgetTransaction) -> bool:
    """Whether this request may be finished on a phone: a login always; another sign type only
    when the RP registered with it (``flask rp register --allow-remote-sign-types``)."""
    if transaction.purpose != "sign":
        return False
    if transaction.sign_type == contract.LOGIN:
        return True
    client = rp_of(transaction)
    return client is not None and transaction.sign_type in (client.remote_sign_types or [])


def start_on_phone(transaction: WidgetTransaction, *, address: str, user_agent: str) -> None:
    """The PC shows a QR code instead of asking for 가입정보 or a certificate here, and records
    where it is (``address``, ``user_agent``) for the phone to show."""
    require(transaction, Step.IDENTIFY, Step.SELECT, Step.NOCERT)
    if not allows_phone(transaction):
        raise PhoneNotAllowed(transaction)
    advance(transaction, Step.REMOTE)
    transaction.client_address = address[:CLIENT_ADDRESS_LENGTH]
    transaction.client_user_agent = user_agent[:USER_AGENT_LENGTH]
    transaction.qr_secret = secrets.token_hex(32)
    transaction.qr_started_at = utcnow()
    transaction.pair_code = f"{secrets.randbelow(10**4):04d}"
    transaction.paired_at = None
    transaction.notice = None
    db.session.commit()


def continue_on_pc(transaction: WidgetTransaction) -> None:
    """이 PC에서 계속: back where the PC was, while no phone has claimed the request."""
    require(transaction, Step.REMOTE)
    if transaction.paired_at is not None:
        raise QrUsed(N_("휴대폰에서 인증을 진행하고 있습니다. 휴대폰에서 마치거나 취소해주세요."))
    transaction.qr_secret = None
    advance(transaction, Step.SELECT if transaction.subscriber_id else Step.IDENTIFY)
    db.session.commit()


def poll(transaction: WidgetTransaction) -> None:
    """The PC's poll: once the phone has finished, this response hands the result to the RP."""
    hand_over(transaction)
    db.session.commit()


def claim(
    pc_transaction_id: str, code: str, phone_browser_id: str, *, address: str, user_agent: str
) -> WidgetTransaction:
    """A phone opened a QR code: check it is fresh and unused, then give the phone its own
    transaction, which records where the phone is."""
    pc = db.session.get(WidgetTransaction, pc_transaction_id) if is_record_id(pc_transaction_id) else None
    if pc is None:
        raise TransactionMissing()
    if pc.status == "open" and pc.expires_at <= utcnow():
        raise TransactionExpired()
    if pc.status != "open" or pc.step != Step.REMOTE or pc.paired_at is not None or not pc.qr_secret:
        raise QrUsed()
    if not rotating_qr.is_fresh(pc, code):
        raise QrExpired()
    if not allows_phone(pc):  # the RP withdrew its opt-in since the PC showed the code
        raise PhoneNotAllowed(pc)
    claimed = db.session.execute(
        update(WidgetTransaction)
        .where(WidgetTransaction.id == pc.id, WidgetTransaction.paired_at.is_(None))
        .values(paired_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise QrUsed()
    db.session.refresh(pc)
    phone = open_transaction(Flow.REMOTE, phone_browser_id, parent=pc)
    phone.client_address = address[:CLIENT_ADDRESS_LENGTH]
    phone.client_user_agent = user_agent[:USER_AGENT_LENGTH]
    db.session.commit()
    return phone


def confirm_pairing(phone: WidgetTransaction, device_token: str | None, *, started_here: bool) -> bool:
    """The person saw the same code on both screens — and, when the PC is on another network
    than the phone, confirmed that they started the request themselves: the normal steps begin
    on the phone."""
    require(phone, Step.PAIR)
    pc = parent_of(phone)
    if pc is None or (not same_network(pc.client_address, phone.client_address) and not started_here):
        raise StartedHereNotConfirmed()
    advance(phone, Step.START)
    return begin(phone, device_token)
