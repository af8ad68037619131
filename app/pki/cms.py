"""CMS SignedData (RFC 5652) with signed attributes, detached, verifiable by ``openssl cms``."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7


def pss_padding() -> padding.PSS:
    """RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt."""
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def sign_detached(
    content: bytes,
    certificate: x509.Certificate,
    private_key: rsa.RSAPrivateKey,
    chain: list[x509.Certificate],
    *,
    pss: bool = False,
) -> bytes:
    """DER SignedData over ``content`` (not embedded) with contentType, messageDigest and
    signingTime signed; the signer's certificate and ``chain`` are included."""
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content)
    builder = builder.add_signer(
        certificate, private_key, hashes.SHA256(), rsa_padding=pss_padding() if pss else padding.PKCS1v15()
    )
    for extra in chain:
        builder = builder.add_certificate(extra)
    return builder.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.NoCapabilities],
    )
