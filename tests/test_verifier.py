"""The relying party's verifier: accepts a good signature and rejects every way it can be wrong."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.clock import utcnow
from app.cloud.certificates import revoke, sign_contents, sign_with_pin
from app.cloud.keystore import unseal
from app.extensions import db
from app.pki.ca import current_ca
from app.pki.crl import current_crl
from app.pki.verifier import TrustConfig, VerificationError, signed_content, verify_cms, verify_signed_value
from tests.support import DEFAULT_PIN, subscriber_with_certificate

LOGIN = {"org_code": "DEMO_RP", "sign_type": "01", "nonce": "n-123", "plain_text": "로그인"}


def trust(app, **overrides) -> TrustConfig:
    options = {"root": current_ca().root_cert, "crl": current_crl(), "policy_oid": app.config["POLICY_OID"]}
    return TrustConfig(**{**options, **overrides})


def signed_login(certificate) -> str:
    (signature,) = sign_with_pin(certificate, DEFAULT_PIN, [signed_content(**LOGIN)])
    return base64.urlsafe_b64encode(signature).decode().rstrip("=")


def test_a_good_login_signature_is_accepted_with_who_signed(app):
    _subscriber, certificate = subscriber_with_certificate(name="김서명", bank_code="088")
    signer = verify_signed_value(signed_login(certificate), trust=trust(app), **LOGIN)
    assert signer.name == "김서명"
    assert (signer.bank_code, signer.bank_name) == ("088", "신한은행")
    assert signer.serial == certificate.serial


def test_tampered_content_is_rejected(app):
    _subscriber, certificate = subscriber_with_certificate()
    with pytest.raises(VerificationError) as error:
        verify_signed_value(signed_login(certificate), trust=trust(app), **{**LOGIN, "plain_text": "로그인!"})
    assert error.value.code == "content_mismatch"


def test_a_wrong_nonce_or_another_relying_party_is_rejected(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    for changed in ({"nonce": "n-124"}, {"org_code": "OTHER_RP"}, {"sign_type": "02"}):
        with pytest.raises(VerificationError) as error:
            verify_signed_value(value, trust=trust(app), **{**LOGIN, **changed})
        assert error.value.code == "content_mismatch"


def test_another_root_is_rejected(app):
    _subscriber, certificate = subscriber_with_certificate()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Impostor Root")])
    now = datetime.now(UTC)
    other_root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with pytest.raises(VerificationError) as error:
        verify_signed_value(signed_login(certificate), trust=trust(app, root=other_root), **LOGIN)
    assert error.value.code == "untrusted_chain"


def test_a_revoked_certificate_is_rejected(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app), **LOGIN)
    assert error.value.code == "revoked"


def test_a_certificate_expired_at_signing_time_is_rejected(app):
    # Time travel: a certificate issued a little more than three years ago, used today.
    # The service refuses to sign with it, so sign with the unsealed key directly.
    _subscriber, certificate = subscriber_with_certificate(now=utcnow() - timedelta(days=3 * 365 + 1))
    key = serialization.load_der_private_key(
        unseal(certificate.key_blob, DEFAULT_PIN, app.config["KEK"], context=certificate.serial), password=None
    )
    (signature,) = sign_contents(certificate, key, [signed_content(**LOGIN)])
    with pytest.raises(VerificationError) as error:
        verify_cms(signature, signed_content(**LOGIN), trust(app))
    assert error.value.code == "expired"


def test_an_old_signature_is_rejected_as_stale(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    later = datetime.now(UTC) + timedelta(minutes=11)
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app), now=later, **LOGIN)
    assert error.value.code in {"stale", "crl_stale"}


def test_a_wrong_policy_is_rejected(app):
    _subscriber, certificate = subscriber_with_certificate()
    with pytest.raises(VerificationError) as error:
        verify_signed_value(signed_login(certificate), trust=trust(app, policy_oid="2.25.1.2.3"), **LOGIN)
    assert error.value.code == "wrong_policy"


def test_a_crl_is_required_unless_waived(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app, crl=None), **LOGIN)
    assert error.value.code == "crl_missing"
    assert verify_signed_value(value, trust=trust(app, crl=None, require_crl=False), **LOGIN)


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01\x01", b"not der at all", b"\x30" * 50])
def test_garbage_is_rejected_cleanly(app, garbage):
    with pytest.raises(VerificationError) as error:
        verify_cms(garbage, b"x", trust(app))
    assert error.value.code == "bad_cms"


def test_the_verifier_runs_without_flask(app):
    """Loaded on its own with Flask made unimportable, the verifier still verifies."""
    import subprocess
    import sys
    from pathlib import Path

    import app.pki.verifier as verifier_module

    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    from cryptography.hazmat.primitives.serialization import Encoding

    script = f"""
