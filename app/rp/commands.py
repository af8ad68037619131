"""``flask --app wsgi rp …``: registering relying parties."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.rp.clients import register_client

rp_cli = AppGroup("rp", help="Relying parties (이용기관).")


@rp_cli.command("register")
@click.option("--org-code", required=True, help="A-Z, 0-9 and _, 2-40 characters")
@click.option("--name", required=True, help="shown to users in the widget")
@click.option("--origin", "origins", multiple=True, required=True, help="page origin allowed to use the SDK (repeat)")
@click.option(
    "--allow-remote-sign-types",
    "remote_sign_types",
    default=None,
    metavar="02,05",
    help="sign types besides 01 (로그인) a phone may approve through the QR code (휴대폰으로 인증); "
    "default: none for a new RP, unchanged when re-keying; '' for none",
)
def register(org_code: str, name: str, origins: tuple[str, ...], remote_sign_types: str | None) -> None:
    """Register (or re-key) a relying party; prints its SDK key and server secret once."""
    for origin in origins:
        if not origin.startswith(("https://", "http://localhost", "http://127.0.0.1")) or origin.count("/") != 2:
            raise click.ClickException(f"origin must look like https://host[:port]: {origin}")
    types = None if remote_sign_types is None else [t.strip() for t in remote_sign_types.split(",") if t.strip()]
    try:
        client, api_key, secret = register_client(org_code, name, list(origins), remote_sign_types=types)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"orgCode: {client.org_code}")
    click.echo(f"apiKey: {api_key}    (browser: FinCert.Sdk.init)")
    click.echo(f"secret: {secret}    (server: Authorization Bearer; never in a page)")
    click.echo(f"origins: {', '.join(client.origins)}")
    click.echo(f"phone (휴대폰으로 인증) may approve: {', '.join(['01', *client.remote_sign_types])}")
