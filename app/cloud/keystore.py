"""Sealing a private key so that opening it needs BOTH the PIN and the server KEK.

    pin_key  = scrypt(PIN, salt; n, r, p)            -- memory-hard, parameters kept with the blob
    wrap_key = HKDF-SHA256(pin_key, salt=KEK, info)   -- useless without the KEK
    blob     = AES-256-GCM(wrap_key, nonce, PKCS#8 DER, aad=context)

HKDF's extract step with the KEK as salt is HMAC-SHA256(KEK, pin_key); that HMAC is asked of
the key source (``app.key_source``), so with a PKCS#11 token it is computed inside the token
and the KEK never reaches this process. The expand step runs here. Blobs made with a file KEK
before the key source existed open exactly as before.

No PIN hash is stored anywhere: a wrong PIN shows as a failed GCM tag. Without the KEK a
copy of the database gives no way to test PIN guesses offline. ``context`` (the
certificate's serial) is authenticated, so a blob cannot be moved to another certificate.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.key_source import KeySource, as_key_source

BLOB_VERSION = 1


class WrongPinForKey(Exception):
    """The PIN (or the KEK) does not open this key."""


@dataclass(frozen=True)
class KdfParams:
    n: int
    r: int
    p: int


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _wrap_key(pin: str, kek: bytes | KeySource, salt: bytes, params: KdfParams, context: str) -> bytes:
    pin_key = Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(pin.encode())
    extracted = as_key_source(kek).hmac(pin_key)  # = HKDF-Extract(salt=KEK, pin_key)
    return HKDFExpand(algorithm=hashes.SHA256(), length=32, info=f"fincert/key-wrap/v1/{context}".encode()).derive(
        extracted
    )


def seal(private_key_der: bytes, pin: str, kek: bytes | KeySource, params: KdfParams, context: str) -> str:
    """Encrypt a PKCS#8 DER key; returns the self-describing JSON blob to store."""
    salt, nonce = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_wrap_key(pin, kek, salt, params, context)).encrypt(nonce, private_key_der, context.encode())
    return json.dumps(
        {
            "v": BLOB_VERSION,
            "kdf": "scrypt",
            "n": params.n,
            "r": params.r,
            "p": params.p,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "ct": _b64(ciphertext),
        },
        separators=(",", ":"),
    )


def unseal(blob: str, pin: str, kek: bytes | KeySource, context: str) -> bytes:
    """Decrypt a blob made by ``seal``; raises ``WrongPinForKey`` when the PIN is wrong."""
    record = json.loads(blob)
    if record.get("v") != BLOB_VERSION or record.get("kdf") != "scrypt":
        raise ValueError("unsupported key blob")
    params = KdfParams(n=record["n"], r=record["r"], p=record["p"])
    key = _wrap_key(pin, kek, base64.b64decode(record["salt"]), params, context)
    try:
        return AESGCM(key).decrypt(base64.b64decode(record["nonce"]), base64.b64decode(record["ct"]), context.encode())
    except InvalidTag:
        raise WrongPinForKey from None


def blob_params(blob: str) -> KdfParams:
    """The KDF parameters a blob was sealed with."""
    record = json.loads(blob)
    return KdfParams(n=record["n"], r=record["r"], p=record["p"])
