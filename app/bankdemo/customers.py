"""The demo banks' customers "verified face to face at a branch", and their security media.

Per bank: one customer with a hardware OTP (TOTP, RFC 6238), one with a 보안카드 (30
numbered 4-digit codes; an OTP where the bank accepts no cards) and one who was never
verified at a branch. A customer can swap to a mobile OTP app (``mobile_otp``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import pyotp
from sqlalchemy import update

from app.banks import list_banks
from app.extensions import db
from app.keyed_hash import keyed_hash, matches
from app.models import Bank, DemoBankApplication, DemoBankCustomer
from app.pki.vid import check_digit

DEMO_ACCOUNT_PASSWORD = "1357"
MAX_WRONG_ANSWERS = 5

# The same people bank at several banks, so one cloud can hold certificates of two banks.
_PEOPLE = [
    ("김민준", date(1988, 3, 14), "01010010001"),
    ("이서연", date(1992, 7, 2), "01010010002"),
    ("박도윤", date(1979, 11, 23), "01010010003"),
    ("최지우", date(1995, 1, 30), "01010010004"),
    ("정하준", date(1983, 9, 9), "01010010005"),
    ("강서윤", date(1990, 5, 17), "01010010006"),
]


def demo_rrn(person: int) -> str:
    """A fictitious 주민등록번호 for demo person ``person``: their birth date, a century/sex
    digit, a made-up serial and a valid check digit (the bank sends it with its order)."""
    _name, born, _phone = _PEOPLE[person]
    first_twelve = f"{born:%y%m%d}{1 if born.year < 2000 else 3}{40000 + person * 1357:05d}"
    return first_twelve + str(check_digit(first_twelve))


@dataclass(frozen=True)
class CardChallenge:
    """Two digits of a numbered code: ``front`` = first two, ``back`` = last two."""

    number: int
    half: str

    @property
    def prompt(self) -> str:
        return f"보안카드 {self.number}번 {'앞' if self.half == 'front' else '뒤'} 2자리"


def _new_card() -> list[str]:
    return [f"{secrets.randbelow(10**4):04d}" for _ in range(30)]


def _customer_records(bank: Bank) -> list[dict]:
    index = bank.sort_order
    records = []
    for slot, (suffix, medium, verified) in enumerate(
        [("a", "otp", True), ("b", "card" if "card" in bank.media else "otp", True), ("c", "otp", False)]
    ):
        person = (index + slot) % len(_PEOPLE)
        name, born, phone = _PEOPLE[person]
        records.append(
            {
                "ib_id": f"demo{bank.code}{suffix}",
                "name": name,
                "birth_date": born,
                "phone": phone,
                "rrn": demo_rrn(person),
                "account_number": f"{bank.code}-{slot + 1:02d}-{100000 + index * 7 + slot:06d}",
                "medium": medium,
                "verified": verified,
            }
        )
    return records


def seed_demo_customers() -> int:
    """Create the demo customers that are missing (existing ones keep their media and counters)."""
    existing = {(row.bank_code, row.ib_id): row for row in db.session.scalars(db.select(DemoBankCustomer))}
    password_hash = keyed_hash("demo-account-password", DEMO_ACCOUNT_PASSWORD)
    created = 0
    for bank in list_banks():
        for record in _customer_records(bank):
            known = existing.get((bank.code, record["ib_id"]))
            if known is not None:
                if known.rrn is None:  # seeded before the bank kept 주민등록번호
                    known.rrn = record["rrn"]
                continue
            db.session.add(
                DemoBankCustomer(
                    bank_code=bank.code,
                    ib_id=record["ib_id"],
                    name=record["name"],
                    birth_date=record["birth_date"],
                    phone=record["phone"],
                    rrn=record["rrn"],
                    account_number=record["account_number"],
                    account_password_hash=password_hash,
                    verified_at_branch=record["verified"],
                    medium=record["medium"],
                    otp_secret=pyotp.random_base32() if record["medium"] == "otp" else None,
                    card_codes=_new_card() if record["medium"] == "card" else None,
                )
            )
            created += 1
    db.session.commit()
    return created


def customers_of(bank_code: str | None = None) -> list[DemoBankCustomer]:
    query = db.select(DemoBankCustomer).order_by(DemoBankCustomer.bank_code, DemoBankCustomer.ib_id)
    if bank_code:
        query = query.where(DemoBankCustomer.bank_code == bank_code)
    return list(db.session.scalars(query))


def find_customer(bank_code: str, ib_id: str) -> DemoBankCustomer | None:
    return db.session.scalars(
        db.select(DemoBankCustomer).where(DemoBankCustomer.bank_code == bank_code, DemoBankCustomer.ib_id == ib_id)
    ).first()


def account_password_matches(customer: DemoBankCustomer, password: str) -> bool:
    return matches("demo-account-password", password, customer.account_password_hash)


def current_otp(customer: DemoBankCustomer) -> str | None:
    """The code the customer's OTP device shows right now."""
    return pyotp.TOTP(customer.otp_secret).now() if customer.otp_secret else None


def otp_matches(customer: DemoBankCustomer, code: str) -> bool:
    """RFC 6238 with one 30-second step of tolerance either way."""
    return bool(customer.otp_secret) and pyotp.TOTP(customer.otp_secret).verify(code, valid_window=1)


def new_card_challenge() -> list[CardChallenge]:
    """Two different random code numbers, each with a random half."""
    first, second = secrets.SystemRandom().sample(range(1, 31), 2)
    return [
        CardChallenge(first, secrets.choice(["front", "back"])),
        CardChallenge(second, secrets.choice(["front", "back"])),
    ]


def card_challenges(application: DemoBankApplication) -> list[CardChallenge]:
    """The two codes an application asks for (drawn when it reached 보안매체 인증)."""
    return [CardChallenge(number, half) for number, half in (application.card_challenge or [])]


def customer_of(application: DemoBankApplication) -> DemoBankCustomer:
    """The customer an application identified (from 고객정보 입력 on)."""
    customer = db.session.get(DemoBankCustomer, application.customer_id)
    assert customer is not None
    return customer


def card_answer(customer: DemoBankCustomer, challenge: CardChallenge) -> str:
    code = (customer.card_codes or [])[challenge.number - 1]
    return code[:2] if challenge.half == "front" else code[2:]


def count_wrong_answer(customer: DemoBankCustomer) -> int:
    """One more wrong account password or security-medium answer (atomic); returns the count."""
    count = db.session.execute(
        update(DemoBankCustomer)
        .where(DemoBankCustomer.id == customer.id)
        .values(wrong_answers=DemoBankCustomer.wrong_answers + 1)
        .returning(DemoBankCustomer.wrong_answers)
    ).scalar_one()
    db.session.commit()
    return count


def reset_wrong_answers(customer: DemoBankCustomer) -> None:
    customer.wrong_answers = 0
