"""The certificate revocation list: rebuilt on every revocation and before it goes stale."""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from app.models import Certificate, CrlRecord
from app.pki.ca import current_ca

# Publish a new CRL when the current one has less than this left before nextUpdate.
REFRESH_MARGIN = timedelta(hours=6)

_REASONS = {
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
}


def build_crl(number: int, now: datetime) -> CrlRecord:
    """Sign a CRL listing every revoked certificate."""
    authority = current_ca()
    validity = timedelta(hours=current_app.config["CRL_VALIDITY_HOURS"])
    this_update = now.replace(microsecond=0)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.ca_cert.subject)
        .last_update(this_update)
        .next_update(this_update + validity)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.ca_key.public_key()), critical=False
        )
    )
    revoked = db.session.scalars(db.select(Certificate).where(Certificate.status == "revoked").order_by(Certificate.id))
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(certificate.serial, 16))
            .revocation_date(certificate.revoked_at or this_update)
        )
        reason = _REASONS.get(certificate.revocation_reason or "")
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(authority.ca_key, hashes.SHA256())

    return CrlRecord(
        number=number, der=crl.public_bytes(Encoding.DER), this_update=this_update, next_update=this_update + validity
    )


def _newest() -> CrlRecord | None:
    return db.session.scalars(db.select(CrlRecord).order_by(CrlRecord.number.desc()).limit(1)).first()


def publish_crl(now: datetime | None = None) -> CrlRecord:
    """Add a new CRL to the current transaction (numbers only grow)."""
    newest = _newest()
    record = build_crl((newest.number + 1) if newest else 1, now or utcnow())
    db.session.add(record)
    db.session.flush()
    return record


def current_crl_der() -> bytes:
    """The CRL to serve: the newest one, refreshed first when it is about to go stale."""
    newest = _newest()
    if newest is None or newest.next_update - utcnow() < REFRESH_MARGIN:
        try:
            newest = publish_crl()
            db.session.commit()
        except IntegrityError:
            # Another process published the same number first; theirs is just as good.
            db.session.rollback()
            newest = _newest()
    assert newest is not None
    return newest.der


def current_crl() -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(current_crl_der())
