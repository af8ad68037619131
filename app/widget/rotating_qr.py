"""The rotating QR code of 휴대폰으로 인증: a one-time URL whose token changes every few seconds.

The token is an HMAC over the PC transaction's secret and the current time slot, like
BankID's animated QR code: a photo of an old code stops working a few seconds later.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app, url_for

from app.clock import utcnow
from app.models import WidgetTransaction

ROTATE_SECONDS = 4
GRACE_SLOTS = 1  # the code shown just before the current one still works (camera delay)


def current_slot(transaction: WidgetTransaction, now: datetime | None = None) -> int:
    assert transaction.qr_started_at is not None
    return int(((now or utcnow()) - transaction.qr_started_at).total_seconds() // ROTATE_SECONDS)


def token(transaction: WidgetTransaction, slot: int) -> str:
    assert transaction.qr_secret is not None
    message = f"{transaction.id}:{slot}".encode()
    return hmac.new(bytes.fromhex(transaction.qr_secret), message, hashlib.sha256).hexdigest()[:24]


def qr_url(transaction: WidgetTransaction, now: datetime | None = None) -> str:
    """What the QR code encodes right now."""
    slot = current_slot(transaction, now)
    path = url_for("widget.phone_entry", transaction_id=transaction.id, code=f"{slot}.{token(transaction, slot)}")
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def is_fresh(transaction: WidgetTransaction, code: str) -> bool:
    """Whether ``code`` (``slot.token``) is the current code or the one just before it."""
    slot_text, _, presented = code.partition(".")
    if not slot_text.isdigit() or len(presented) != 24 or not transaction.qr_secret:
        return False
    slot = int(slot_text)
    now_slot = current_slot(transaction)
    return now_slot - GRACE_SLOTS <= slot <= now_slot and hmac.compare_digest(presented, token(transaction, slot))
