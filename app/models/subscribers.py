"""가입자: a person's cloud account, found by name + mobile number + birth date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db


class Subscriber(db.Model):
    __tablename__ = "subscribers"
    __table_args__ = (UniqueConstraint("name", "phone", "birth_date", name="uq_subscribers_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str] = mapped_column(String(11), index=True)  # normalised, digits only
    birth_date: Mapped[date]
    email: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificates: Mapped[list[Certificate]] = relationship(  # noqa: F821
        back_populates="subscriber", order_by="Certificate.id"
    )
