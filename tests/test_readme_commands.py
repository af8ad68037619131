"""The README's commands work as printed: an integrator copies them unchanged."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest

from app.cloud.certificates import sign_with_pin
from app.pki.verifier import signed_content
from tests.pki_support import serving
from tests.support import DEFAULT_PIN, subscriber_with_certificate

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(marker: str) -> str:
    """The fenced block of the README that starts with ``# readme: <marker>``."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"```sh\n\s*# readme: {marker}\n(.*?)```", text, re.S)
    assert match, f"no block '{marker}' in the README"
    return "\n".join(line.strip() for line in match.group(1).splitlines())


@pytest.mark.committed
def test_the_openssl_verification_works_as_printed_on_openssl_3(app, tmp_path):
    _subscriber, certificate = subscriber_with_certificate()
    content = signed_content(org_code="MYSHOP", sign_type="05", nonce="n" * 20, plain_text="결제 39,000원")
    (signature,) = sign_with_pin(certificate, DEFAULT_PIN, [content])
    signed_val = base64.urlsafe_b64encode(signature).decode().rstrip("=")
    (tmp_path / "signature.der").write_bytes(base64.urlsafe_b64decode(signed_val + "=" * (-len(signed_val) % 4)))
    (tmp_path / "content.bin").write_bytes(content)
    with serving(app) as service:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", readme_block("openssl-verify")],
            cwd=tmp_path,
            env={"SERVICE": service, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr
    (tmp_path / "content.bin").write_bytes(content.replace(b"39,000", b"99,000"))
    tampered = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", "signature.der", "-binary", "-content",
         "content.bin", "-CAfile", "bundle.pem", "-crl_check_all", "-purpose", "any", "-out", "/dev/null"],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    assert tampered.returncode != 0
