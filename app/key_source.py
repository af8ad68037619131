"""Where the server's secret keys live: files in the instance folder, or a PKCS#11 token (HSM).

Everything the service derives from its key-encryption key (KEK) goes through two calls,
so the sealing code has one path whatever holds the KEK:

- ``hmac(message)`` — HMAC-SHA256 keyed by the KEK. A sealed private key's wrap key is
  ``HKDF-Expand(hmac(scrypt(PIN)), info)``, which is exactly ``HKDF(salt=KEK)`` as before.
- ``sub_key(purpose)`` — a 32-byte key for keyed hashes and short-lived sealed values.

The CA, CRL and OCSP signing keys are ``Signer`` objects: RSA PKCS#1 v1.5 with SHA-256 over
the bytes given (a TBS structure). With files they are encrypted PKCS#8 in ``instance/pki``;
with a token they are generated inside it, non-extractable, and only their handles (CKA_ID)
are written to the instance folder. See docs/pki.md ("Keys in an HSM").
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac as std_hmac
import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

T = TypeVar("T")


class KeyUnavailable(RuntimeError):
    """The configured key store cannot be used (token missing, wrong PIN, key not found)."""


class Signer(Protocol):
    """A private key that signs and never leaves its store."""

    def public_key(self) -> rsa.RSAPublicKey: ...

    def sign(self, data: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 over ``data``."""
        ...


class KeySource(Protocol):
    kind: str  # "file" | "pkcs11"

    def hmac(self, message: bytes) -> bytes: ...

    def sub_key(self, purpose: str) -> bytes: ...

    def new_signer(self, folder: Path, name: str, bits: int) -> Signer: ...

    def load_signer(self, folder: Path, name: str) -> Signer: ...

    def has_signer(self, folder: Path, name: str) -> bool: ...

    def identity(self) -> tuple[str, ...]: ...

    def ensure_kek(self) -> None: ...


