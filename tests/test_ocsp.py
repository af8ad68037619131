"""The OCSP responder, as outside clients see it: openssl over HTTP, and cryptography's parser."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from app.banks import get_bank
from app.cloud.certificates import delete_certificate, x509_of
from app.models import CrlRecord
from app.pki.ca import current_ca
from app.ra.orders import open_order, place_order, redeem_order
from tests.pki_support import aia_url, openssl, pkilint, serving, write_pem
from tests.support import DEFAULT_PIN, subscriber_with_certificate

OCSP_MIME = {"Content-Type": "application/ocsp-request"}


def request_for(certificate: x509.Certificate, issuer: x509.Certificate, *, nonce: bytes | None = None, algorithm=None):
    builder = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, algorithm or hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def ask(client, request_der: bytes) -> ocsp.OCSPResponse:
    response = client.post("/pki/ocsp", data=request_der, headers=OCSP_MIME)
    assert response.status_code == 200 and response.mimetype == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.data)


def openssl_ocsp(tmp_path, certificate: x509.Certificate) -> str:
    """``openssl ocsp`` against the URL in the certificate's AIA; returns its whole output."""
    authority = current_ca()
    write_pem(tmp_path / "ca.pem", authority.ca_cert)
    write_pem(tmp_path / "root.pem", authority.root_cert)
    write_pem(tmp_path / "ee.pem", certificate)
    url = aia_url(certificate, AuthorityInformationAccessOID.OCSP)
    result = openssl("ocsp", "-issuer", "ca.pem", "-cert", "ee.pem", "-url", url, "-CAfile", "root.pem", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Response verify OK" in result.stderr + result.stdout
    return result.stdout


@pytest.mark.committed  # the served app answers from its own threads and connections
def test_openssl_says_good_then_revoked_after_deletion(app, tmp_path):
    with serving(app):
        _subscriber, stored = subscriber_with_certificate()
        certificate = x509_of(stored)
        assert "ee.pem: good" in openssl_ocsp(tmp_path, certificate)
        delete_certificate(stored, DEFAULT_PIN)
        output = openssl_ocsp(tmp_path, certificate)
    assert "ee.pem: revoked" in output
    assert "Reason: cessationOfOperation" in output


@pytest.mark.committed
def test_openssl_says_revoked_for_the_certificate_a_reissue_replaced(app, tmp_path):
    with serving(app):
        _subscriber, old = subscriber_with_certificate()
        placed, auth_code = place_order(
            get_bank("004"),
            name="홍길동",
            phone="01012345678",
            birth_date=old.subscriber.birth_date,
            email=None,
            kind="reissue",
        )
        new = redeem_order(open_order(placed.ref_num, auth_code), pin="135792")
        assert "ee.pem: revoked" in openssl_ocsp(tmp_path, x509_of(old))
        assert "Reason: superseded" in openssl_ocsp(tmp_path, x509_of(old))
        assert "ee.pem: good" in openssl_ocsp(tmp_path, x509_of(new))


def test_a_response_verifies_in_python_echoes_the_nonce_and_follows_the_crl_schedule(app, client):
    _subscriber, stored = subscriber_with_certificate()
    authority = current_ca()
    response = ask(client, request_for(x509_of(stored), authority.ca_cert, nonce=b"0123456789abcdef"))
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == x509_of(stored).serial_number
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"0123456789abcdef"
    # Signed by the delegated responder the issuing CA certified for OCSP signing, and nothing else.
    (responder, _issuing_ca) = response.certificates
    key_bits = responder.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    assert response.responder_key_hash == hashlib.sha1(key_bits).digest()
    assert responder == authority.ocsp_cert
    responder.verify_directly_issued_by(authority.ca_cert)
    usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
    responder.public_key().verify(
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(), response.signature_hash_algorithm
    )
    crl = CrlRecord.query.order_by(CrlRecord.number.desc()).first()
    assert response.this_update_utc.replace(tzinfo=None) == crl.this_update
    assert response.next_update_utc.replace(tzinfo=None) == crl.next_update


def test_revoked_carries_the_time_and_reason(app, client):
    _subscriber, stored = subscriber_with_certificate()
    delete_certificate(stored, DEFAULT_PIN)
    response = ask(client, request_for(x509_of(stored), current_ca().ca_cert, algorithm=hashes.SHA256()))
    assert response.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert response.revocation_reason == x509.ReasonFlags.cessation_of_operation
    assert response.revocation_time_utc.replace(tzinfo=None) == stored.revoked_at


def test_get_with_a_url_encoded_base64_path(app, client):
    _subscriber, stored = subscriber_with_certificate()
    der = request_for(x509_of(stored), current_ca().ca_cert, algorithm=hashes.SHA256())
    path = urllib.parse.quote(base64.b64encode(der).decode(), safe="")
    response = client.get(f"/pki/ocsp/{path}")
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    assert ocsp.load_der_ocsp_response(response.data).certificate_status == ocsp.OCSPCertStatus.GOOD


def test_a_serial_the_ca_never_issued_is_unknown(app, client):
    _subscriber, stored = subscriber_with_certificate()
    certificate = x509_of(stored)
    issuer = current_ca().ca_cert
    builder = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        *_hashes(issuer, hashes.SHA1()), certificate.serial_number + 1, hashes.SHA1()
    )
    response = ask(client, builder.build().public_bytes(serialization.Encoding.DER))
    assert response.certificate_status == ocsp.OCSPCertStatus.UNKNOWN


def test_the_issuing_ca_certificate_is_answered_by_the_root(app, client):
    authority = current_ca()
    response = ask(client, request_for(authority.ca_cert, authority.root_cert))
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    authority.root_cert.public_key().verify(
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(), response.signature_hash_algorithm
    )


def test_another_issuer_is_unauthorized(app, client):
    builder = ocsp.OCSPRequestBuilder().add_certificate_by_hash(b"\x01" * 20, b"\x02" * 20, 12345, hashes.SHA1())
    response = ask(client, builder.build().public_bytes(serialization.Encoding.DER))
    assert response.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    "body",
    [b"", b"not der", b"\x30\x03\x02\x01\x01", b"\x30" * 40, b"\x30\x82\xff\xff" + b"\x00" * 10, b"x" * 20_000],
)
def test_a_malformed_post_gets_malformed_request(client, body):
    response = client.post("/pki/ocsp", data=body, headers=OCSP_MIME)
    assert response.status_code == 200 and response.mimetype == "application/ocsp-response"
    assert ocsp.load_der_ocsp_response(response.data).response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@pytest.mark.parametrize(
    "path", ["/pki/ocsp/%%%", "/pki/ocsp/not*base64!", "/pki/ocsp/AAAA", "/pki/ocsp/%FF%FE", "/pki/ocsp", "/pki/ocsp/"]
)
def test_a_malformed_get_gets_malformed_request(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert ocsp.load_der_ocsp_response(response.data).response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_a_response_passes_pkilint(app, client, tmp_path):
    _subscriber, stored = subscriber_with_certificate()
    response = client.post(
        "/pki/ocsp", data=request_for(x509_of(stored), current_ca().ca_cert, nonce=b"n" * 16), headers=OCSP_MIME
    )
    (tmp_path / "response.der").write_bytes(response.data)
    result = pkilint("lint_ocsp_response", tmp_path / "response.der")
    assert result.returncode == 0, result.stdout + result.stderr


def _hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    name = hashes.Hash(algorithm)
    name.update(issuer.subject.public_bytes())
    key = hashes.Hash(algorithm)
    key.update(issuer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1))
    return name.finalize(), key.finalize()
