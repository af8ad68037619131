"""HSM benchmark: what a PKCS#11 token (SoftHSM2) costs, next to the file KEK.

    .venv/bin/python bench/hsm.py [--runs 15]

Makes a throw-away SoftHSM2 token (Debian's ``softhsm2``; ``make test`` installs it) and
prints medians of: HMAC-SHA256 and RSA-2048 sign inside the token (raw PKCS#11 calls),
the same in this process with ``cryptography`` for comparison, and the service's
PIN-unlock-and-sign (attempt counting, scrypt, the in-token or file HMAC, CMS, audit) on
two apps that differ only in where the KEK is. Production KDF parameters unless
FINCERT_SCRYPT_N etc. are set.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import StealMeter, describe  # noqa: E402


def median_ms(action: Callable[[], object], runs: int, batch: int = 1) -> float:
    """Median over ``runs`` samples of ``batch`` calls each, per call."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(batch):
            action()
        samples.append((time.perf_counter() - start) * 1000 / batch)
    return statistics.median(samples)


def _app(instance: Path, **config: object):
    import flask_migrate

    from app import create_app

    # FINCERT_PKCS11_* from the environment must not leak into the file-KEK app.
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/fincert.sqlite3",
            "PKCS11_MODULE": "",
            **config,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _pin_and_sign_ms(app, runs: int) -> float:
    from app.banks import get_bank, seed_banks
    from app.cloud.certificates import find_or_create_subscriber, issue_certificate, sign_with_pin
    from app.extensions import db
    from app.personal_info import parse_birth_date
    from app.pki.ca import current_ca

    pin = "246813"
    with app.app_context():
        seed_banks()
        current_ca()
        subscriber = find_or_create_subscriber("벤치", "01000000000", parse_birth_date("19900101"))
        certificate = issue_certificate(subscriber, get_bank("004"), pin)
        db.session.commit()
        sign_with_pin(certificate, pin, [b"warm-up"])
        return median_ms(lambda: sign_with_pin(certificate, pin, [b"login"]), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from tests.softhsm import make_token

    workdir = Path(tempfile.mkdtemp(prefix="fincert-bench-hsm-"))
    token, conf = make_token(workdir / "token", label="fincert-bench")
    os.environ["SOFTHSM2_CONF"] = conf  # before the PKCS#11 library is loaded

    import pkcs11
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from pkcs11 import Attribute, KeyType, Mechanism

    steal = StealMeter()
    try:
        with steal:
            session = pkcs11.lib(token.module).get_token(token_label=token.label).open(user_pin=token.pin, rw=True)
            secret = session.generate_key(
                KeyType.GENERIC_SECRET,
                256,
                label="bench-kek",
                template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False, Attribute.SIGN: True},
            )
            _public, private = session.generate_keypair(KeyType.RSA, 2048, label="bench-rsa")
            message = os.urandom(32)
            token_hmac = median_ms(lambda: secret.sign(message, mechanism=Mechanism.SHA256_HMAC), args.runs, 200)
            token_rsa = median_ms(lambda: private.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS), args.runs, 20)
            session.close()

            file_key = os.urandom(32)
            soft_hmac = median_ms(lambda: hmac.new(file_key, message, hashlib.sha256).digest(), args.runs, 200)
            soft_rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            soft_rsa = median_ms(lambda: soft_rsa_key.sign(message, padding.PKCS1v15(), hashes.SHA256()), args.runs, 20)

            file_app = _app(workdir / "file-instance")
            hsm_app = _app(workdir / "hsm-instance", **token.app_config(kek_label="bench-service-kek"))
            file_sign = _pin_and_sign_ms(file_app, args.runs)
            hsm_sign = _pin_and_sign_ms(hsm_app, args.runs)
            scrypt_n = file_app.config["SCRYPT_N"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(describe(steal))
    print(f"SoftHSM2 via python-pkcs11; KDF scrypt n={scrypt_n}; {args.runs} samples per row, medians")
    print(f"{'operation':<52}{'median ms':>10}")
    rows = [
        ("HMAC-SHA256 inside SoftHSM2 (C_Sign)", token_hmac),
        ("HMAC-SHA256 in process (hmac module)", soft_hmac),
        ("RSA-2048 PKCS#1 v1.5 sign inside SoftHSM2", token_rsa),
        ("RSA-2048 PKCS#1 v1.5 sign in process (cryptography)", soft_rsa),
        ("PIN + sign (sign_with_pin), file KEK", file_sign),
        ("PIN + sign (sign_with_pin), KEK in SoftHSM2", hsm_sign),
    ]
    for name, value in rows:
        print(f"{name:<52}{value:10.3f}")


if __name__ == "__main__":
    main()
