"""Published revocation lists: the issuing CA's CRL (/pki/crl) and the root's ARL (/pki/arl)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CrlRecord(db.Model):
    __tablename__ = "crl_records"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    this_update: Mapped[datetime]
    next_update: Mapped[datetime]


class ArlRecord(db.Model):
    """The root's authority revocation list: the CA certificates it revoked (numbers only grow)."""

    __tablename__ = "arl_records"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    this_update: Mapped[datetime]
    next_update: Mapped[datetime]
