"""Outside verifiers accept the PKI: openssl's full-chain revocation and policy checks, pkilint on
every certificate and list, and validation at signing time with the evidence kept then."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID

from app.clock import utcnow
from app.cloud.certificates import revoke, sign_with_pin, x509_of
from app.extensions import db
from app.pki.ca import current_ca
from app.pki.crl import current_arl_record, current_crl_der, publish_crl
from app.pki.verifier import TrustConfig, VerificationError, verify_cms
from app.pki.vid import new_vid
from tests.pki_support import aia_url, openssl, pkilint, write_crl_pem, write_pem
from tests.support import DEFAULT_PIN, subscriber_with_certificate


@pytest.fixture
def chain_files(app, tmp_path):
    """root.pem, ca.pem, ee.pem (with a VID), crl.pem and arl.pem, as an RP would download them."""
    _subscriber, stored = subscriber_with_certificate(vid=new_vid("9001011234568"))
    authority = current_ca()
    write_pem(tmp_path / "root.pem", authority.root_cert)
    write_pem(tmp_path / "ca.pem", authority.ca_cert)
    write_pem(tmp_path / "ee.pem", x509_of(stored))
    write_crl_pem(tmp_path / "crl.pem", current_crl_der())
    write_crl_pem(tmp_path / "arl.pem", current_arl_record().der)
    return tmp_path, stored


def test_openssl_checks_revocation_at_every_level_with_the_crl_and_the_arl(chain_files):
    folder, stored = chain_files
    command = ["verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "ca.pem"]
    result = openssl(*command, "-CRLfile", "crl.pem", "-CRLfile", "arl.pem", "ee.pem", cwd=folder)
    assert result.returncode == 0 and "ee.pem: OK" in result.stdout, result.stdout + result.stderr
    # Without the ARL the issuing CA's status is unknown, and openssl says so.
    without_arl = openssl(*command, "-CRLfile", "crl.pem", "ee.pem", cwd=folder)
    assert without_arl.returncode != 0 and "unable to get certificate CRL" in without_arl.stdout + without_arl.stderr
    # A revocation shows in the next CRL.
    revoke(stored, "keyCompromise", by="test")
    db.session.commit()
    write_crl_pem(folder / "crl.pem", current_crl_der())
    revoked = openssl(*command, "-CRLfile", "crl.pem", "-CRLfile", "arl.pem", "ee.pem", cwd=folder)
    assert revoked.returncode != 0 and "certificate revoked" in revoked.stdout + revoked.stderr


def test_openssl_finds_the_service_policy_on_the_whole_chain(chain_files, app):
    folder, _stored = chain_files
    policy = app.config["POLICY_OID"]
    common = ["verify", "-explicit_policy", "-CAfile", "root.pem", "-untrusted", "ca.pem"]
    result = openssl(*common, "-policy", policy, "ee.pem", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    other = openssl(*common, "-policy", "2.25.1.2.3", "ee.pem", cwd=folder)
    assert other.returncode != 0 and "no explicit policy" in other.stdout + other.stderr


def test_aia_and_distribution_points_name_the_published_urls(chain_files, app, client):
    _folder, stored = chain_files
    authority = current_ca()
    certificate = x509_of(stored)
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert aia_url(certificate, AuthorityInformationAccessOID.OCSP) == f"{base}/pki/ocsp"
    assert aia_url(certificate, AuthorityInformationAccessOID.CA_ISSUERS) == f"{base}/pki/ca.cer"
    assert aia_url(authority.ca_cert, AuthorityInformationAccessOID.CA_ISSUERS).endswith("/pki/root.cer")
    points = authority.ca_cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value.endswith("/pki/arl")
    # Each URL serves what it names, in DER.
    assert x509.load_der_x509_certificate(client.get("/pki/ca.cer").data) == authority.ca_cert
    assert x509.load_der_x509_certificate(client.get("/pki/root.cer").data) == authority.root_cert
    arl = x509.load_der_x509_crl(client.get("/pki/arl").data)
    assert arl.issuer == authority.root_cert.subject and arl.is_signature_valid(authority.root_cert.public_key())
    assert x509.load_pem_x509_certificate(client.get("/pki/ocsp.pem").data) == authority.ocsp_cert


def test_both_ca_certificates_carry_policies(app):
    authority = current_ca()

    def policies(certificate):
        value = certificate.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES).value
        return [info.policy_identifier.dotted_string for info in value]

    assert policies(authority.root_cert) == ["2.5.29.32.0"]  # anyPolicy
    assert policies(authority.ca_cert) == [app.config["POLICY_OID"]]
    every_arc = [int(arc) for oid in policies(authority.ca_cert) for arc in oid.split(".")]
    assert max(every_arc) < 2**28


def test_pkilint_finds_no_errors_anywhere(chain_files):
    folder, _stored = chain_files
    authority = current_ca()
    write_pem(folder / "ocsp.pem", authority.ocsp_cert)
    (folder / "crl.der").write_bytes(current_crl_der())
    (folder / "arl.der").write_bytes(current_arl_record().der)
    checks = [
        ("lint_pkix_cert", "root.pem", ()),
        ("lint_pkix_cert", "ca.pem", ()),
        ("lint_pkix_cert", "ee.pem", ()),
        ("lint_pkix_cert", "ocsp.pem", ()),
        ("lint_cabf_serverauth_cert", "ocsp.pem", ("-t", "OCSP-RESPONDER")),
        ("lint_crl", "crl.der", ("-t", "CRL", "-p", "PKIX")),
        ("lint_crl", "arl.der", ("-t", "ARL", "-p", "PKIX")),
    ]
    for tool, name, options in checks:
        result = pkilint(tool, folder / name, *options)
        assert result.returncode == 0, f"{tool} {name}: {result.stdout}{result.stderr}"


# --- validating at signing time ---------------------------------------------------------------


def _cms_verify_at(folder, attime: int, crl: str):
    # ``openssl cms`` has no -CRLfile; its -CAfile reads CRLs as well as certificates.
    (folder / "trust.pem").write_bytes((folder / "root.pem").read_bytes() + (folder / crl).read_bytes())
    return openssl(
        "cms",
        "-verify",
        "-crl_check",
        "-attime",
        str(attime),
        "-CAfile",
        "trust.pem",
        "-inform",
        "DER",
        "-binary",
        "-content",
        "content.bin",
        "-in",
        "signature.der",
        "-out",
        "/dev/null",
        cwd=folder,
    )


def test_a_crl_newer_than_the_signature_fails_attime_and_the_crl_kept_then_works(app, tmp_path):
    """The documented way (docs/pki.md): keep the CRL (or OCSP response) you checked when the
    signature arrived, and validate later as of that moment; do not fail because a newer exists."""
    _subscriber, stored = subscriber_with_certificate()
    _other_subscriber, other = subscriber_with_certificate(name="김다른", phone="01099998888", birth="19850505")
    publish_crl(now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    content = "전자계약 동의".encode()
    (signature,) = sign_with_pin(stored, DEFAULT_PIN, [content])
    root = current_ca().root_cert
    trust = TrustConfig(root=root, policy_oid=app.config["POLICY_OID"], crl=x509.load_der_x509_crl(current_crl_der()))
    checked = verify_cms(signature, content, trust)
    kept_crl, checked_at = checked.revocation_evidence, checked.signing_time + timedelta(seconds=5)
    assert checked.revocation_source == "crl"

    # Later another certificate is revoked and the CRL republished, after the signing time.
    revoke(other, "keyCompromise", by="test", publish=False)
    publish_crl(now=utcnow() + timedelta(minutes=2))
    db.session.commit()
    newer_crl = current_crl_der()
    assert x509.load_der_x509_crl(newer_crl).last_update_utc > checked.signing_time

    write_pem(tmp_path / "root.pem", root)
    (tmp_path / "content.bin").write_bytes(content)
    (tmp_path / "signature.der").write_bytes(signature)
    write_crl_pem(tmp_path / "newer.pem", newer_crl)
    write_crl_pem(tmp_path / "kept.pem", kept_crl)
    attime = int(checked.signing_time.timestamp())

    failing = _cms_verify_at(tmp_path, attime, "newer.pem")
    assert failing.returncode != 0 and "CRL is not yet valid" in failing.stderr, failing.stderr
    working = _cms_verify_at(tmp_path, attime, "kept.pem")
    assert working.returncode == 0 and "Verification successful" in working.stderr, working.stderr

    # The project's verifier: a newer CRL is fine, and the kept evidence re-verifies a year on.
    newer_trust = TrustConfig(
        root=root, policy_oid=app.config["POLICY_OID"], crl=x509.load_der_x509_crl(newer_crl), max_age=None
    )
    assert verify_cms(signature, content, newer_trust).serial == stored.serial
    kept_trust = TrustConfig(
        root=root, policy_oid=app.config["POLICY_OID"], crl=x509.load_der_x509_crl(kept_crl), max_age=None
    )
    assert verify_cms(signature, content, kept_trust, now=checked_at).serial == stored.serial
    with pytest.raises(VerificationError) as stale:
        verify_cms(signature, content, kept_trust, now=checked_at.astimezone(UTC) + timedelta(days=365))
    assert stale.value.code == "crl_stale"  # as of today the kept CRL is old: re-verify as of then
