"""휴대폰으로 인증: a PC's request finished on a phone through a rotating QR code.

The PC's transaction gets a per-transaction secret and shows a QR code whose URL changes
every few seconds (``rotating_qr``). The first phone to open a fresh code claims the request
(an atomic update) and gets a transaction of its own (flow ``remote``), linked to the PC's,
on which the normal steps run. A 4-digit code shown on both screens lets the person see that
they are the same request. The PC polls, and its poll hands the phone's result to the RP.
"""

from __future__ import annotations

import secrets

from sqlalchemy import update

from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.models import WidgetTransaction
from app.widget import rotating_qr
from app.widget.cloud_access import begin
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
    message = "QR 코드가 만료되었습니다. PC 화면에 보이는 새 QR 코드를 찍어주세요."


class QrUsed(ServiceError):
    status = 409
    code = "qr_used"
    message = "이미 사용된 QR 코드입니다. PC 화면에서 처음부터 다시 시작해주세요."


def start_on_phone(transaction: WidgetTransaction) -> None:
    """The PC shows a QR code instead of asking for 가입정보 or a certificate here."""
    require(transaction, Step.IDENTIFY, Step.SELECT, Step.NOCERT)
    advance(transaction, Step.REMOTE)
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
        raise QrUsed("휴대폰에서 인증을 진행하고 있습니다. 휴대폰에서 마치거나 취소해주세요.")
    transaction.qr_secret = None
    advance(transaction, Step.SELECT if transaction.subscriber_id else Step.IDENTIFY)
    db.session.commit()


def poll(transaction: WidgetTransaction) -> None:
    """The PC's poll: once the phone has finished, this response hands the result to the RP."""
    hand_over(transaction)
    db.session.commit()


def claim(pc_transaction_id: str, code: str, phone_browser_id: str) -> WidgetTransaction:
    """A phone opened a QR code: check it is fresh and unused, then give the phone its own transaction."""
    pc = db.session.get(WidgetTransaction, pc_transaction_id) if len(pc_transaction_id) <= 40 else None
    if pc is None:
        raise TransactionMissing()
    if pc.status == "open" and pc.expires_at <= utcnow():
        raise TransactionExpired()
    if pc.status != "open" or pc.step != Step.REMOTE or pc.paired_at is not None or not pc.qr_secret:
        raise QrUsed()
    if not rotating_qr.is_fresh(pc, code):
        raise QrExpired()
    claimed = db.session.execute(
        update(WidgetTransaction)
        .where(WidgetTransaction.id == pc.id, WidgetTransaction.paired_at.is_(None))
        .values(paired_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise QrUsed()
    db.session.refresh(pc)
    return open_transaction(Flow.REMOTE, phone_browser_id, parent=pc)


def confirm_pairing(phone: WidgetTransaction, device_token: str | None) -> bool:
    """The person saw the same code on both screens: the normal steps begin on the phone."""
    require(phone, Step.PAIR)
    advance(phone, Step.START)
    return begin(phone, device_token)
