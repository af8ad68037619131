"""Verifying an RP's signed result on the service side (what the demo RP and the verify API use).

It is the Flask-free verifier with the service's own root, its OCSP responder (asked
in-process, as an RP would ask it over HTTP) with the current CRL as the fallback, plus the
nonce's single use: a result verifies once.
"""

from __future__ import annotations

from flask import current_app

from app.models import RpClient
from app.pki import ocsp
from app.pki.ca import current_ca
from app.pki.crl import current_crl
from app.pki.verifier import TrustConfig, VerifiedSignature, verify_signed_value
from app.rp.clients import consume_nonce


def service_trust() -> TrustConfig:
    """Trust the service's root, with its current CRL and policy."""
    return TrustConfig(
        root=current_ca().root_cert,
        crl=current_crl(),
        policy_oid=current_app.config["POLICY_OID"],
        ocsp_fetcher=ocsp.respond,
    )


def verify_for_rp(
    client: RpClient, *, signed_val: str, plain_text: str, sign_type: str, nonce: str
) -> VerifiedSignature:
    """Verify one signed value for this RP and use its nonce up; raises ``VerificationError``
    or ``NonceRejected``."""
    signer = verify_signed_value(
        signed_val,
        org_code=client.org_code,
        sign_type=sign_type,
        nonce=nonce,
        plain_text=plain_text,
        trust=service_trust(),
    )
    consume_nonce(client, nonce)
    return signer
