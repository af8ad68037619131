"""The root CA, the issuing CA and the OCSP responder, kept in the instance folder.

All are created on first use (or by ``flask --app wsgi ca init``). Certificates are PEM files
in ``instance/pki``; the private keys are held by the key source (``app.key_source``):
PKCS#8 files encrypted under a KEK-derived password, or non-extractable keys in a PKCS#11
token, of which only references are written here. Creation and upgrades take a lock that
the processes of a host share, so several processes starting at once make one CA.

An instance made before the CA certificates carried policies, AIA and a CRL distribution
point is upgraded in place on start: the issuing CA's key is certified again by the root
with the current profile (same subject and key, so every certificate it issued still
chains), the old certificate is kept as ``ca-<serial>.pem``, and the OCSP responder is
made. The root stays as it is: relying parties have it pinned. See docs/pki.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, ExtensionOID, NameOID

from app.clock import utcnow
from app.key_source import KeySource, Signer, as_key_source
from app.pki.signing import sign_certificate

ROOT_VALIDITY = timedelta(days=20 * 365)
ISSUING_VALIDITY = timedelta(days=10 * 365)
OCSP_VALIDITY = timedelta(days=365)
# The responder certificate is replaced when less than this is left (it has no revocation check).
OCSP_RENEW_BEFORE = timedelta(days=30)
CA_KEY_BITS = 3072
OCSP_KEY_BITS = 2048
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_POLICY_OID = "2.25.171032817.1.1"


@dataclass(frozen=True)
class CaProfile:
    """What the CA certificates say about the deployment: its name, its URLs, its policy."""

    org: str
    public_url: str = DEFAULT_PUBLIC_URL
    policy_oid: str = DEFAULT_POLICY_OID

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


@dataclass(frozen=True)
class CertificateAuthority:
    """The root, the issuing CA and its OCSP responder, with their signers."""

    root_cert: x509.Certificate
    ca_cert: x509.Certificate
    ocsp_cert: x509.Certificate
    root_signer: Signer
    ca_signer: Signer
    ocsp_signer: Signer
    # Earlier certificates of the issuing CA's key (an upgraded instance), still valid.
    previous_ca_certs: tuple[x509.Certificate, ...] = ()

    @property
    def root_pem(self) -> bytes:
        return self.root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def ocsp_pem(self) -> bytes:
        return self.ocsp_cert.public_bytes(serialization.Encoding.PEM)


_loaded: dict[tuple[str, tuple[str, ...]], CertificateAuthority] = {}


def pki_dir(instance_path: str) -> Path:
    return Path(instance_path) / "pki"


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, cert_sign: bool, digital_signature: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _policies(*oids: str) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in oids])


def _uri(url: str) -> x509.UniformResourceIdentifier:
    return x509.UniformResourceIdentifier(url)


def _now() -> datetime:
    return utcnow().replace(microsecond=0)


def root_certificate(signer: Signer, org: str, *, not_before: datetime, not_after: datetime) -> x509.Certificate:
    """The self-signed root: anyPolicy, so the issuing CA below decides the policy."""
    name = _name(f"{org} Root CA", org)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(signer.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer.public_key()), critical=False)
        .add_extension(_policies("2.5.29.32.0"), critical=False)
    )
    return sign_certificate(builder, signer)


def issuing_ca_certificate(
    public_key: rsa.RSAPublicKey,
    subject: x509.Name,
    root_cert: x509.Certificate,
    root_signer: Signer,
    profile: CaProfile,
    *,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """The issuing CA, certified by the root: the service policy, AIA (root certificate and
    OCSP), and the root's ARL as its CRL distribution point."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_signer.public_key()), critical=False)
        .add_extension(_policies(profile.policy_oid), critical=False)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(AuthorityInformationAccessOID.OCSP, _uri(profile.url("/pki/ocsp"))),
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS, _uri(profile.url("/pki/root.cer"))
                    ),
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints([x509.DistributionPoint([_uri(profile.url("/pki/arl"))], None, None, None)]),
            critical=False,
        )
    )
    return sign_certificate(builder, root_signer)


def ocsp_responder_certificate(
    public_key: rsa.RSAPublicKey, ca_cert: x509.Certificate, ca_signer: Signer, profile: CaProfile
) -> x509.Certificate:
    """A delegated OCSP responder (RFC 6960 §4.2.2.2): id-kp-OCSPSigning, and id-pkix-ocsp-nocheck
    because a responder's own status cannot be asked of itself; so its life is short."""
    now = _now()
    not_after = min(now + OCSP_VALIDITY, ca_cert.not_valid_after_utc.replace(tzinfo=None))
    serial_suffix = format(x509.random_serial_number() % 10**6, "06d")
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{profile.org} OCSP Responder {serial_suffix}", profile.org))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False, digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        .add_extension(x509.OCSPNoCheck(), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_signer.public_key()), critical=False)
    )
    # No certificatePolicies: a responder certificate signs OCSP answers, not for subscribers
    # (the CA/B Forum's OCSP-responder profile, which pkilint checks, forbids the extension).
    return sign_certificate(builder, ca_signer)


def create_ca(instance_path: str, kek: bytes | KeySource, org: str, profile: CaProfile | None = None) -> None:
    """Make a new root, issuing CA and OCSP responder into the instance folder."""
    source = as_key_source(kek)
    profile = profile or CaProfile(org=org)
    folder = pki_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = _now()
    root_signer = source.new_signer(folder, "root", CA_KEY_BITS)
    root_cert = root_certificate(
        root_signer, profile.org, not_before=now - timedelta(minutes=5), not_after=now + ROOT_VALIDITY
    )
    ca_signer = source.new_signer(folder, "ca", CA_KEY_BITS)
    ca_cert = issuing_ca_certificate(
        ca_signer.public_key(),
        _name(f"{profile.org} CA 1", profile.org),
        root_cert,
        root_signer,
        profile,
        not_before=now - timedelta(minutes=5),
        not_after=now + ISSUING_VALIDITY,
    )
    _write_cert(folder / "ca.pem", ca_cert)
    _new_ocsp_responder(folder, source, ca_cert, ca_signer, profile)
    # The root certificate last: its presence marks a complete CA.
    _write_cert(folder / "root.pem", root_cert)


