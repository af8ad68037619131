"""The sealed private key needs both the PIN and the KEK."""

from __future__ import annotations

import json
import os

import pytest

from app.cloud.keystore import KdfParams, WrongPinForKey, blob_params, seal, unseal

PARAMS = KdfParams(n=2**10, r=8, p=1)
KEK = os.urandom(32)
SECRET = b"pretend this is a PKCS#8 key"


def test_the_right_pin_and_kek_open_the_key():
    blob = seal(SECRET, "246813", KEK, PARAMS, context="ABC")
    assert unseal(blob, "246813", KEK, context="ABC") == SECRET


def test_a_wrong_pin_a_wrong_kek_or_another_certificate_fail():
    blob = seal(SECRET, "246813", KEK, PARAMS, context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246814", KEK, context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246813", os.urandom(32), context="ABC")
    with pytest.raises(WrongPinForKey):
        unseal(blob, "246813", KEK, context="XYZ")


def test_the_blob_records_its_parameters_and_holds_no_pin():
    blob = seal(SECRET, "246813", KEK, PARAMS, context="ABC")
    record = json.loads(blob)
    assert blob_params(blob) == PARAMS
    assert record["kdf"] == "scrypt" and len(record["nonce"]) == 16  # 12 bytes base64
    assert "246813" not in blob and SECRET not in blob.encode()


def test_the_same_pin_seals_differently_each_time():
    assert seal(SECRET, "246813", KEK, PARAMS, "A") != seal(SECRET, "246813", KEK, PARAMS, "A")
