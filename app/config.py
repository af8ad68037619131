"""Configuration: defaults for the rules of docs/design.md ("Rules"), overridden by environment variables.

Secrets are never built in: SECRET_KEY and the key-encryption key (KEK) come from the
environment or are generated once into the instance folder with mode 0600.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# (config key, environment variable, default, parser)
_ENV_SETTINGS: list[tuple[str, str, Any, type]] = [
    ("ENVIRONMENT", "FINCERT_ENV", "development", str),
    ("PUBLIC_URL", "FINCERT_PUBLIC_URL", "http://127.0.0.1:5000", str),
    ("DEMO_RP_ORIGINS", "FINCERT_DEMO_RP_ORIGINS", "http://localhost:5000", str),
    ("DEMO_RP_URL", "FINCERT_DEMO_RP_URL", "http://localhost:5000/rp/demo/", str),
    ("TESTBED", "FINCERT_TESTBED", False, bool),
    ("DEV_OUTBOX", "FINCERT_DEV_OUTBOX", False, bool),
    ("POLICY_OID", "FINCERT_POLICY_OID", "2.25.171032817.1.1", str),
    ("SERVICE_ORG", "FINCERT_SERVICE_ORG", "FinCert Demo", str),
    # The PIN KDF's cost: SECURITY.md "The PIN KDF's cost" says why 2^10 and when to raise it.
    ("SCRYPT_N", "FINCERT_SCRYPT_N", 2**10, int),
    ("SCRYPT_R", "FINCERT_SCRYPT_R", 8, int),
    ("SCRYPT_P", "FINCERT_SCRYPT_P", 1, int),
    ("PIN_MAX_FAILURES", "FINCERT_PIN_MAX_FAILURES", 5, int),
    ("SERVER_TIMING", "FINCERT_SERVER_TIMING", False, bool),
    ("SMS_CODE_TTL", "FINCERT_SMS_CODE_TTL", 180, int),
    ("SMS_MAX_TRIES", "FINCERT_SMS_MAX_TRIES", 5, int),
    ("SMS_RESEND_AFTER", "FINCERT_SMS_RESEND_AFTER", 30, int),
    ("SMS_MAX_SENDS_PER_HOUR", "FINCERT_SMS_MAX_SENDS_PER_HOUR", 5, int),
    ("NOTICE_MAX_PER_HOUR", "FINCERT_NOTICE_MAX_PER_HOUR", 10, int),
    ("SMS_PROVIDER_URL", "FINCERT_SMS_PROVIDER_URL", "", str),
    ("SMS_PROVIDER_TOKEN", "FINCERT_SMS_PROVIDER_TOKEN", "", str),
    ("SMS_PROVIDER_SENDER", "FINCERT_SMS_PROVIDER_SENDER", "15880000", str),
    ("SMS_PROVIDER_TIMEOUT", "FINCERT_SMS_PROVIDER_TIMEOUT", 5.0, float),
    ("CERT_VALIDITY_DAYS", "FINCERT_CERT_VALIDITY_DAYS", 3 * 365, int),
    ("RENEWAL_WINDOW_DAYS", "FINCERT_RENEWAL_WINDOW_DAYS", 90, int),
    ("ORDER_TTL_DAYS", "FINCERT_ORDER_TTL_DAYS", 7, int),
    ("DEVICE_IDLE_DAYS", "FINCERT_DEVICE_IDLE_DAYS", 365, int),
    ("DEVICE_MAX", "FINCERT_DEVICE_MAX", 10, int),
    ("TX_TTL", "FINCERT_TX_TTL", 600, int),
    ("BANK_APPLICATION_TTL", "FINCERT_BANK_APPLICATION_TTL", 1800, int),
    ("CRL_VALIDITY_HOURS", "FINCERT_CRL_VALIDITY_HOURS", 24, int),
    ("RATE_LIMITS_ENABLED", "FINCERT_RATE_LIMITS", True, bool),
    ("TRUSTED_PROXIES", "FINCERT_TRUSTED_PROXIES", 0, int),
    ("PKCS11_MODULE", "FINCERT_PKCS11_MODULE", "", str),
    ("PKCS11_TOKEN", "FINCERT_PKCS11_TOKEN", "", str),
    ("PKCS11_PIN", "FINCERT_PKCS11_PIN", "", str),
    ("PKCS11_KEK_LABEL", "FINCERT_PKCS11_KEK_LABEL", "fincert-kek", str),
    ("ARL_VALIDITY_DAYS", "FINCERT_ARL_VALIDITY_DAYS", 30, int),
]

_TRUE = {"1", "true", "yes", "on"}


def _parse(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in _TRUE
    return kind(raw)


def settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the service settings, each from its environment variable or its default."""
    settings: dict[str, Any] = {}
    for key, env_name, default, kind in _ENV_SETTINGS:
        raw = environ.get(env_name)
        settings[key] = default if raw is None or raw == "" else _parse(raw, kind)
    # FINCERT_LIMIT_SMS_SEND_IP=30/600 overrides the rate limit "sms-send-ip" (count/seconds).
    settings["RATE_LIMIT_OVERRIDES"] = {
        name[len("FINCERT_LIMIT_") :].lower().replace("_", "-"): value
        for name, value in environ.items()
        if name.startswith("FINCERT_LIMIT_") and value
    }
    return settings


