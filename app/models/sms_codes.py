"""One-time SMS codes (휴대폰 점유인증): stored as keyed hashes, with tries and resends counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class SmsChallenge(db.Model):
    __tablename__ = "sms_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    sends: Mapped[int] = mapped_column(default=1)
    verified_at: Mapped[datetime | None]
