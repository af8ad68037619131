"""Revocation lists: the issuing CA's CRL (end-entity certificates), rebuilt on every revocation
and before it goes stale, and the root's ARL (CA certificates), rebuilt before it goes stale.

The OCSP responder answers on the same schedule: its thisUpdate/nextUpdate are those of the
newest list, so a relying party sees the same freshness whichever it asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from app.models import ArlRecord, Certificate, CrlRecord
from app.pki.ca import current_ca
from app.pki.signing import sign_crl

# Publish a new CRL when the current one has less than this left before nextUpdate.
REFRESH_MARGIN = timedelta(hours=6)

REASONS = {
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
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.ca_signer.public_key()), critical=False
        )
    )
    revoked = db.session.scalars(db.select(Certificate).where(Certificate.status == "revoked").order_by(Certificate.id))
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(certificate.serial, 16))
            .revocation_date(certificate.revoked_at or this_update)
        )
        reason = REASONS.get(certificate.revocation_reason or "")
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = sign_crl(builder, authority.ca_signer)

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


def current_crl_record() -> CrlRecord:
    """The newest CRL, refreshed first when it is about to go stale."""
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
    return newest


def current_crl_der() -> bytes:
    """The CRL to serve."""
    return current_crl_record().der


def current_crl() -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(current_crl_der())


# --- the root's ARL -----------------------------------------------------------------------------


def _arl_validity() -> timedelta:
    return timedelta(days=int(current_app.config["ARL_VALIDITY_DAYS"]))


def build_arl(number: int, now: datetime) -> ArlRecord:
    """Sign an ARL for the CA certificates the root issued. None is revoked today (an upgraded
    instance's earlier issuing-CA certificate has the same key and stays valid), so it is
    empty; it exists so that a verifier checking every level (``-crl_check_all``) can."""
    authority = current_ca()
    this_update = now.replace(microsecond=0)
    next_update = this_update + _arl_validity()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.root_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.root_signer.public_key()), critical=False
        )
        .add_extension(
            x509.IssuingDistributionPoint(
                full_name=None,
                relative_name=None,
                only_contains_user_certs=False,
                only_contains_ca_certs=True,
                only_some_reasons=None,
                indirect_crl=False,
                only_contains_attribute_certs=False,
            ),
            critical=True,
        )
    )
    arl = sign_crl(builder, authority.root_signer)
    return ArlRecord(
        number=number, der=arl.public_bytes(Encoding.DER), this_update=this_update, next_update=next_update
    )


def _newest_arl() -> ArlRecord | None:
    return db.session.scalars(db.select(ArlRecord).order_by(ArlRecord.number.desc()).limit(1)).first()


def current_arl_record() -> ArlRecord:
    """The newest ARL, refreshed when less than a quarter of its validity is left."""
    newest = _newest_arl()
    if newest is None or newest.next_update - utcnow() < _arl_validity() / 4:
        try:
            newest = build_arl((newest.number + 1) if newest else 1, utcnow())
            db.session.add(newest)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            newest = _newest_arl()
    assert newest is not None
    return newest
