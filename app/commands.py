"""``flask --app wsgi …`` commands that are not tied to one domain package."""

from __future__ import annotations

import click
from flask import Flask

from app.notices import send_expiry_notices
from app.purge import purge_expired
from app.seeding import seed_all


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""

    @app.cli.command("seed")
    def seed() -> None:
        """Seed the 22 banks and the demo data (idempotent)."""
        for name, count in seed_all().items():
            click.echo(f"{name}: {count}")

    @app.cli.group("notices")
    def notices() -> None:
        """Notices to subscribers."""

    @app.cli.command("steps")
    def steps() -> None:
        """Print the widget's and the bank's step tables as docs/design.md shows them."""
        from app.bankdemo.steps import BANK_STEPS
        from app.widget.steps import STEPS

        click.echo("Widget:\n\n" + STEPS.markdown() + "\n\nBank stage 1:\n\n" + BANK_STEPS.markdown())

    @app.cli.command("purge")
    def purge() -> None:
        """Delete expired widget transactions, SMS challenges, RP nonces, bank applications and old
        rate-limit counters, and nothing else; run it from cron (README)."""
        for name, count in purge_expired().items():
            click.echo(f"{name}: {count}")

    @notices.command("send")
    def send() -> None:
        """Send due notices (certificates expiring within 30 days); safe to run repeatedly."""
        click.echo(f"expiry notices sent: {send_expiry_notices()}")