import sys, importlib.util
from cryptography import x509
sys.modules["flask"] = None  # any import of Flask now fails
spec = importlib.util.spec_from_file_location("standalone_verifier", {verifier_module.__file__!r})
module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; spec.loader.exec_module(module)
root = x509.load_pem_x509_certificate(sys.stdin.buffer.read())
trust = module.TrustConfig(root=root, policy_oid={app.config["POLICY_OID"]!r}, require_crl=False)
signer = module.verify_signed_value({value!r}, org_code="DEMO_RP", sign_type="01", nonce="n-123",
                                    plain_text="로그인", trust=trust)
print(signer.name)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=current_ca().root_cert.public_bytes(Encoding.PEM),
        capture_output=True,
        cwd=Path(verifier_module.__file__).parent,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "홍길동"


# --- revocation by OCSP -------------------------------------------------------------------------


def _ocsp_for(certificate_row, nonce=None) -> bytes:
    from app.cloud.certificates import x509_of
    from app.pki import ocsp as responder
    from app.pki.verifier import ocsp_request

    return responder.respond(ocsp_request(x509_of(certificate_row), current_ca().ca_cert, nonce))


def test_a_good_ocsp_answer_is_used_and_kept_as_evidence(app):
    _subscriber, certificate = subscriber_with_certificate()
    answer = _ocsp_for(certificate)
    signer = verify_signed_value(signed_login(certificate), trust=trust(app, crl=None, ocsp_response=answer), **LOGIN)
    assert signer.revocation_source == "ocsp" and signer.revocation_evidence == answer


def test_a_revoked_ocsp_answer_rejects_even_with_an_older_crl_that_does_not_list_it(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    older_crl = current_crl()
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app, crl=older_crl, ocsp_response=_ocsp_for(certificate)), **LOGIN)
    assert error.value.code == "revoked"


def test_the_fetcher_gets_a_nonce_and_a_replayed_answer_falls_back_to_the_crl(app):
    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    from app.pki import ocsp as responder

    seen = []

    def fetch(request_der: bytes) -> bytes:
        seen.append(request_der)
        return responder.respond(request_der)

    fresh = verify_signed_value(value, trust=trust(app, ocsp_fetcher=fetch), **LOGIN)
    assert fresh.revocation_source == "ocsp" and len(seen) == 1
    replayed = _ocsp_for(certificate, nonce=b"an old nonce....")
    fallback = verify_signed_value(value, trust=trust(app, ocsp_fetcher=lambda _request: replayed), **LOGIN)
    assert fallback.revocation_source == "crl"
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app, crl=None, ocsp_fetcher=lambda _request: replayed), **LOGIN)
    assert error.value.code == "ocsp_unusable"


def test_an_unreachable_responder_falls_back_to_the_crl(app):
    _subscriber, certificate = subscriber_with_certificate()

    def unreachable(_request: bytes) -> bytes:
        raise OSError("connection refused")

    signer = verify_signed_value(signed_login(certificate), trust=trust(app, ocsp_fetcher=unreachable), **LOGIN)
    assert signer.revocation_source == "crl"


def test_a_forged_or_stale_ocsp_answer_is_not_trusted(app):
    from cryptography.x509 import ocsp
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from app.cloud.certificates import x509_of

    _subscriber, certificate = subscriber_with_certificate()
    value = signed_login(certificate)
    # A responder certificate for OCSP signing that the service's CA never issued.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Forged Responder")])
    forged_responder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(current_ca().ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    forged = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=x509_of(certificate),
            issuer=current_ca().ca_cert,
            algorithm=hashes.SHA1(),
            cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now,
            next_update=now + timedelta(days=1),
            revocation_time=None,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, forged_responder)
        .certificates([forged_responder])
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    with pytest.raises(VerificationError) as error:
        verify_signed_value(value, trust=trust(app, crl=None, ocsp_response=forged), **LOGIN)
    assert error.value.code == "ocsp_unusable"
    # A genuine answer, a week later: past its nextUpdate.
    later = datetime.now(UTC) + timedelta(days=7)
    with pytest.raises(VerificationError) as stale:
        verify_signed_value(
            value, trust=trust(app, crl=None, max_age=None, ocsp_response=_ocsp_for(certificate)), now=later, **LOGIN
        )
    assert stale.value.code == "ocsp_unusable"
