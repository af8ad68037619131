"""The CRL and the status endpoint."""

from __future__ import annotations

from datetime import timedelta

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from app.clock import utcnow
from app.cloud.certificates import revoke
from app.extensions import db
from app.models import CrlRecord
from app.pki.ca import current_ca
from tests.support import subscriber_with_certificate


def fetch_crl(client) -> x509.CertificateRevocationList:
    response = client.get("/pki/crl")
    assert response.status_code == 200 and response.mimetype == "application/pkix-crl"
    return x509.load_der_x509_crl(response.data)


def crl_number(crl) -> int:
    return crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number


def test_the_crl_is_signed_by_the_issuing_ca(client):
    crl = fetch_crl(client)
    assert crl.issuer == current_ca().ca_cert.subject
    assert crl.is_signature_valid(current_ca().ca_cert.public_key())
    assert crl.next_update_utc is not None


def test_a_revocation_publishes_a_new_crl_listing_it(client, app):
    _subscriber, certificate = subscriber_with_certificate()
    before = fetch_crl(client)
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    after = fetch_crl(client)
    assert crl_number(after) > crl_number(before)
    entry = after.get_revoked_certificate_by_serial_number(int(certificate.serial, 16))
    assert entry is not None


def test_the_crl_is_refreshed_before_next_update(client, app):
    first = fetch_crl(client)
    newest = db.session.get(CrlRecord, crl_number(first))
    newest.next_update = utcnow() + timedelta(minutes=30)
    db.session.commit()
    assert crl_number(fetch_crl(client)) == crl_number(first) + 1


def test_status_good_revoked_unknown_and_bad_input(client, app):
    _subscriber, certificate = subscriber_with_certificate()
    assert client.get(f"/pki/status/{certificate.serial.lower()}").json["status"] == "good"
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    revoked = client.get(f"/pki/status/{certificate.serial}").json
    assert revoked["status"] == "revoked" and revoked["reason"] == "keyCompromise"
    assert client.get("/pki/status/ABCDEF").json["status"] == "unknown"
    bad = client.get("/pki/status/not-hex!")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_serial"
