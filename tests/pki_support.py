"""Helpers for the PKI tests: serving the app on a real port, files for openssl, running it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` from a thread on a free loopback port, with PUBLIC_URL set to it, so that
    the URLs in certificates issued meanwhile (AIA, CRL DP) point at this server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    previous = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = url
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="pki-test-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["PUBLIC_URL"] = previous


def write_pem(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(Encoding.PEM))
    return path


def write_crl_pem(path: Path, der: bytes) -> Path:
    path.write_bytes(x509.load_der_x509_crl(der).public_bytes(Encoding.PEM))
    return path


def openssl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The openssl CLI (Debian's OpenSSL 3.0); output as text, never raising."""
    return subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=60)


def pkilint(tool: str, path: Path, *options: str) -> subprocess.CompletedProcess:
    """A pkilint linter, reporting ERROR and worse."""
    return subprocess.run(
        [sys.executable, "-m", f"pkilint.bin.{tool}", "lint", "-s", "ERROR", *options, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def aia_url(certificate: x509.Certificate, method: x509.ObjectIdentifier) -> str:
    access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    return next(str(entry.access_location.value) for entry in access if entry.access_method == method)
