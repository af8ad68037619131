"""Widget transactions: one RP request (or one issuance) walked through its steps on the server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class WidgetTransaction(db.Model):
    __tablename__ = "widget_transactions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # sign | issue | manage | remote | certlist (widget/steps.py)
    lang: Mapped[str] = mapped_column(String(3), default="kor", server_default="kor")  # kor | eng
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | cancelled | failed
    step: Mapped[str] = mapped_column(String(20))
    browser_hash: Mapped[str] = mapped_column(String(64))
    rp_org_code: Mapped[str | None] = mapped_column(ForeignKey("rp_clients.org_code"))
    origin: Mapped[str | None] = mapped_column(String(200))
    sign_type: Mapped[str | None] = mapped_column(String(2))
    plain_texts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the RP asked for beyond the texts (app/widget/sdk.py): the signature requests with their
    # formats, view options, and setAuthData's 가입정보.
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    nonce: Mapped[str | None] = mapped_column(String(128))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("issuance_orders.id"))
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    sms_challenge_id: Mapped[int | None] = mapped_column(ForeignKey("sms_challenges.id"))
    identity: Mapped[dict[str, str] | None] = mapped_column(JSON)  # 가입정보 typed: name, phone, birth_date
    wants_auto_connect: Mapped[bool] = mapped_column(default=False)
    keypad: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The certificate list's order for this transaction, fixed when it is first shown, so that
    # toggling 즐겨찾기 does not move cards under the person's finger (applies from the next opening).
    listing: Mapped[list[int] | None] = mapped_column(JSON)
    pending_pin: Mapped[str | None] = mapped_column(Text)  # first entry of a new PIN, sealed
    notice: Mapped[str | None] = mapped_column(String(200))  # a message for the next rendered step
    # 휴대폰으로 인증: the PC's transaction shows a rotating QR code; the phone's is its child.
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("widget_transactions.id"))
    qr_secret: Mapped[str | None] = mapped_column(String(64))
    qr_started_at: Mapped[datetime | None]
    pair_code: Mapped[str | None] = mapped_column(String(4))
    paired_at: Mapped[datetime | None]
    # Where this side of 휴대폰으로 인증 is: the PC's address and browser when it shows the QR code,
    # the phone's when it claims it. The phone shows the PC's before the PIN (relayed QR codes).
    client_address: Mapped[str | None] = mapped_column(String(64))
    client_user_agent: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_taken_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    # Not stored: the result being handed to the RP page by the response of this request
    # (set by ``transactions.hand_over``, read when the final step is rendered).
    handoff = None