def _write_cert(path: Path, certificate: x509.Certificate) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    temporary.replace(path)  # atomic: readers see the old or the new certificate, never half


def _read_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _new_ocsp_responder(
    folder: Path, source: KeySource, ca_cert: x509.Certificate, ca_signer: Signer, profile: CaProfile
) -> None:
    signer = source.new_signer(folder, "ocsp", OCSP_KEY_BITS)
    _write_cert(folder / "ocsp.pem", ocsp_responder_certificate(signer.public_key(), ca_cert, ca_signer, profile))


def _has_current_profile(ca_cert: x509.Certificate) -> bool:
    try:
        ca_cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
        ca_cert.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES)
    except x509.ExtensionNotFound:
        return False
    return True


def _ocsp_due(folder: Path, source: KeySource) -> bool:
    if not (folder / "ocsp.pem").exists() or not source.has_signer(folder, "ocsp"):
        return True
    remaining = _read_cert(folder / "ocsp.pem").not_valid_after_utc.replace(tzinfo=None) - _now()
    return remaining < OCSP_RENEW_BEFORE


def upgrade_ca(instance_path: str, kek: bytes | KeySource, profile: CaProfile) -> list[str]:
    """Bring an existing CA to the current profile; returns what was done (empty: nothing).

    Call with the creation lock held.
    """
    source = as_key_source(kek)
    folder = pki_dir(instance_path)
    done = []
    root_cert = _read_cert(folder / "root.pem")
    ca_cert = _read_cert(folder / "ca.pem")
    ca_signer = source.load_signer(folder, "ca")
    if not _has_current_profile(ca_cert):
        root_signer = source.load_signer(folder, "root")
        renewed = issuing_ca_certificate(
            ca_signer.public_key(),
            ca_cert.subject,
            root_cert,
            root_signer,
            profile,
            not_before=_now() - timedelta(minutes=5),
            # Not a day longer than the key was first certified for.
            not_after=ca_cert.not_valid_after_utc.replace(tzinfo=None),
        )
        _write_cert(folder / f"ca-{ca_cert.serial_number:X}.pem", ca_cert)
        _write_cert(folder / "ca.pem", renewed)
        ca_cert = renewed
        done.append("issuing CA certified again with policies, AIA and the ARL distribution point")
    if _ocsp_due(folder, source):
        _new_ocsp_responder(folder, source, ca_cert, ca_signer, profile)
        done.append("new OCSP responder certificate")
    return done


@contextlib.contextmanager
def _creation_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock shared by the processes of this host (released if a process dies)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_ca(instance_path: str, kek: bytes | KeySource) -> CertificateAuthority:
    """Read the CA from the instance folder and open its signers (a wrong KEK: ValueError)."""
    source = as_key_source(kek)
    folder = pki_dir(instance_path)
    ca_cert = _read_cert(folder / "ca.pem")
    previous = tuple(_read_cert(path) for path in sorted(folder.glob("ca-*.pem")) if path.name != "ca.pem")
    return CertificateAuthority(
        root_cert=_read_cert(folder / "root.pem"),
        ca_cert=ca_cert,
        ocsp_cert=_read_cert(folder / "ocsp.pem"),
        root_signer=source.load_signer(folder, "root"),
        ca_signer=source.load_signer(folder, "ca"),
        ocsp_signer=source.load_signer(folder, "ocsp"),
        previous_ca_certs=previous,
    )


def _needs_work(folder: Path, source: KeySource) -> bool:
    if not (folder / "root.pem").exists():
        return True
    return not _has_current_profile(_read_cert(folder / "ca.pem")) or _ocsp_due(folder, source)


def ensure_ca(
    instance_path: str,
    kek: bytes | KeySource,
    org: str,
    *,
    public_url: str = DEFAULT_PUBLIC_URL,
    policy_oid: str = DEFAULT_POLICY_OID,
) -> CertificateAuthority:
    """The CA of this instance: created once, upgraded when older than the current profile,
    its OCSP responder renewed before it expires; cached per process."""
    source = as_key_source(kek)
    cache_key = (os.path.abspath(instance_path), source.identity())
    cached = _loaded.get(cache_key)
    if cached is not None and not _expiring(cached.ocsp_cert):
        return cached
    folder = pki_dir(instance_path)
    profile = CaProfile(org=org, public_url=public_url, policy_oid=policy_oid)
    if _needs_work(folder, source):
        with _creation_lock(folder):
            source.ensure_kek()
            if not (folder / "root.pem").exists():
                create_ca(instance_path, source, org, profile)
            else:
                upgrade_ca(instance_path, source, profile)
    authority = load_ca(instance_path, source)
    _loaded[cache_key] = authority
    return authority


def _expiring(certificate: x509.Certificate) -> bool:
    return certificate.not_valid_after_utc.replace(tzinfo=None) - _now() < OCSP_RENEW_BEFORE


def current_ca() -> CertificateAuthority:
    """The CA of the running app."""
    from flask import current_app

    from app.key_source import key_source

    config = current_app.config
    return ensure_ca(
        current_app.instance_path,
        key_source(),
        config["SERVICE_ORG"],
        public_url=config["PUBLIC_URL"],
        policy_oid=config["POLICY_OID"],
    )