ENVIRONMENTS = ("development", "production")


class UnsafeConfiguration(RuntimeError):
    """The app must not start with this configuration; the message says why."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def production_problems(config: Mapping[str, Any]) -> list[str]:
    """What makes ``config`` unfit for production (empty when it is fit)."""
    problems = []
    if config.get("TESTBED"):
        problems.append("FINCERT_TESTBED is on: the test bed issues certificates without a bank and shows SMS codes")
    if config.get("DEV_OUTBOX"):
        problems.append("FINCERT_DEV_OUTBOX is on: /dev/outbox/ shows every SMS, live codes included")
    if not config.get("SMS_PROVIDER_URL"):
        problems.append(
            "FINCERT_SMS_PROVIDER_URL is not set: codes and notices would go to the embedded outbox, never to a phone"
        )
    public_url = urlsplit(str(config.get("PUBLIC_URL", "")))
    if public_url.scheme != "https" and not _is_loopback(public_url.hostname or ""):
        problems.append(
            f"FINCERT_PUBLIC_URL is {config.get('PUBLIC_URL')!r}: browsers must reach the service over https "
            "(its cookies are Secure; only a loopback address may use http)"
        )
    return problems


def check_environment(config: Mapping[str, Any]) -> None:
    """Refuse to start in production with a test bed, a dev outbox, no SMS provider or no https."""
    environment = config.get("ENVIRONMENT")
    if environment not in ENVIRONMENTS:
        raise UnsafeConfiguration(f"FINCERT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    problems = production_problems(config) if environment == "production" else []
    if problems:
        raise UnsafeConfiguration(
            "FINCERT_ENV=production, but the service will not start:\n" + "\n".join(f"- {p}" for p in problems)
        )


def database_url(environ: Mapping[str, str], instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL when set (PostgreSQL in production), else SQLite."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "fincert.sqlite3")
    # Accept the usual libpq spellings and use the psycopg 3 driver for them.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance_path: str, filename: str, nbytes: int = 32) -> bytes:
    """Read a secret from the instance folder, creating it (mode 0600) on first use.

    O_EXCL makes the creation safe when several processes start at once: the loser of
    the race reads what the winner wrote.
    """
    path = Path(instance_path) / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            data = path.read_bytes().strip()
            if data:
                return base64.urlsafe_b64decode(data)
            time.sleep(0.02)
        raise RuntimeError(f"{path} exists but is empty") from None
    secret = os.urandom(nbytes)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.urlsafe_b64encode(secret) + b"\n")
    return secret


def key_encryption_key(environ: Mapping[str, str], instance_path: str) -> bytes:
    """The server KEK (32 bytes): FINCERT_KEK (base64) or the instance file ``kek.key``."""
    raw = environ.get("FINCERT_KEK", "").strip()
    if raw:
        kek = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        if len(kek) != 32:
            raise RuntimeError("FINCERT_KEK must be 32 bytes, base64-encoded")
        return kek
    return instance_secret(instance_path, "kek.key")


def secret_key(environ: Mapping[str, str], instance_path: str) -> str:
    """Flask's SECRET_KEY: from the environment or the instance file ``secret_key``."""
    raw = environ.get("SECRET_KEY", "").strip()
    if raw:
        return raw
    return base64.urlsafe_b64encode(instance_secret(instance_path, "secret_key")).decode()
