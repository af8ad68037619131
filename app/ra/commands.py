"""``flask --app wsgi ra …``: managing banks' RA API keys."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.banks import UnknownBank
from app.ra.orders import create_api_key

ra_cli = AppGroup("ra", help="Registration authority (banks).")


@ra_cli.command("create-key")
@click.option("--bank", "bank_code", required=True, help="3-digit bank code")
@click.option("--label", default="", help="what the key is for")
def create_key(bank_code: str, label: str) -> None:
    """Create an RA API key for a bank and print it (it is shown only this once)."""
    try:
        click.echo(create_api_key(bank_code, label))
    except UnknownBank:
        raise click.ClickException(f"unknown bank code {bank_code}") from None
