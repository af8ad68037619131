"""The root CA and the issuing CA, kept in the instance folder with keys encrypted at rest.

Both are created on first use (or by ``flask --app wsgi ca init``). The private keys are
PKCS#8 files encrypted under a password derived from the KEK, so the files alone are useless.
Creation takes a lock file so that several processes starting at once make one CA.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.clock import utcnow
from app.keyed_hash import derive_key

ROOT_VALIDITY = timedelta(days=20 * 365)
ISSUING_VALIDITY = timedelta(days=10 * 365)
CA_KEY_BITS = 3072


@dataclass(frozen=True)
class CertificateAuthority:
    """What signing needs: the issuing CA's certificate and key, and the root above it."""

    root_cert: x509.Certificate
    ca_cert: x509.Certificate
    ca_key: rsa.RSAPrivateKey

    @property
    def root_pem(self) -> bytes:
        return self.root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)


_loaded: dict[tuple[str, bytes], CertificateAuthority] = {}


def pki_dir(instance_path: str) -> Path:
    return Path(instance_path) / "pki"


def _key_password(kek: bytes) -> bytes:
    return derive_key(kek, "ca-key-at-rest").hex().encode()


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_certificate(
    subject: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    validity: timedelta,
    path_length: int | None,
) -> x509.Certificate:
    now = utcnow().replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer != subject:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def create_ca(instance_path: str, kek: bytes, org: str) -> CertificateAuthority:
    """Make a new root and issuing CA and write them (keys encrypted) to the instance folder."""
    folder = pki_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=CA_KEY_BITS)
    root_name = _name(f"{org} Root CA", org)
    root_cert = _ca_certificate(root_name, root_key.public_key(), root_name, root_key, ROOT_VALIDITY, 1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=CA_KEY_BITS)
    ca_cert = _ca_certificate(_name(f"{org} CA 1", org), ca_key.public_key(), root_name, root_key, ISSUING_VALIDITY, 0)
    encryption = serialization.BestAvailableEncryption(_key_password(kek))
    for filename, key in (("root.key", root_key), ("ca.key", ca_key)):
        _write_private(
            folder / filename,
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption),
        )
    # Certificates last: their presence marks a complete CA.
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "root.pem").write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    return CertificateAuthority(root_cert=root_cert, ca_cert=ca_cert, ca_key=ca_key)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def load_ca(instance_path: str, kek: bytes) -> CertificateAuthority:
    """Read the CA from the instance folder and decrypt the issuing CA's key."""
    folder = pki_dir(instance_path)
    root_cert = x509.load_pem_x509_certificate((folder / "root.pem").read_bytes())
    ca_cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), password=_key_password(kek))
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    return CertificateAuthority(root_cert=root_cert, ca_cert=ca_cert, ca_key=ca_key)


def ensure_ca(instance_path: str, kek: bytes, org: str) -> CertificateAuthority:
    """The CA of this instance, created once; cached per process (it never changes)."""
    cache_key = (os.path.abspath(instance_path), kek)
    if cache_key in _loaded:
        return _loaded[cache_key]
    folder = pki_dir(instance_path)
    if not (folder / "root.pem").exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = folder / ".creating"
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            _wait_for(folder / "root.pem")
        else:
            os.close(fd)
            try:
                if not (folder / "root.pem").exists():
                    create_ca(instance_path, kek, org)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
    authority = load_ca(instance_path, kek)
    _loaded[cache_key] = authority
    return authority


def _wait_for(path: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"another process did not finish creating the CA ({path})")
        time.sleep(0.05)


def current_ca() -> CertificateAuthority:
    """The CA of the running app."""
    from flask import current_app

    return ensure_ca(current_app.instance_path, current_app.config["KEK"], current_app.config["SERVICE_ORG"])
