"""A throw-away SoftHSM2 token (Debian's ``softhsm2``) for the HSM tests.

    python -m tests.softhsm -- python -m pytest tests/test_keystore.py …

makes a token in a temporary directory and runs the command with the service configured
for it (``FINCERT_PKCS11_MODULE``, ``_TOKEN``, ``_PIN`` and ``SOFTHSM2_CONF``), then deletes
it. In a test, ``session_token()`` gives the token of the wrapper when there is one, or
makes one for the process. A token that cannot be made is an error, never a skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
USER_PIN = "8520147"
SO_PIN = "36925814"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str

    def app_config(self, kek_label: str | None = None) -> dict[str, Any]:
        """Config for ``create_app``; each app gets its own KEK in the token unless told."""
        return {
            "PKCS11_MODULE": self.module,
            "PKCS11_TOKEN": self.label,
            "PKCS11_PIN": self.pin,
            "PKCS11_KEK_LABEL": kek_label or f"fincert-kek-{uuid.uuid4().hex[:8]}",
        }

    def env(self) -> dict[str, str]:
        return {
            "FINCERT_PKCS11_MODULE": self.module,
            "FINCERT_PKCS11_TOKEN": self.label,
            "FINCERT_PKCS11_PIN": self.pin,
        }


def module_path() -> str:
    for candidate in MODULES:
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("SoftHSM2 is not installed (make installs Debian's softhsm2)")


def make_token(directory: Path, label: str = "fincert-test") -> tuple[Token, str]:
    """Initialise a token in ``directory``; returns it and the SOFTHSM2_CONF path to use."""
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    result = subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN],
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"softhsm2-util could not make a token: {result.stdout}{result.stderr}")
    return Token(module=module_path(), label=label, pin=USER_PIN), str(conf)


@functools.cache
def session_token() -> Token:
    """The token of this test process: the wrapper's, or a new one (SOFTHSM2_CONF is set before
    the PKCS#11 library is first loaded, which reads it once)."""
    if os.environ.get("FINCERT_PKCS11_TOKEN") and os.environ.get("SOFTHSM2_CONF"):
        return Token(module_path(), os.environ["FINCERT_PKCS11_TOKEN"], os.environ["FINCERT_PKCS11_PIN"])
    token, conf = make_token(Path(tempfile.mkdtemp(prefix="fincert-softhsm-")))
    os.environ["SOFTHSM2_CONF"] = conf
    return token


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        sys.exit("usage: python -m tests.softhsm -- COMMAND …")
    directory = Path(tempfile.mkdtemp(prefix="fincert-softhsm-"))
    try:
        token, conf = make_token(directory)
        print(f"SoftHSM2 token {token.label!r} in {directory}", flush=True)
        return subprocess.run(command, env={**os.environ, **token.env(), "SOFTHSM2_CONF": conf}).returncode
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
