"""Messages handed to the SMS gateway: the embedded outbox and the provider's log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class SmsMessage(db.Model):
    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(120), index=True)  # a phone number, or an e-mail address
    channel: Mapped[str] = mapped_column(String(8), default="sms")  # "sms" | "ars" | "email"
    purpose: Mapped[str] = mapped_column(String(12), default="code")  # "code" | "notice"
    # What the message is for, each with its own sending limit: "login" (the widget's 휴대폰
    # 점유인증), "issue" (stage 2 of an issuance), "bank" (a bank's 추가인증) or "notice".
    scope: Mapped[str | None] = mapped_column(String(10), index=True)
    body: Mapped[str] = mapped_column(Text)
    gateway: Mapped[str] = mapped_column(String(16))  # "outbox" | "http"
    status: Mapped[str] = mapped_column(String(16), default="sent")
    provider_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
