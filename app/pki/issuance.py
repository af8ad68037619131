"""End-entity certificates: RSA-2048, SHA-256 with RSA, 3 years, one policy OID, AIA (OCSP and
the issuing CA), a CRL distribution point and, with a 식별번호, the KISA VID (docs/pki.md)."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from app.pki.ca import CertificateAuthority
from app.pki.signing import sign_certificate
from app.pki.vid import VidMaterial, san_extension

END_ENTITY_KEY_BITS = 2048


@dataclass(frozen=True)
class CertificateProfile:
    """What every end-entity certificate of this service shares."""

    policy_oid: str
    service_org: str
    crl_url: str
    validity: timedelta
    ocsp_url: str = ""
    ca_issuers_url: str = ""


def subject_common_name(name: str, bank_code: str) -> str:
    """``홍길동()004`` followed by a 16-digit random number, in the style of the real service."""
    return f"{name}(){bank_code}{secrets.randbelow(10**16):016d}"


UB_COMMON_NAME = 64  # X.520: characters, not bytes


def _common_name(value: str) -> x509.NameAttribute:
    """The CN, held to X.520's bound in characters. cryptography counts UTF-8 bytes, which would
    refuse the CN of a name the rules allow (30 letters: 30 Hangul syllables are 90 bytes)."""
    if not 1 <= len(value) <= UB_COMMON_NAME:
        raise ValueError(f"common name of {len(value)} characters")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the byte count, which does not apply
        return x509.NameAttribute(NameOID.COMMON_NAME, value, _validate=False)


def subject_name(common_name: str, bank_name: str, service_org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, service_org),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "personalF"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, bank_name),
            _common_name(common_name),
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
    real_name: str = "",
    vid: VidMaterial | None = None,
) -> x509.Certificate:
    """Sign an end-entity certificate for ``public_key`` with the issuing CA; with ``vid``
    its subjectAltName carries ``real_name`` and the VID."""
    start = now.replace(microsecond=0)
    builder = (
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
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.ca_signer.public_key()), critical=False
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(profile.crl_url)], None, None, None)]
            ),
            critical=False,
        )
    )
    access = [
        x509.AccessDescription(method, x509.UniformResourceIdentifier(url))
        for method, url in (
            (AuthorityInformationAccessOID.OCSP, profile.ocsp_url),
            (AuthorityInformationAccessOID.CA_ISSUERS, profile.ca_issuers_url),
        )
        if url
    ]
    if access:
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    if vid is not None:
        builder = builder.add_extension(san_extension(real_name, vid), critical=False)
    return sign_certificate(builder, authority.ca_signer)


def serial_hex(certificate: x509.Certificate) -> str:
    """The serial number as upper-case hex (how it is stored and shown)."""
    return format(certificate.serial_number, "X")
