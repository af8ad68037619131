"""Relying parties (이용기관): registered clients and the one-time nonces they use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class RpClient(db.Model):
    """A registered relying party: its SDK key (browser, bound to its origins) and server secret."""

    __tablename__ = "rp_clients"

    org_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    origins: Mapped[list[str]] = mapped_column(JSON)
    # Sign types besides 01 (로그인) that may be finished on a phone through a QR code (휴대폰으로
    # 인증). Empty unless the RP opted in at registration: a relayed QR code must not approve a 송금.
    remote_sign_types: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]


class RpNonce(db.Model):
    """A nonce an RP asked the service for (or supplied); each can bind one transaction."""

    __tablename__ = "rp_nonces"
    __table_args__ = (UniqueConstraint("org_code", "nonce", name="uq_rp_nonces_org_nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("rp_clients.org_code"))
    nonce: Mapped[str] = mapped_column(String(128))
    issued_by_service: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    bound_at: Mapped[datetime | None]  # a widget transaction took it
    transaction_id: Mapped[str | None] = mapped_column(String(40))
    verified_at: Mapped[datetime | None]  # the RP's verification consumed it
