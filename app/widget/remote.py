"""휴대폰으로 인증: a PC's request finished on a phone through a rotating QR code.

The PC's transaction gets a per-transaction secret. Its QR code is a one-time URL of the
service whose token is an HMAC over that secret and the current time slot (a few seconds),
like BankID's animated QR: a photo of an old code no longer works. The first phone to open a
fresh code claims the request (an atomic update); it gets a transaction of its own, linked to
the PC's, and runs the normal steps. A 4-digit code shown on both screens lets the person see
that they are the same request. The PC polls and finishes when the phone does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import update

from app.clock import utcnow
from app.extensions import db
from app.models import WidgetTransaction
from app.widget import flow

ROTATE_SECONDS = 4
GRACE_SLOTS = 1  # the code shown just before the current one still works (camera delay)


class QrExpired(flow.FlowError):
    status = 410
    message = "QR 코드가 만료되었습니다. PC 화면에 보이는 새 QR 코드를 찍어주세요."


class QrUsed(flow.FlowError):
    status = 409
    message = "이미 사용된 QR 코드입니다. PC 화면에서 처음부터 다시 시작해주세요."


def start_on_phone(transaction: WidgetTransaction) -> None:
    """The PC shows a QR code instead of asking for 가입정보 or a certificate here."""
    flow.expect_step(transaction, "identify", "select", "nocert")
    if transaction.purpose != "sign":
        raise flow.OutOfOrder()
    transaction.qr_secret = secrets.token_hex(32)
    transaction.qr_started_at = utcnow()
    transaction.pair_code = f"{secrets.randbelow(10**4):04d}"
    transaction.paired_at = None
    transaction.step = "remote"
    transaction.notice = None
    db.session.commit()


def continue_on_pc(transaction: WidgetTransaction) -> None:
    """이 PC에서 계속: back to 가입정보, while no phone has claimed the request."""
    flow.expect_step(transaction, "remote")
    if transaction.paired_at is not None:
        raise flow.OutOfOrder()
    transaction.qr_secret = None
    transaction.step = "select" if transaction.subscriber_id else "identify"
    db.session.commit()


def current_slot(transaction: WidgetTransaction, now: datetime | None = None) -> int:
    assert transaction.qr_started_at is not None
    return int(((now or utcnow()) - transaction.qr_started_at).total_seconds() // ROTATE_SECONDS)


def _token(transaction: WidgetTransaction, slot: int) -> str:
    assert transaction.qr_secret is not None
    message = f"{transaction.id}:{slot}".encode()
    return hmac.new(bytes.fromhex(transaction.qr_secret), message, hashlib.sha256).hexdigest()[:24]


def qr_url(transaction: WidgetTransaction, now: datetime | None = None) -> str:
    """What the QR code encodes right now."""
    slot = current_slot(transaction, now)
    path = url_for("widget.phone_entry", transaction_id=transaction.id, code=f"{slot}.{_token(transaction, slot)}")
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def claim(pc_transaction_id: str, code: str, phone_browser_id: str) -> WidgetTransaction:
    """A phone opened a QR code: check it is fresh and unused, then give the phone its own transaction."""
    pc = db.session.get(WidgetTransaction, pc_transaction_id) if len(pc_transaction_id) <= 40 else None
    if pc is None:
        raise flow.TransactionMissing()
    if pc.status == "open" and pc.expires_at <= utcnow():
        raise flow.TransactionExpired()
    if pc.status != "open" or pc.step != "remote" or pc.paired_at is not None or not pc.qr_secret:
        raise QrUsed()
    slot_text, _, token = code.partition(".")
    if not slot_text.isdigit() or len(token) != 24:
        raise QrExpired()
    slot = int(slot_text)
    if not (current_slot(pc) - GRACE_SLOTS <= slot <= current_slot(pc)) or not hmac.compare_digest(
        token, _token(pc, slot)
    ):
        raise QrExpired()
    now = utcnow()
    claimed = db.session.execute(
        update(WidgetTransaction)
        .where(WidgetTransaction.id == pc.id, WidgetTransaction.paired_at.is_(None))
        .values(paired_at=now)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise QrUsed()
    phone = WidgetTransaction(
        id=secrets.token_urlsafe(24),
        purpose="sign",
        step="pair",
        browser_hash=flow.browser_hash(phone_browser_id),
        rp_org_code=pc.rp_org_code,
        origin=None,  # the phone answers the PC, never an RP page of its own
        sign_type=pc.sign_type,
        plain_texts=list(pc.plain_texts),
        nonce=pc.nonce,
        parent_id=pc.id,
        pair_code=pc.pair_code,
        created_at=now,
        expires_at=pc.expires_at,
    )
    db.session.add(phone)
    db.session.commit()
    return phone


def confirm_pairing(phone: WidgetTransaction, device_token: str | None) -> bool:
    """The person saw the same code on both screens: the normal steps begin on the phone."""
    flow.expect_step(phone, "pair")
    phone.step = "start"
    return flow.begin(phone, device_token)
