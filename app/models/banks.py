"""The issuing banks (발급기관), seeded from ``app/banks/banks.json``."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Bank(db.Model):
    __tablename__ = "banks"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    short_name: Mapped[str] = mapped_column(String(20))
    color: Mapped[str] = mapped_column(String(7))
    extra_auth: Mapped[str] = mapped_column(String(8))  # "sms" | "ars"
    media: Mapped[list[str]] = mapped_column(JSON)  # subset of ["otp", "card"]
    issue_url: Mapped[str | None] = mapped_column(String(300))  # None: the demo bank site
    sort_order: Mapped[int] = mapped_column(default=0)
