"""Verifying an RP's signed result on the service side (what the demo RP and the verify API use).

It is the Flask-free verifier with the service's own root and its current CRL, plus the nonce's
single use: a result verifies once. (The CRL, not the OCSP responder: the service publishes a
new CRL in the same database transaction as every revocation, so it is exactly as current as an
OCSP answer, and checking it costs one signature verification instead of signing an OCSP response
and verifying it on every call. An RP verifying on its own asks the OCSP responder.)
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from flask import current_app

from app.models import RpClient
from app.pki.ca import current_ca
from app.pki.crl import current_crl
from app.pki.verifier import TrustConfig, VerificationError, VerifiedSignature, verify_signed_value
from app.rp.clients import consume_nonce


def service_trust() -> TrustConfig:
    """Trust the service's root, with its current CRL and policy."""
    return TrustConfig(
        root=current_ca().root_cert,
        crl=current_crl(),
        policy_oid=current_app.config["POLICY_OID"],
        intermediates=(current_ca().ca_cert,),
    )


@dataclass(frozen=True)
class SignedItem:
    """One of a result's ``signedVals`` with what the RP asked to sign for it."""

    signed_val: str
    sign_type: str
    content_type: str  # plainText | binary | hash
    content: str


def verify_for_rp(
    client: RpClient,
    *,
    signed_val: str | None = None,
    plain_text: str | None = None,
    sign_type: str | None = None,
    nonce: str,
    items: list[SignedItem] | None = None,
    format: str = "CMS",  # noqa: A002 - the SDK's own name
    certificate: x509.Certificate | None = None,
    encoding: str = "UTF-8",
) -> VerifiedSignature:
    """Verify a result's signed values for this RP — all of one widget session (multi-sign),
    bound to one nonce and made with one certificate — and use the nonce up; raises
    ``VerificationError`` or ``NonceRejected``. Returns the signer (of the first value)."""
    if items is None:
        assert signed_val is not None and plain_text is not None and sign_type is not None
        items = [SignedItem(signed_val, sign_type, "plainText", plain_text)]
    trust = service_trust()
    keys = {"plainText": "plain_text", "binary": "binary", "hash": "hash"}
    signers = [
        verify_signed_value(
            item.signed_val,
            org_code=client.org_code,
            sign_type=item.sign_type,
            nonce=nonce,
            encoding=encoding,
            format=format,
            certificate=certificate,
            trust=trust,
            **{keys[item.content_type]: item.content},
        )
        for item in items
    ]
    if len({signer.serial for signer in signers}) != 1:
        raise VerificationError("signer_mismatch", "한 요청의 서명은 모두 같은 인증서로 만들어져야 합니다.")
    consume_nonce(client, nonce)
    return signers[0]
