"""The CA: created once per instance, keys encrypted at rest, certificates published."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.pki.ca import current_ca, ensure_ca, load_ca, pki_dir


def test_the_ca_lives_in_the_instance_folder_with_encrypted_keys(app):
    authority = current_ca()
    folder = pki_dir(app.instance_path)
    for name in ("root.key", "ca.key"):
        pem = (folder / name).read_bytes()
        assert b"ENCRYPTED PRIVATE KEY" in pem
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(pem, password=None)
        assert oct((folder / name).stat().st_mode & 0o777) == "0o600"
    assert authority.ca_cert.issuer == authority.root_cert.subject


def test_the_keys_need_the_kek(app):
    with pytest.raises(ValueError):
        load_ca(app.instance_path, bytes(32))


def test_ensure_ca_does_not_make_a_second_ca(app):
    first = current_ca()
    again = ensure_ca(app.instance_path, app.config["KEK"], app.config["SERVICE_ORG"])
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
