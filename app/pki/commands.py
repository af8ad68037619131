"""``flask --app wsgi ca …`` and ``cert …``: operators' and scripts' access to the same services."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from flask.cli import AppGroup

from app.banks import UnknownBank, get_bank
from app.cloud.certificates import (
    CertificateUnavailable,
    WrongPin,
    find_by_serial,
    find_or_create_subscriber,
    issue_certificate,
    sign_with_pin,
    x509_of,
)
from app.cloud.pin_rules import PinRuleViolation
from app.extensions import db
from app.key_source import key_source
from app.personal_info import InvalidField, normalise_name, normalise_phone, parse_birth_date
from app.pki.ca import ensure_ca, pki_dir

ca_cli = AppGroup("ca", help="The certificate authority.")
cert_cli = AppGroup("cert", help="End-entity certificates.")


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
    except (InvalidField, PinRuleViolation) as error:
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
    except WrongPin as error:
        _fail(error.message)
    except CertificateUnavailable as error:
        _fail(error.message)
    Path(out_file).write_bytes(signature)
    click.echo(f"wrote {len(signature)} bytes to {out_file}")
