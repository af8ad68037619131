"""Keys derived from the server KEK, and keyed hashes of low-entropy secrets.

SMS codes, 인가코드 and API keys are stored as HMACs under a key derived from the KEK:
a copy of the database alone cannot be searched offline for them.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def derive_key(kek: bytes, purpose: str, length: int = 32) -> bytes:
    """A sub-key of the KEK for one purpose (HKDF-SHA256), so no two uses share a key."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=f"fincert/{purpose}".encode()).derive(kek)


def server_key(purpose: str) -> bytes:
    """A sub-key of the running app's KEK."""
    return derive_key(current_app.config["KEK"], purpose)


def keyed_hash(purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of ``value`` under the purpose's sub-key."""
    return hmac.new(server_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def matches(purpose: str, value: str, expected_hash: str) -> bool:
    """Constant-time check of a value against its stored keyed hash."""
    return hmac.compare_digest(keyed_hash(purpose, value), expected_hash)
