"""Rate-limit counters, in the database so that every app process shares them."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # epoch seconds
    count: Mapped[int] = mapped_column(default=0)
