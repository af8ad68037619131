"""Registration-authority side: banks' API keys and their issuance orders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class RaApiKey(db.Model):
    """A bank's credential for the RA API; only a keyed hash of the key is stored."""

    __tablename__ = "ra_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_code: Mapped[str] = mapped_column(ForeignKey("banks.code"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class IssuanceOrder(db.Model):
    """An order placed by a bank after stage 1: 참조번호 + 인가코드, single use, expiring."""

    __tablename__ = "issuance_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_code: Mapped[str] = mapped_column(ForeignKey("banks.code"))
    ref_num: Mapped[str] = mapped_column(String(10), unique=True)
    auth_code_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # issue | reissue
    name: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str] = mapped_column(String(11))
    birth_date: Mapped[date]
    email: Mapped[str | None] = mapped_column(String(120))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    # VID 본인확인 when the bank sent a 주민등록번호 (never stored): the hashed virtual ID and R,
    # sealed under a KEK-derived key, until redemption clears them (docs/pki.md).
    vid_virtual_id: Mapped[bytes | None] = mapped_column(LargeBinary)
    vid_random_sealed: Mapped[str | None] = mapped_column(Text)
