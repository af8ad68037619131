"""자동연결: browsers a subscriber allowed to reach their cloud without the SMS step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))  # browser · OS, from the user agent
    # Where the registration lives: cookies are partitioned by the top-level site (CHIPS), so a
    # registration made inside one RP's page works there only. The RP's org code, or "" for the
    # service's own pages (issuance, 인증서 관리, a phone finishing a PC's request).
    site: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
