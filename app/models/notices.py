"""Notices already sent (so that ``flask notices send`` sends each one once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class SentNotice(db.Model):
    __tablename__ = "sent_notices"
    __table_args__ = (UniqueConstraint("kind", "subject_key", name="uq_sent_notices_kind_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_key: Mapped[str] = mapped_column(String(80))  # e.g. the certificate serial
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
