"""``flask --app wsgi demo …``: the demo banks' customers, for people trying the service."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.bankdemo.customers import DEMO_ACCOUNT_PASSWORD, current_otp, customers_of, find_customer
from app.banks import get_bank
from app.extensions import db
from app.personal_info import format_phone

demo_cli = AppGroup("demo", help="Demo banks and their customers.")


@demo_cli.command("customers")
@click.option("--bank", "bank_code", default=None, help="only this bank (3-digit code)")
def list_customers(bank_code: str | None) -> None:
    """Print the demo customers with their current OTP code or security card."""
    for customer in customers_of(bank_code):
        bank = get_bank(customer.bank_code)
        branch = "영업점 확인" if customer.verified_at_branch else "영업점 미확인"
        click.echo(
            f"{bank.code} {bank.name} | ID {customer.ib_id} | {customer.name} {customer.birth_date:%Y%m%d} | "
            f"{format_phone(customer.phone)} | 계좌 {customer.account_number} "
            f"(비밀번호 {DEMO_ACCOUNT_PASSWORD}) | {branch}"
        )
        if customer.otp_secret:
            kind = "모바일 OTP" if customer.medium == "motp" else "OTP"
            click.echo(f"    {kind} 현재 번호: {current_otp(customer)}")
        if customer.card_codes:
            rows = [customer.card_codes[i : i + 5] for i in range(0, 30, 5)]
            for row_index, row in enumerate(rows):
                cells = "  ".join(f"{row_index * 5 + i + 1:2d}:{code}" for i, code in enumerate(row))
                click.echo(f"    보안카드 {cells}")
        if customer.wrong_answers:
            click.echo(f"    입력 오류 {customer.wrong_answers}/5회")


@demo_cli.command("unlock")
@click.option("--bank", "bank_code", required=True)
@click.option("--id", "ib_id", required=True)
def unlock(bank_code: str, ib_id: str) -> None:
    """Reset a demo customer's wrong-answer count (what a branch would do)."""
    customer = find_customer(bank_code, ib_id)
    if customer is None:
        raise click.ClickException("no such customer")
    customer.wrong_answers = 0
    db.session.commit()
    click.echo(f"{ib_id}: unlocked")
