"""The 22 issuing banks: the data file, seeding, and look-ups."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from app.extensions import db
from app.models import Bank

DATA_FILE = Path(__file__).with_name("banks.json")


class UnknownBank(LookupError):
    """No issuing bank has this code."""


def load_bank_data(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The bank records of the data file, in display order."""
    return json.loads(path.read_text(encoding="utf-8"))["banks"]


def seed_banks(path: Path = DATA_FILE) -> int:
    """Insert or update every bank of the data file; safe to run repeatedly."""
    for order, record in enumerate(load_bank_data(path)):
        bank = db.session.get(Bank, record["code"]) or Bank(code=record["code"])
        bank.name = record["name"]
        bank.short_name = record["short_name"]
        bank.color = record["color"]
        bank.extra_auth = record["extra_auth"]
        bank.media = list(record["media"])
        bank.issue_url = record.get("issue_url")
        bank.sort_order = order
        db.session.add(bank)
    db.session.commit()
    return len(load_bank_data(path))


def list_banks() -> list[Bank]:
    """All issuing banks in the order of the data file."""
    return list(db.session.scalars(db.select(Bank).order_by(Bank.sort_order)))


def get_bank(code: str) -> Bank:
    """The bank with this 3-digit code, or ``UnknownBank``."""
    bank = db.session.get(Bank, code) if isinstance(code, str) and len(code) == 3 else None
    if bank is None:
        raise UnknownBank(code)
    return bank


def search_banks(query: str) -> list[Bank]:
    """Banks whose name, short name or code contains the query (case-insensitive)."""
    needle = unicodedata.normalize("NFC", query).strip().casefold()
    return [
        bank
        for bank in list_banks()
        if needle in bank.name.casefold() or needle in bank.short_name.casefold() or needle == bank.code
    ]


def issue_page_url(bank: Bank, public_url: str) -> str:
    """Where a customer goes to get a certificate from this bank."""
    return bank.issue_url or f"{public_url.rstrip('/')}/bank/{bank.code}/"


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on the brand colour (WCAG contrast)."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    contrast_with_white = 1.05 / (luminance + 0.05)
    contrast_with_black = (luminance + 0.05) / 0.05
    return "#ffffff" if contrast_with_white >= contrast_with_black else "#111111"
