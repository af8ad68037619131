"""Crypto benchmark: medians of issuing, PIN-unlock-and-sign and verifying, next to their floors.

    .venv/bin/python bench/crypto.py [--runs 15]

Runs on a temporary instance (SQLite, a fresh CA) with the production KDF parameters
from app/config.py unless FINCERT_SCRYPT_N etc. are set. Prints one line per operation:
median milliseconds and the ratio to its floor (raw RSA-2048 sign + bare scrypt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: E402

from bench.machine import StealMeter, describe  # noqa: E402

CONSERVATIVE_N = 2**14  # the cost before issue 15's threat-model review: FINCERT_SCRYPT_N=16384


def median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import flask_migrate

    from app import create_app
    from app.banks import get_bank, seed_banks
    from app.cloud.certificates import find_or_create_subscriber, issue_certificate, sign_with_pin
    from app.extensions import db
    from app.personal_info import parse_birth_date
    from app.pki.ca import current_ca
    from app.pki.crl import current_crl
    from app.pki.verifier import TrustConfig, signed_content, verify_cms

    instance = tempfile.mkdtemp(prefix="fincert-bench-")
    app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "bench"})
    pin = "246813"
    steal = StealMeter()
    with app.app_context(), steal:
        flask_migrate.upgrade()
        seed_banks()
        current_ca()
        subscriber = find_or_create_subscriber("벤치", "01000000000", parse_birth_date("19900101"))
        bank = get_bank("004")
        counter = iter(range(10**6))

        def issue() -> None:
            other = find_or_create_subscriber(f"벤치{next(counter)}", "01000000001", parse_birth_date("19900101"))
            issue_certificate(other, bank, pin)
            db.session.commit()

        certificate = issue_certificate(subscriber, bank, pin)
        db.session.commit()
        content = signed_content(org_code="BENCH", sign_type="01", nonce="n", plain_text="로그인")
        trust = TrustConfig(root=current_ca().root_cert, crl=current_crl(), policy_oid=app.config["POLICY_OID"])
        (signature,) = sign_with_pin(certificate, pin, [content])

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        n, r, p = app.config["SCRYPT_N"], app.config["SCRYPT_R"], app.config["SCRYPT_P"]

        rsa_sign = median_ms(lambda: key.sign(content, padding.PKCS1v15(), hashes.SHA256()), args.runs * 4)
        kdf = median_ms(lambda: Scrypt(salt=os.urandom(16), length=32, n=n, r=r, p=p).derive(pin.encode()), args.runs)
        keygen = median_ms(lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), args.runs)
        issue_ms = median_ms(issue, args.runs)
        unlock_sign = median_ms(lambda: sign_with_pin(certificate, pin, [content]), args.runs)
        verify = median_ms(lambda: verify_cms(signature, content, trust), args.runs * 4)

    print(describe(steal))
    print(f"KDF: scrypt n={n} r={r} p={p}; {args.runs} runs per operation, medians")
    print(f"{'operation':<34}{'median ms':>10}{'floor ms':>10}{'ratio':>8}")
    rows = [
        ("floor: RSA-2048 sign (raw)", rsa_sign, None),
        ("floor: scrypt (bare KDF call)", kdf, None),
        ("floor: RSA-2048 key generation", keygen, None),
        ("issue certificate (key+cert+seal)", issue_ms, keygen + rsa_sign + kdf),
        ("verify PIN and sign (CMS)", unlock_sign, kdf + rsa_sign),
        ("verify signature (chain+CRL)", verify, None),
    ]
    for name, value, floor in rows:
        floor_text = f"{floor:10.1f}{value / floor:8.2f}" if floor else f"{'':>10}{'':>8}"
        print(f"{name:<34}{value:10.1f}{floor_text}")

    # The PIN KDF's cost against what it buys (SECURITY.md, "The PIN KDF's cost"): one login pays
    # it once; an attacker holding the database *and* a file KEK pays it per guess.
    print()
    print("PIN KDF settings: per login, and an offline search of all 10^6 PINs of one key (one core)")
    print(f"{'scrypt':<32}{'memory':>8}{'per login':>11}{'10^6 PINs':>12}")
    for label, kdf_n in (("default", n), ("conservative", CONSERVATIVE_N)):
        cost = median_ms(
            lambda kdf_n=kdf_n: Scrypt(salt=os.urandom(16), length=32, n=kdf_n, r=r, p=p).derive(b"246813"), args.runs
        )
        print(
            f"{f'n={kdf_n} r={r} p={p} ({label})':<32}{128 * r * kdf_n // 2**20:>4} MiB"
            f"{cost:>8.1f} ms{cost * 1e6 / 3.6e6:>10.1f} h"
        )


if __name__ == "__main__":
    main()
