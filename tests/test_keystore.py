"""The sealed private key needs both the PIN and the KEK — a file KEK or one in a PKCS#11 token."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from app.cloud.certificates import WrongPin, kdf_params, sign_with_pin
from app.cloud.keystore import KdfParams, WrongPinForKey, blob_params, seal, unseal
from app.key_source import KeySource, from_config
from tests.softhsm import session_token
from tests.support import DEFAULT_PIN, subscriber_with_certificate

PARAMS = KdfParams(n=2**10, r=8, p=1)
SECRET = b"pretend this is a PKCS#8 key"


@pytest.fixture(params=["file", "pkcs11"])
def kek(request, tmp_path) -> bytes | KeySource:
    """Raw KEK bytes (the embedded default), or a KEK made inside a SoftHSM2 token."""
    if request.param == "file":
        return os.urandom(32)
    config = session_token().app_config(kek_label=f"keystore-test-{uuid.uuid4().hex[:8]}")
    return from_config(config, str(tmp_path))


def test_the_right_pin_and_kek_open_the_key(kek):
    blob = seal(SECRET, "246813", kek, PARAMS, context="ABC")
    assert unseal(blob, "246813", kek, context="ABC") == SECRET


def test_a_wrong_pin_a_wrong_kek_or_another_certificate_fail(kek):
    blob = seal(SECRET, "246813", kek, PARAMS, context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246814", kek, context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246813", os.urandom(32), context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246813", kek, context="XYZ")


def test_the_blob_records_its_parameters_and_holds_no_pin(kek):
    blob = seal(SECRET, "246813", kek, PARAMS, context="ABC")
    record = json.loads(blob)
    assert blob_params(blob) == PARAMS
    assert record["kdf"] == "scrypt" and len(record["nonce"]) == 16  # 12 bytes base64
    assert "246813" not in blob and SECRET not in blob.encode()


def test_the_same_pin_seals_differently_each_time(kek):
    assert seal(SECRET, "246813", kek, PARAMS, "A") != seal(SECRET, "246813", kek, PARAMS, "A")


def test_blobs_sealed_before_the_key_source_still_open():
    """The HKDF of the first version, computed here independently: same wrap key, same blob format."""
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kek, salt, nonce = os.urandom(32), os.urandom(16), os.urandom(12)
    pin_key = Scrypt(salt=salt, length=32, n=PARAMS.n, r=PARAMS.r, p=PARAMS.p).derive(b"246813")
    wrap = HKDF(algorithm=hashes.SHA256(), length=32, salt=kek, info=b"fincert/key-wrap/v1/ABC").derive(pin_key)
    record = {"v": 1, "kdf": "scrypt", "n": PARAMS.n, "r": PARAMS.r, "p": PARAMS.p}
    record |= {"salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(nonce).decode()}
    record["ct"] = base64.b64encode(AESGCM(wrap).encrypt(nonce, SECRET, b"ABC")).decode()
    assert unseal(json.dumps(record), "246813", kek, context="ABC") == SECRET


def test_a_key_moves_to_the_configured_kdf_cost_when_its_pin_is_used(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCRYPT_N", 2**11)
    _subscriber, certificate = subscriber_with_certificate()
    assert blob_params(certificate.key_blob).n == 2**11
    monkeypatch.setitem(app.config, "SCRYPT_N", 2**10)  # the setting changed after it was sealed
    with pytest.raises(WrongPin):
        sign_with_pin(certificate, "975310", [b"x"])
    assert blob_params(certificate.key_blob).n == 2**11  # a wrong PIN changes nothing
    sign_with_pin(certificate, DEFAULT_PIN, [b"x"])
    assert blob_params(certificate.key_blob) == kdf_params()
    sign_with_pin(certificate, DEFAULT_PIN, [b"x"])  # and it still opens
