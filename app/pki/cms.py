"""Signatures as relying parties ask for them: CMS SignedData (RFC 5652) — detached or with the
content inside, wrapped in a ContentInfo or bare — or a raw PKCS#1 signature; PKCS#1 v1.5 or
RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt).

The SignedData is assembled with ``asn1crypto`` so that every option of the SDK's
``signFormat.CMSInfo`` is honoured, the signing time included. Signed attributes are
contentType, signingTime and messageDigest; the signer's certificate and the chain are included.
``openssl cms -verify`` accepts the ContentInfo forms (tests/test_cms_signing.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

PSS_SALT_LENGTH = 32


@dataclass(frozen=True)
class CmsOptions:
    """The SDK's ``algorithms`` and ``signFormat.CMSInfo``."""

    pss: bool = False  # RSASSA-PSS_SHA256_MGF_SHA256 instead of RSASSA-PKCS1-v1_5_SHA256
    detached: bool = True  # withoutContent: the content is not inside the SignedData
    content_info: bool = True  # generalSyntax: wrapped in a ContentInfo (else a bare SignedData)
    signing_time: datetime | None = None  # None: the server's clock (CLOUD_SERVER)


def pss_padding() -> padding.PSS:
    """RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt."""
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_LENGTH)


def sign_raw(content: bytes, private_key: rsa.RSAPrivateKey, *, pss: bool = False) -> bytes:
    """A PKCS#1 signature of SHA-256(content) (the SDK's ``signFormat.type: 'PKCS1'``)."""
    return private_key.sign(content, pss_padding() if pss else padding.PKCS1v15(), hashes.SHA256())


def _signature_algorithm(pss: bool) -> algos.SignedDigestAlgorithm:
    if not pss:
        return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})
    sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
    return algos.SignedDigestAlgorithm(
        {
            "algorithm": "rsassa_pss",
            "parameters": algos.RSASSAPSSParams(
                {
                    "hash_algorithm": sha256,
                    "mask_gen_algorithm": algos.MaskGenAlgorithm({"algorithm": "mgf1", "parameters": sha256}),
                    "salt_length": PSS_SALT_LENGTH,
                    "trailer_field": "trailer_field_bc",
                }
            ),
        }
    )


def _certificate(certificate: x509.Certificate) -> cms.CertificateChoices:
    return cms.CertificateChoices(
        name="certificate",
        value=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
    )


def sign(
    content: bytes,
    certificate: x509.Certificate,
    private_key: rsa.RSAPrivateKey,
    chain: list[x509.Certificate],
    options: CmsOptions = CmsOptions(),
) -> bytes:
    """A DER SignedData over ``content``, shaped by ``options``."""
    signing_time = options.signing_time or datetime.now(UTC)
    signed_attributes = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(content).digest()]}),
        ]
    )
    # The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4).
    signature = private_key.sign(
        signed_attributes.dump(), pss_padding() if options.pss else padding.PKCS1v15(), hashes.SHA256()
    )
    issuer_and_serial = cms.IssuerAndSerialNumber(
        {
            "issuer": asn1_x509.Name.load(certificate.issuer.public_bytes()),
            "serial_number": certificate.serial_number,
        }
    )
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(name="issuer_and_serial_number", value=issuer_and_serial),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": signed_attributes,
            "signature_algorithm": _signature_algorithm(options.pss),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {
                "content_type": "data",
                "content": None if options.detached else core.OctetString(content),
            },
            "certificates": [_certificate(certificate), *(_certificate(extra) for extra in chain)],
            "signer_infos": [signer_info],
        }
    )
    if not options.content_info:
        return signed_data.dump()
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


@dataclass(frozen=True)
class SignatureFormat:
    """One signature as asked: a raw PKCS#1 signature, or a CMS SignedData with its options."""

    raw: bool = False  # signFormat.type 'PKCS1'
    cms: CmsOptions = CmsOptions()

    def sign(
        self,
        content: bytes,
        certificate: x509.Certificate,
        private_key: rsa.RSAPrivateKey,
        chain: list[x509.Certificate],
    ) -> bytes:
        if self.raw:
            return sign_raw(content, private_key, pss=self.cms.pss)
        return sign(content, certificate, private_key, chain, self.cms)


def sign_detached(
    content: bytes,
    certificate: x509.Certificate,
    private_key: rsa.RSAPrivateKey,
    chain: list[x509.Certificate],
    *,
    pss: bool = False,
) -> bytes:
    """The default form: a detached SignedData in a ContentInfo, signed now."""
    return sign(content, certificate, private_key, chain, CmsOptions(pss=pss))
