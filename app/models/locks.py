"""Row locks by name: taking one serialises work on one key across processes (see ``app.locks``)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RowLock(db.Model):
    __tablename__ = "row_locks"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    taken: Mapped[int] = mapped_column(default=0)  # how often; only the lock matters