def derive_key(kek: bytes, purpose: str, length: int = 32) -> bytes:
    """A sub-key of a file KEK for one purpose (HKDF-SHA256), so no two uses share a key."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=f"fincert/{purpose}".encode()).derive(kek)


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


# --- files (the embedded default) -------------------------------------------------------------


class FileSigner:
    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        self._key = key

    def public_key(self) -> rsa.RSAPublicKey:
        return self._key.public_key()

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())


class FileKeySource:
    """The KEK is 32 bytes from ``FINCERT_KEK`` or ``instance/kek.key``; CA keys are files
    encrypted under a KEK-derived password."""

    kind = "file"

    def __init__(self, kek: bytes) -> None:
        self._kek = kek

    def identity(self) -> tuple[str, ...]:
        return ("file", hashlib.sha256(self._kek).hexdigest())

    def ensure_kek(self) -> None:
        """The file KEK exists by construction (the app factory made or read it)."""

    def hmac(self, message: bytes) -> bytes:
        return std_hmac.new(self._kek, message, hashlib.sha256).digest()

    def sub_key(self, purpose: str) -> bytes:
        return derive_key(self._kek, purpose)

    def _password(self) -> bytes:
        return self.sub_key("ca-key-at-rest").hex().encode()

    def new_signer(self, folder: Path, name: str, bits: int) -> Signer:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        encryption = serialization.BestAvailableEncryption(self._password())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        write_private(folder / f"{name}.key", pem)
        return FileSigner(key)

    def load_signer(self, folder: Path, name: str) -> Signer:
        # A wrong KEK raises ValueError here (the PKCS#8 decryption fails).
        key = serialization.load_pem_private_key((folder / f"{name}.key").read_bytes(), password=self._password())
        assert isinstance(key, rsa.RSAPrivateKey)
        return FileSigner(key)

    def has_signer(self, folder: Path, name: str) -> bool:
        return (folder / f"{name}.key").exists()


# --- a PKCS#11 token --------------------------------------------------------------------------


class TokenSigner:
    def __init__(self, source: TokenKeySource, key_id: bytes, public: rsa.RSAPublicKey) -> None:
        self._source = source
        self._id = key_id
        self._public = public

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        import pkcs11

        def sign(session: Any) -> bytes:
            key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, id=self._id)
            return bytes(key.sign(data, mechanism=pkcs11.Mechanism.SHA256_RSA_PKCS))

        return self._source.run(sign)


class TokenKeySource:
    """The KEK is a GENERIC_SECRET key inside the token (SENSITIVE, not EXTRACTABLE); every
    derivation is an HMAC computed by the token. CA keys are RSA key pairs made in the token."""

    kind = "pkcs11"

    def __init__(self, module: str, token_label: str, pin: str, kek_label: str, lock_path: Path) -> None:
        self.module = module
        self.token_label = token_label
        self._pin = pin
        self.kek_label = kek_label
        self._lock_path = lock_path
        self._lock = threading.RLock()
        self._session: Any = None
        self._pid = 0
        self._sub_keys: dict[str, bytes] = {}

    def identity(self) -> tuple[str, ...]:
        return ("pkcs11", self.module, self.token_label, self.kek_label)

    def run(self, operation: Callable[[Any], T]) -> T:
        """Run ``operation(session)`` on this process's session, one call at a time (a PKCS#11
        session must not be used by two threads at once)."""
        import pkcs11

        with self._lock:
            if self._session is None or self._pid != os.getpid():
                try:
                    library = pkcs11.lib(self.module)
                    if self._pid and self._pid != os.getpid():
                        # A forked child inherits the parent's PKCS#11 state, which it may not
                        # use (PKCS#11 v2.40 §6.7.7): initialise the library again.
                        library.reinitialize()
                    token = library.get_token(token_label=self.token_label)
                    try:
                        self._session = token.open(user_pin=self._pin, rw=True)
                    except pkcs11.UserAlreadyLoggedIn:
                        # PKCS#11 logins are per process: another session here already did it.
                        self._session = token.open(rw=True)
                except (pkcs11.PKCS11Error, RuntimeError, OSError) as error:
                    raise KeyUnavailable(f"PKCS#11 token {self.token_label!r} in {self.module}: {error!r}") from error
                self._pid = os.getpid()
            return operation(self._session)

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    # The KEK ---------------------------------------------------------------------------------

    def _find_kek(self, session: Any) -> Any:
        from pkcs11 import KeyType, ObjectClass

        return session.get_key(
            object_class=ObjectClass.SECRET_KEY, key_type=KeyType.GENERIC_SECRET, label=self.kek_label
        )

    def _kek(self, session: Any) -> Any:
        import pkcs11

        try:
            return self._find_kek(session)
        except pkcs11.NoSuchKey:
            pass
        # First start on this token: make the KEK, once, under a lock that the processes of
        # this host share (two processes starting together must not make two KEKs).
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return self._find_kek(session)
            except pkcs11.NoSuchKey:
                return self._generate_kek(session)

    def _generate_kek(self, session: Any) -> Any:
        from pkcs11 import Attribute, KeyType

        # It can compute HMACs and nothing else; its value never leaves the token.
        return session.generate_key(
            KeyType.GENERIC_SECRET,
            256,
            label=self.kek_label,
            store=True,
            template={
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.VERIFY: True,
                Attribute.ENCRYPT: False,
                Attribute.DECRYPT: False,
                Attribute.WRAP: False,
                Attribute.UNWRAP: False,
                Attribute.DERIVE: False,
                Attribute.PRIVATE: True,
            },
        )

    def ensure_kek(self) -> None:
        """Find the KEK, creating it on a token that has none yet."""
        self.run(self._kek)

    def hmac(self, message: bytes) -> bytes:
        import pkcs11

        return self.run(lambda session: bytes(self._kek(session).sign(message, mechanism=pkcs11.Mechanism.SHA256_HMAC)))

    def sub_key(self, purpose: str) -> bytes:
        # One in-token HMAC per purpose and process; the result is a working key, like the
        # file KEK's HKDF sub-keys, and is as exposed as they are to a compromised process.
        if purpose not in self._sub_keys:
            self._sub_keys[purpose] = self.hmac(f"fincert/sub-key/{purpose}".encode())
        return self._sub_keys[purpose]

    # Signing keys ----------------------------------------------------------------------------

    def new_signer(self, folder: Path, name: str, bits: int) -> Signer:
        from pkcs11 import Attribute, KeyType

        key_id = os.urandom(16)
        label = f"fincert-{name}-{key_id.hex()[:8]}"

        def generate(session: Any) -> Any:
            public, _private = session.generate_keypair(
                KeyType.RSA,
                bits,
                id=key_id,
                label=label,
                store=True,
                public_template={Attribute.VERIFY: True, Attribute.ENCRYPT: False, Attribute.WRAP: False},
                private_template={
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                    Attribute.SIGN: True,
                    Attribute.DECRYPT: False,
                    Attribute.UNWRAP: False,
                    Attribute.DERIVE: False,
                    Attribute.PRIVATE: True,
                },
            )
            return _rsa_public(public)

        public_key = self.run(generate)
        reference = {"token": self.token_label, "id": key_id.hex(), "label": label}
        write_private(folder / f"{name}.p11.json", json.dumps(reference).encode())
        return TokenSigner(self, key_id, public_key)

    def load_signer(self, folder: Path, name: str) -> Signer:
        import pkcs11

        reference = json.loads((folder / f"{name}.p11.json").read_bytes())
        key_id = bytes.fromhex(reference["id"])

        def public(session: Any) -> rsa.RSAPublicKey:
            return _rsa_public(session.get_key(object_class=pkcs11.ObjectClass.PUBLIC_KEY, id=key_id))

        try:
            return TokenSigner(self, key_id, self.run(public))
        except pkcs11.NoSuchKey:
            raise KeyUnavailable(f"the {name} key ({reference['label']}) is not in this token") from None

    def has_signer(self, folder: Path, name: str) -> bool:
        return (folder / f"{name}.p11.json").exists()


def _rsa_public(key: Any) -> rsa.RSAPublicKey:
    from pkcs11 import Attribute

    modulus = int.from_bytes(key[Attribute.MODULUS], "big")
    exponent = int.from_bytes(key[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


# --- selection ----------------------------------------------------------------------------------

_token_sources: dict[tuple[str, ...], TokenKeySource] = {}
_token_lock = threading.Lock()


def uses_token(config: Mapping[str, Any]) -> bool:
    return bool(config.get("PKCS11_MODULE"))


def from_config(config: Mapping[str, Any], instance_path: str) -> KeySource:
    """The key source a configuration selects: a token when ``PKCS11_MODULE`` is set."""
    if not uses_token(config):
        return FileKeySource(config["KEK"])
    if not config.get("PKCS11_TOKEN") or not config.get("PKCS11_PIN"):
        raise KeyUnavailable("FINCERT_PKCS11_MODULE needs FINCERT_PKCS11_TOKEN and FINCERT_PKCS11_PIN too")
    identity = (
        config["PKCS11_MODULE"],
        config["PKCS11_TOKEN"],
        config["PKCS11_PIN"],
        config.get("PKCS11_KEK_LABEL") or "fincert-kek",
    )
    # One session per process and token, shared by every app object using it.
    with _token_lock:
        if identity not in _token_sources:
            _token_sources[identity] = TokenKeySource(*identity, lock_path=Path(instance_path) / ".pkcs11.lock")
        return _token_sources[identity]


def as_key_source(kek: bytes | KeySource) -> KeySource:
    """Accept raw KEK bytes (the file default, and what tests of the sealing hold) or a source."""
    return FileKeySource(kek) if isinstance(kek, bytes | bytearray) else kek


def key_source() -> KeySource:
    """The running app's key source."""
    from flask import current_app

    source = current_app.extensions.get("fincert_key_source")
    if source is None:
        source = from_config(current_app.config, current_app.instance_path)
        current_app.extensions["fincert_key_source"] = source
    return source
