"""The CA: created once per instance, keys encrypted at rest, certificates published."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.key_source import key_source, uses_token
from app.pki.ca import current_ca, ensure_ca, load_ca, pki_dir


def test_the_ca_lives_in_the_instance_folder_with_encrypted_keys(app):
    authority = current_ca()
    folder = pki_dir(app.instance_path)
    if uses_token(app.config):
        # With a PKCS#11 token the folder holds only references to the keys inside it.
        assert not list(folder.glob("*.key"))
        assert all((folder / f"{name}.p11.json").exists() for name in ("root", "ca", "ocsp"))
        assert authority.ca_cert.issuer == authority.root_cert.subject
        return
    for name in ("root.key", "ca.key", "ocsp.key"):
        pem = (folder / name).read_bytes()
        assert b"ENCRYPTED PRIVATE KEY" in pem
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(pem, password=None)
        assert oct((folder / name).stat().st_mode & 0o777) == "0o600"
    assert authority.ca_cert.issuer == authority.root_cert.subject


def test_the_keys_need_the_kek(app):
    current_ca()
    # Files: the PKCS#8 decryption fails. A token: there are no key files to try at all.
    with pytest.raises(FileNotFoundError if uses_token(app.config) else ValueError):
        load_ca(app.instance_path, bytes(32))


def test_ensure_ca_does_not_make_a_second_ca(app):
    first = current_ca()
    again = ensure_ca(app.instance_path, key_source(), app.config["SERVICE_ORG"])
    assert again.root_cert == first.root_cert


def test_root_and_ca_certificates_are_published(client):
    root = x509.load_pem_x509_certificate(client.get("/pki/root.pem").data)
    ca = x509.load_pem_x509_certificate(client.get("/pki/ca.pem").data)
    assert root == current_ca().root_cert
    assert ca.issuer == root.subject


def test_ca_init_command_reports_the_ca(runner):
    result = runner.invoke(args=["ca", "init"])
    assert result.exit_code == 0
    assert "Root CA" in result.output


def _old_style_ca(folder, kek):
    """The CA as instances made before AIA, policies and the ARL had it (keys as files)."""
    from datetime import timedelta

    from cryptography.x509.oid import NameOID

    from app.clock import utcnow
    from app.key_source import FileKeySource
    from app.pki.signing import sign_certificate

    folder.mkdir(parents=True)
    source = FileKeySource(kek)
    now = utcnow().replace(microsecond=0)

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    def ca_builder(subject, issuer, public_key, path_length):
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    root_signer = source.new_signer(folder, "root", 2048)
    ca_signer = source.new_signer(folder, "ca", 2048)
    root = sign_certificate(ca_builder(name("Old Root"), name("Old Root"), root_signer.public_key(), 1), root_signer)
    ca = sign_certificate(ca_builder(name("Old CA"), name("Old Root"), ca_signer.public_key(), 0), root_signer)
    ee = sign_certificate(
        x509.CertificateBuilder()
        .subject_name(name("홍길동()0041234567890123456"))
        .issuer_name(ca.subject)
        .public_key(ca_signer.public_key())  # any key will do for the chain
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier("2.25.171032817.1.1"), None)]),
            critical=False,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_signer.public_key()), critical=False),
        ca_signer,
    )
    for filename, certificate in (("root.pem", root), ("ca.pem", ca)):
        (folder / filename).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return root, ca, ee


def test_an_instance_made_before_the_current_profile_is_upgraded_on_start(tmp_path):
    import os

    from cryptography.x509.oid import ExtensionOID

    from tests.pki_support import openssl, write_pem

    kek = os.urandom(32)
    root, old_ca, old_ee = _old_style_ca(pki_dir(str(tmp_path)), kek)
    authority = ensure_ca(str(tmp_path), kek, "Old Org", public_url="http://old.example")

    assert authority.root_cert == root  # relying parties keep the root they pinned
    new_ca = authority.ca_cert
    assert new_ca.serial_number != old_ca.serial_number
    assert (new_ca.subject, new_ca.public_key()) == (old_ca.subject, old_ca.public_key())
    assert new_ca.not_valid_after_utc == old_ca.not_valid_after_utc
    for oid in (ExtensionOID.AUTHORITY_INFORMATION_ACCESS, ExtensionOID.CERTIFICATE_POLICIES):
        new_ca.extensions.get_extension_for_oid(oid)
    points = new_ca.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value == "http://old.example/pki/arl"
    assert authority.previous_ca_certs == (old_ca,)
    assert (pki_dir(str(tmp_path)) / f"ca-{old_ca.serial_number:X}.pem").exists()
    authority.ocsp_cert.verify_directly_issued_by(new_ca)

    # A certificate the old CA certificate issued chains through the new one, policy and all.
    folder = tmp_path / "check"
    folder.mkdir()
    write_pem(folder / "root.pem", root)
    write_pem(folder / "ca.pem", new_ca)
    write_pem(folder / "ee.pem", old_ee)
    command = ["verify", "-explicit_policy", "-policy", "2.25.171032817.1.1", "-CAfile", "root.pem"]
    result = openssl(*command, "-untrusted", "ca.pem", "ee.pem", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr

    # Starting again changes nothing.
    again = ensure_ca(str(tmp_path), kek, "Old Org", public_url="http://old.example")
    assert again.ca_cert == new_ca and again.ocsp_cert == authority.ocsp_cert


def test_ca_init_is_idempotent(runner, app):
    first = runner.invoke(args=["ca", "init"])
    folder = pki_dir(app.instance_path)
    files = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    second = runner.invoke(args=["ca", "init"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output and "OCSP responder" in second.output
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()} == files
