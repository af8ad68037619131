"""End-entity certificates follow the profile of docs/pki.md and pass pkilint, as do the CA certificates and the CRL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID, NameOID, SignatureAlgorithmOID

from app.cloud.certificates import x509_of
from app.pki.ca import current_ca
from app.pki.crl import current_crl_der
from tests.support import subscriber_with_certificate


@pytest.fixture
def certificate(app):
    _subscriber, stored = subscriber_with_certificate()
    return x509_of(stored)


def test_key_signature_validity_and_serial(certificate):
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    assert certificate.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA256
    assert certificate.not_valid_after_utc - certificate.not_valid_before_utc == timedelta(days=3 * 365)
    assert certificate.serial_number.bit_length() >= 64


def test_extensions(certificate, app):
    usage = certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    policies = certificate.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES).value
    oid = policies[0].policy_identifier.dotted_string
    assert oid == app.config["POLICY_OID"]
    assert all(int(arc) < 2**28 for arc in oid.split("."))
    assert not oid.startswith("1.2.410.200005")  # never the real operator's arc
    certificate.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    points = certificate.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value.endswith("/pki/crl")
    with pytest.raises(x509.ExtensionNotFound):
        certificate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)


def test_subject_follows_the_design(certificate, app):
    subject = certificate.subject
    common_name = subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name.startswith("홍길동()004") and len(common_name) == len("홍길동()004") + 16
    units = [attribute.value for attribute in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]
    assert units == ["personalF", "KB국민은행"]
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == app.config["SERVICE_ORG"]
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "KR"


def _lint(tool: str, path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", f"pkilint.bin.{tool}", "lint", "-s", "ERROR", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_pkilint_finds_no_errors(certificate, tmp_path, app):
    authority = current_ca()
    files = {
        "ee.pem": certificate.public_bytes(serialization.Encoding.PEM),
        "ca.pem": authority.ca_pem,
        "root.pem": authority.root_pem,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        result = _lint("lint_pkix_cert", tmp_path / name)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
    (tmp_path / "fincert.crl").write_bytes(current_crl_der())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pkilint.bin.lint_crl",
            "lint",
            "-s",
            "ERROR",
            "-t",
            "CRL",
            "-p",
            "PKIX",
            str(tmp_path / "fincert.crl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
