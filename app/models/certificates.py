"""Certificates in the cloud, each with its private key sealed under PIN + KEK."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.subscribers import Subscriber


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    bank_code: Mapped[str] = mapped_column(ForeignKey("banks.code"))
    serial: Mapped[str] = mapped_column(String(40), unique=True)  # upper-case hex
    subject_cn: Mapped[str] = mapped_column(String(80))
    cert_der: Mapped[bytes] = mapped_column(LargeBinary)
    key_blob: Mapped[str] = mapped_column(Text)  # JSON: KDF parameters, salt, nonce, ciphertext
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | revoked
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(String(30))
    pin_failures: Mapped[int] = mapped_column(default=0)
    favourite: Mapped[bool] = mapped_column(default=False)
    last_used_at: Mapped[datetime | None]  # the last signature made with it (the list shows it first)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    subscriber: Mapped[Subscriber] = relationship(back_populates="certificates")
    bank = relationship("Bank")
