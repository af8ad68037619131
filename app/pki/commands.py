"""``flask --app wsgi ca …``: the certificate authority from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.key_source import key_source
from app.pki.ca import ensure_ca, pki_dir

ca_cli = AppGroup("ca", help="The certificate authority.")


@ca_cli.command("init")
def ca_init() -> None:
    """Create the root, the issuing CA and the OCSP responder in the instance folder (with a
    PKCS#11 token: the KEK and the keys in it). No-op when they exist; an instance made before
    the current certificate profile is upgraded (see docs/pki.md)."""
    config = current_app.config
    source = key_source()
    authority = ensure_ca(
        current_app.instance_path,
        source,
        config["SERVICE_ORG"],
        public_url=config["PUBLIC_URL"],
        policy_oid=config["POLICY_OID"],
    )
    click.echo(f"root: {authority.root_cert.subject.rfc4514_string()}")
    click.echo(f"issuing CA: {authority.ca_cert.subject.rfc4514_string()} (serial {authority.ca_cert.serial_number:X})")
    click.echo(f"OCSP responder: {authority.ocsp_cert.subject.rfc4514_string()}")
    click.echo(f"keys: {'PKCS#11 token ' + config['PKCS11_TOKEN'] if source.kind == 'pkcs11' else 'encrypted files'}")
    click.echo(f"files: {pki_dir(current_app.instance_path)}")
