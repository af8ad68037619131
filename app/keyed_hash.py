"""Keys derived from the server KEK: keyed hashes of low-entropy secrets, and sealed values.

SMS codes, 인가코드 and API keys are stored as HMACs under a key derived from the KEK:
a copy of the database alone cannot be searched offline for them. Short-lived secrets the
server must read back (digits typed on the keypad, a bank's 인가코드 until hand-over) are
sealed with AES-GCM under a KEK-derived key, bound to their context.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.key_source import derive_key, key_source

__all__ = ["derive_key", "keyed_hash", "matches", "seal_value", "server_key", "unseal_value"]


def server_key(purpose: str) -> bytes:
    """A sub-key of the running app's KEK (an HMAC inside the token when there is one)."""
    return key_source().sub_key(purpose)


def keyed_hash(purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of ``value`` under the purpose's sub-key."""
    return hmac.new(server_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def matches(purpose: str, value: str, expected_hash: str) -> bool:
    """Constant-time check of a value against its stored keyed hash."""
    return hmac.compare_digest(keyed_hash(purpose, value), expected_hash)


def seal_value(purpose: str, value: str, context: str) -> str:
    """AES-GCM under the purpose's sub-key; ``context`` (e.g. a transaction id) is authenticated."""
    nonce = os.urandom(12)
    return base64.b64encode(
        nonce + AESGCM(server_key(purpose)).encrypt(nonce, value.encode(), context.encode())
    ).decode()


def unseal_value(purpose: str, blob: str, context: str) -> str:
    """The value sealed by ``seal_value`` with the same purpose and context."""
    raw = base64.b64decode(blob)
    return AESGCM(server_key(purpose)).decrypt(raw[:12], raw[12:], context.encode()).decode()
