"""The demo banks' own records (a bank's systems, not the service's): customers verified at a
branch, and their online issuance applications (stage 1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db


class DemoBankCustomer(db.Model):
    __tablename__ = "demo_bank_customers"
    __table_args__ = (UniqueConstraint("bank_code", "ib_id", name="uq_demo_bank_customers_bank_ib_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_code: Mapped[str] = mapped_column(ForeignKey("banks.code"), index=True)
    ib_id: Mapped[str] = mapped_column(String(20))  # internet-banking ID
    name: Mapped[str] = mapped_column(String(30))
    birth_date: Mapped[date]
    phone: Mapped[str] = mapped_column(String(11))
    account_number: Mapped[str] = mapped_column(String(20))
    account_password_hash: Mapped[str] = mapped_column(String(64))
    verified_at_branch: Mapped[bool] = mapped_column(default=True)
    medium: Mapped[str] = mapped_column(String(10))  # otp | card | motp (mobile OTP app)
    otp_secret: Mapped[str | None] = mapped_column(String(64))
    card_codes: Mapped[list[str] | None] = mapped_column(JSON)  # 30 four-digit codes, 1-based on the card
    wrong_answers: Mapped[int] = mapped_column(default=0)
    pending_otp_secret: Mapped[str | None] = mapped_column(String(64))  # a mobile OTP being enrolled
    # The 추가인증 (SMS or ARS code) of a mobile OTP enrollment in progress.
    otp_enrollment_challenge_id: Mapped[int | None] = mapped_column(ForeignKey("sms_challenges.id"))
    # The bank's record of the customer's 주민등록번호 (fictitious, check-digit valid), sent with
    # its RA order for VID 본인확인; the service itself never stores it.
    rrn: Mapped[str | None] = mapped_column(String(13))

    bank = relationship("Bank")


class DemoBankApplication(db.Model):
    __tablename__ = "demo_bank_applications"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    bank_code: Mapped[str] = mapped_column(ForeignKey("banks.code"))
    browser_hash: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | stopped
    kind: Mapped[str | None] = mapped_column(String(8))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("demo_bank_customers.id"))
    sms_challenge_id: Mapped[int | None] = mapped_column(ForeignKey("sms_challenges.id"))
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e-mail and phone for notices
    card_challenge: Mapped[list[list[Any]] | None] = mapped_column(JSON)  # [[number, "front"|"back"], …]
    ref_num: Mapped[str | None] = mapped_column(String(10))
    auth_code_sealed: Mapped[str | None] = mapped_column(Text)
    stop_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
