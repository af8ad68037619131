"""Signing certificates, CRLs and OCSP responses with a ``Signer`` (a file key or a token key).

``cryptography``'s builders encode the structures but sign only with a key object they hold.
So every structure is built once with a throw-away placeholder key of the same algorithm
(the TBS part does not depend on the signing key), and its TBS bytes are then signed by the
real signer and the signature put in place with ``asn1crypto``. File keys and token keys go
through this one path; the result is checked against the signer's public key before use.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

from asn1crypto import core as asn1_core
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp

from app.key_source import Signer

_placeholder: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None
_placeholder_lock = threading.Lock()


def _placeholder_pair() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A throw-away key, and a certificate for it (the OCSP builder insists the responder
    certificate matches the key it signs with)."""
    global _placeholder
    with _placeholder_lock:
        if _placeholder is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "placeholder")])
            now = datetime.now(UTC)
            certificate = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(1)
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=1))
                .sign(key, hashes.SHA256())
            )
            _placeholder = (key, certificate)
        return _placeholder


def _placeholder_key() -> rsa.RSAPrivateKey:
    return _placeholder_pair()[0]


def sign_certificate(builder: x509.CertificateBuilder, signer: Signer) -> x509.Certificate:
    """The certificate ``builder`` describes, signed by ``signer`` (sha256WithRSAEncryption)."""
    draft = asn1_x509.Certificate.load(
        builder.sign(_placeholder_key(), hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    )
    signature = signer.sign(draft["tbs_certificate"].dump())
    final = asn1_x509.Certificate(
        {
            "tbs_certificate": draft["tbs_certificate"],
            "signature_algorithm": draft["signature_algorithm"],
            "signature_value": signature,
        }
    )
    certificate = x509.load_der_x509_certificate(final.dump())
    _check(signer.public_key(), signature, draft["tbs_certificate"].dump())
    return certificate


def sign_crl(builder: x509.CertificateRevocationListBuilder, signer: Signer) -> x509.CertificateRevocationList:
    """The CRL ``builder`` describes, signed by ``signer``."""
    draft = asn1_crl.CertificateList.load(
        builder.sign(_placeholder_key(), hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    )
    tbs = draft["tbs_cert_list"].dump()
    signature = signer.sign(tbs)
    final = asn1_crl.CertificateList(
        {
            "tbs_cert_list": draft["tbs_cert_list"],
            "signature_algorithm": draft["signature_algorithm"],
            "signature": signature,
        }
    )
    _check(signer.public_key(), signature, tbs)
    return x509.load_der_x509_crl(final.dump())


def sign_ocsp_response(
    builder: ocsp.OCSPResponseBuilder, signer: Signer, responder: x509.Certificate, certs: list[x509.Certificate]
) -> bytes:
    """The DER OCSPResponse (successful) ``builder`` describes (responses and extensions only),
    its BasicOCSPResponse signed by ``signer``, identified by the key hash of ``responder``
    and carrying ``certs``."""
    key, placeholder_cert = _placeholder_pair()
    draft = asn1_ocsp.OCSPResponse.load(
        builder.responder_id(ocsp.OCSPResponderEncoding.HASH, placeholder_cert)
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    basic = draft["response_bytes"]["response"].parsed
    key_bits = responder.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    tbs_data = asn1_ocsp.ResponseData.load(basic["tbs_response_data"].dump())
    tbs_data["responder_id"] = asn1_ocsp.ResponderId({"by_key": hashlib.sha1(key_bits).digest()})
    tbs = tbs_data.dump()
    signature = signer.sign(tbs)
    _check(signer.public_key(), signature, tbs)
    signed_basic = asn1_ocsp.BasicOCSPResponse(
        {
            "tbs_response_data": tbs_data,
            "signature_algorithm": basic["signature_algorithm"],
            "signature": signature,
            "certs": [asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)) for cert in certs]
            or None,
        }
    )
    final = asn1_ocsp.OCSPResponse(
        {
            "response_status": "successful",
            "response_bytes": {
                "response_type": "basic_ocsp_response",
                "response": asn1_core.ParsableOctetString(signed_basic.dump()),
            },
        }
    )
    return final.dump()


def _check(public_key: rsa.RSAPublicKey, signature: bytes, tbs: bytes) -> None:
    # A signer that answers with a wrong signature (a mislabelled token key) must not
    # produce a certificate or CRL that verifiers would reject later, far from the cause.
    public_key.verify(signature, tbs, padding.PKCS1v15(), hashes.SHA256())
