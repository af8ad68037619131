"""CMS signatures verify with the independent ``openssl cms`` tool."""

from __future__ import annotations

import subprocess

import pytest

from app.cloud.certificates import sign_with_pin
from app.pki.ca import current_ca
from tests.support import DEFAULT_PIN, subscriber_with_certificate


def openssl_verify(tmp_path, signature: bytes, content: bytes) -> subprocess.CompletedProcess:
    (tmp_path / "root.pem").write_bytes(current_ca().root_pem)
    (tmp_path / "content.bin").write_bytes(content)
    (tmp_path / "signature.der").write_bytes(signature)
    command = [
        "openssl",
        "cms",
        "-verify",
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-inform",
        "DER",
        "-binary",
        "-content",
        str(tmp_path / "content.bin"),
        "-in",
        str(tmp_path / "signature.der"),
        "-out",
        "/dev/null",
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("pss", [False, True], ids=["pkcs1v15", "pss"])
def test_openssl_cms_verifies_the_signature(app, tmp_path, pss):
    _subscriber, certificate = subscriber_with_certificate()
    content = "이체 100,000원 → 신한 110-123-456789".encode()
    (signature,) = sign_with_pin(certificate, DEFAULT_PIN, [content], pss=pss)
    result = openssl_verify(tmp_path, signature, content)
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr


def test_openssl_cms_rejects_tampered_content(app, tmp_path):
    _subscriber, certificate = subscriber_with_certificate()
    (signature,) = sign_with_pin(certificate, DEFAULT_PIN, [b"transfer 1000"])
    assert openssl_verify(tmp_path, signature, b"transfer 9000").returncode != 0


def test_one_signature_per_content(app):
    _subscriber, certificate = subscriber_with_certificate()
    signatures = sign_with_pin(certificate, DEFAULT_PIN, [b"a", b"b", b"c"])
    assert len(signatures) == 3 and len(set(signatures)) == 3
