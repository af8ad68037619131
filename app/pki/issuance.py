"""End-entity certificates (docs/design.md, "Certificates"): RSA-2048, SHA-256 with RSA, 3 years, one policy OID."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.pki.ca import CertificateAuthority

END_ENTITY_KEY_BITS = 2048


@dataclass(frozen=True)
class CertificateProfile:
    """What every end-entity certificate of this service shares."""

    policy_oid: str
    service_org: str
    crl_url: str
    validity: timedelta


def subject_common_name(name: str, bank_code: str) -> str:
    """``홍길동()004`` followed by a 16-digit random number, in the style of the real service."""
    return f"{name}(){bank_code}{secrets.randbelow(10**16):016d}"


def subject_name(common_name: str, bank_name: str, service_org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, service_org),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "personalF"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, bank_name),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def new_key_pair() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key; it is generated on the server and never leaves it in clear."""
    return rsa.generate_private_key(public_exponent=65537, key_size=END_ENTITY_KEY_BITS)


def issue_end_entity(
    authority: CertificateAuthority,
    profile: CertificateProfile,
    *,
    common_name: str,
    bank_name: str,
    public_key: rsa.RSAPublicKey,
    now: datetime,
) -> x509.Certificate:
    """Sign an end-entity certificate for ``public_key`` with the issuing CA."""
    start = now.replace(microsecond=0)
    return (
        x509.CertificateBuilder()
        .subject_name(subject_name(common_name, bank_name, profile.service_org))
        .issuer_name(authority.ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + profile.validity)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(profile.policy_oid), None)]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.ca_key.public_key()), critical=False
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(profile.crl_url)], None, None, None)]
            ),
            critical=False,
        )
        .sign(authority.ca_key, hashes.SHA256())
    )


def serial_hex(certificate: x509.Certificate) -> str:
    """The serial number as upper-case hex (how it is stored and shown)."""
    return format(certificate.serial_number, "X")
