"""``flask --app wsgi ca …``: the certificate authority from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.pki.ca import ensure_ca, pki_dir

ca_cli = AppGroup("ca", help="The certificate authority.")


@ca_cli.command("init")
def ca_init() -> None:
    """Create the root and issuing CA in the instance folder (no-op when they exist)."""
    authority = ensure_ca(current_app.instance_path, current_app.config["KEK"], current_app.config["SERVICE_ORG"])
    click.echo(f"root: {authority.root_cert.subject.rfc4514_string()}")
    click.echo(f"issuing CA: {authority.ca_cert.subject.rfc4514_string()}")
    click.echo(f"files: {pki_dir(current_app.instance_path)}")
