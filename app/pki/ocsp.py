"""The OCSP responder (RFC 6960): good, revoked or unknown for one certificate, signed.

- For the end-entity certificates of the issuing CA it answers as the delegated responder
  (its own key and certificate, id-kp-OCSPSigning), on the CRL's schedule.
- For the issuing CA's own certificate it answers with the root's key (the root is online
  anyway: it signs the ARL), on the ARL's schedule.
- Any other issuer gets ``unauthorized``; a request that does not parse ``malformedRequest``;
  a failure inside ``internalError`` or ``tryLater`` — an OCSP answer, never an HTML 500.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from sqlalchemy.exc import OperationalError

from app.clock import utcnow
from app.extensions import db
from app.key_source import KeyUnavailable, Signer
from app.models import Certificate
from app.pki.ca import CertificateAuthority, current_ca
from app.pki.crl import REASONS, current_arl_record, current_crl_record
from app.pki.signing import sign_ocsp_response

MAX_REQUEST_BYTES = 10_000


@dataclass(frozen=True)
class _Status:
    status: ocsp.OCSPCertStatus
    revoked_at: datetime | None = None
    reason: x509.ReasonFlags | None = None


def error_response(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


def _issuer_hashes(certificate: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """(issuerNameHash, issuerKeyHash) as a request for a certificate issued by ``certificate`` has them."""
    name_hash = hashlib.new(algorithm.name, certificate.subject.public_bytes()).digest()
    key_bits = certificate.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return name_hash, hashlib.new(algorithm.name, key_bits).digest()


def _end_entity_status(serial: int) -> _Status:
    certificate = db.session.scalars(db.select(Certificate).where(Certificate.serial == format(serial, "X"))).first()
    if certificate is None:
        return _Status(ocsp.OCSPCertStatus.UNKNOWN)
    if certificate.status == "revoked":
        return _Status(
            ocsp.OCSPCertStatus.REVOKED,
            revoked_at=certificate.revoked_at or utcnow().replace(microsecond=0),
            reason=REASONS.get(certificate.revocation_reason or ""),
        )
    return _Status(ocsp.OCSPCertStatus.GOOD)


def _ca_status(authority: CertificateAuthority, serial: int) -> _Status:
    issued = {cert.serial_number for cert in (authority.ca_cert, *authority.previous_ca_certs)}
    return _Status(ocsp.OCSPCertStatus.GOOD if serial in issued else ocsp.OCSPCertStatus.UNKNOWN)


def respond(request_der: bytes) -> bytes:
    """The DER OCSPResponse for a DER OCSPRequest."""
    if not request_der or len(request_der) > MAX_REQUEST_BYTES:
        return error_response(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
        serial = request.serial_number
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
        nonce = _nonce(request)
    except (ValueError, UnsupportedAlgorithm, TypeError):
        return error_response(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        authority = current_ca()
        if (name_hash, key_hash) == _issuer_hashes(authority.ca_cert, algorithm):
            status = _end_entity_status(serial)
            record = current_crl_record()
            signer, responder, chain = (
                authority.ocsp_signer,
                authority.ocsp_cert,
                [authority.ocsp_cert, authority.ca_cert],
            )
        elif (name_hash, key_hash) == _issuer_hashes(authority.root_cert, algorithm):
            status = _ca_status(authority, serial)
            record = current_arl_record()
            signer, responder, chain = authority.root_signer, authority.root_cert, []
        else:
            return error_response(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        return _signed(
            signer,
            responder,
            chain,
            (name_hash, key_hash, serial, algorithm),
            status,
            this_update=record.this_update,
            next_update=record.next_update,
            nonce=nonce,
        )
    except (OperationalError, KeyUnavailable):
        # The database or the token is briefly unreachable: the client may retry.
        db.session.rollback()
        return error_response(ocsp.OCSPResponseStatus.TRY_LATER)


def _nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def _signed(
    signer: Signer,
    responder: x509.Certificate,
    chain: list[x509.Certificate],
    certificate_id: tuple[bytes, bytes, int, hashes.HashAlgorithm],
    status: _Status,
    *,
    this_update: datetime,
    next_update: datetime,
    nonce: bytes | None,
) -> bytes:
    name_hash, key_hash, serial, algorithm = certificate_id
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=name_hash,
        issuer_key_hash=key_hash,
        serial_number=serial,
        algorithm=algorithm,
        cert_status=status.status,
        this_update=this_update,
        next_update=next_update,
        revocation_time=status.revoked_at,
        revocation_reason=status.reason if status.status == ocsp.OCSPCertStatus.REVOKED else None,
    )
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return sign_ocsp_response(builder, signer, responder, chain)
