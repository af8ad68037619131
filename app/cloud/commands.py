"""``flask --app wsgi cert …``: cloud certificates from the command line (issue into a
subscriber's cloud, sign a file), through the same services the widget uses."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives.serialization import Encoding
from flask.cli import AppGroup

from app.banks import UnknownBank, get_bank
from app.cloud.certificates import (
    find_by_serial,
    find_or_create_subscriber,
    issue_certificate,
    sign_with_pin,
    x509_of,
)
from app.errors import ServiceError
from app.extensions import db
from app.personal_info import normalise_name, normalise_phone, parse_birth_date

cert_cli = AppGroup("cert", help="End-entity certificates in the cloud.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


@cert_cli.command("issue")
@click.option("--name", required=True)
@click.option("--phone", required=True)
@click.option("--birth-date", required=True, help="YYYYMMDD")
@click.option("--bank", "bank_code", required=True, help="3-digit bank code")
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True)
def cert_issue(name: str, phone: str, birth_date: str, bank_code: str, pin: str) -> None:
    """Issue a certificate into a subscriber's cloud; prints the serial and the PEM."""
    try:
        subscriber = find_or_create_subscriber(
            normalise_name(name), normalise_phone(phone), parse_birth_date(birth_date)
        )
        certificate = issue_certificate(subscriber, get_bank(bank_code), pin)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        _fail(error.message)
    except UnknownBank:
        db.session.rollback()
        _fail(f"unknown bank code {bank_code}")
    click.echo(f"serial: {certificate.serial}")
    click.echo(x509_of(certificate).public_bytes(Encoding.PEM).decode(), nl=False)


@cert_cli.command("sign")
@click.option("--serial", required=True)
@click.option("--pin", prompt=True, hide_input=True)
@click.option(
    "--content", "content_file", type=click.Path(exists=True, dir_okay=False), help="file to sign (default stdin)"
)
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True, help="where to write the DER CMS")
@click.option("--pss", is_flag=True, help="RSASSA-PSS instead of PKCS#1 v1.5")
def cert_sign(serial: str, pin: str, content_file: str | None, out_file: str, pss: bool) -> None:
    """Sign a file with a cloud certificate: a detached CMS SignedData (DER)."""
    certificate = find_by_serial(serial)
    if certificate is None:
        _fail(f"no certificate with serial {serial}")
    content = Path(content_file).read_bytes() if content_file else sys.stdin.buffer.read()
    try:
        (signature,) = sign_with_pin(certificate, pin, [content], pss=pss, via="cli")
    except ServiceError as error:
        _fail(error.message)
    Path(out_file).write_bytes(signature)
    click.echo(f"wrote {len(signature)} bytes to {out_file}")
