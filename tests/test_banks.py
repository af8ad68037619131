"""The 22 issuing banks, kept as data and seeded idempotently."""

from __future__ import annotations

from app.banks import get_bank, list_banks, seed_banks, text_color_on
from app.models import Bank

DESIGN_CODES = {
    "002",
    "003",
    "004",
    "007",
    "011",
    "020",
    "023",
    "027",
    "031",
    "032",
    "034",
    "035",
    "037",
    "039",
    "045",
    "048",
    "062",
    "064",
    "081",
    "088",
    "089",
    "090",
}


def test_all_22_banks_of_the_design_are_seeded(app):
    banks = list_banks()
    assert len(banks) == 22
    assert {bank.code for bank in banks} == DESIGN_CODES
    assert get_bank("004").name == "KB국민은행"
    assert get_bank("090").name == "카카오뱅크"


def test_seeding_twice_changes_nothing(app):
    seed_banks()
    seed_banks()
    from app.extensions import db

    assert db.session.query(Bank).count() == 22


def test_each_bank_has_its_extra_auth_and_media(app):
    for bank in list_banks():
        assert bank.extra_auth in {"sms", "ars"}
        assert set(bank.media) <= {"otp", "card"} and bank.media


def test_brand_text_colour_keeps_contrast():
    assert text_color_on("#FFE300") == "#111111"  # 카카오뱅크 yellow takes dark text
    assert text_color_on("#0054A6") == "#ffffff"


def test_bank_colours_are_served_as_css(client):
    css = client.get("/banks.css")
    assert css.mimetype == "text/css"
    assert ".bank-color-004{background-color:#FFBC00;color:#111111}" in css.get_data(as_text=True)
