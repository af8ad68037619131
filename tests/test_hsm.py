"""Keys in a PKCS#11 token (SoftHSM2): the KEK and the CA keys never leave it, and the service
works the same on top of it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace

import pkcs11
import pytest
from flask import Flask
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from app.cloud import keystore
from app.cloud.certificates import sign_with_pin, unlock_private_key, x509_of
from app.key_source import FileKeySource, key_source
from app.keyed_hash import server_key
from app.pki import ocsp
from app.pki.ca import current_ca, pki_dir
from app.pki.verifier import TrustConfig, signed_content, verify_signed_value
from app.pki.vid import new_vid
from app.rp.verification import service_trust
from tests.softhsm import session_token
from tests.support import DEFAULT_PIN, make_test_app, reset_database, subscriber_with_certificate

LOGIN = {"org_code": "DEMO_RP", "sign_type": "01", "nonce": "n-hsm", "plain_text": "로그인"}
# These tests run a second app on its own database: real commits, not the suite's rolled-back transaction.
pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def hsm_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app whose KEK and CA keys are in the token (its own SQLite file, whatever the suite uses)."""
    token = session_token()
    instance = tmp_path_factory.mktemp("hsm-instance")
    return make_test_app(
        instance, SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/fincert.sqlite3", **token.app_config()
    )


@pytest.fixture
def in_hsm_app(hsm_app: Flask) -> Iterator[Flask]:
    with hsm_app.app_context():
        reset_database()
        yield hsm_app


@pytest.fixture
def token_session(hsm_app: Flask) -> Iterator[pkcs11.Session]:
    """Our own session on the token, as an operator with the PIN would have."""
    token = pkcs11.lib(hsm_app.config["PKCS11_MODULE"]).get_token(token_label=hsm_app.config["PKCS11_TOKEN"])
    try:
        session = token.open(user_pin=hsm_app.config["PKCS11_PIN"])
    except pkcs11.UserAlreadyLoggedIn:  # the app's own session logged this process in
        session = token.open()
    with session:
        yield session


def test_the_kek_is_in_the_token_and_refuses_to_give_its_value(in_hsm_app, token_session):
    key_source().ensure_kek()
    kek = token_session.get_key(
        object_class=ObjectClass.SECRET_KEY,
        key_type=KeyType.GENERIC_SECRET,
        label=in_hsm_app.config["PKCS11_KEK_LABEL"],
    )
    assert kek[Attribute.SENSITIVE] and not kek[Attribute.EXTRACTABLE] and kek[Attribute.NEVER_EXTRACTABLE]
    with pytest.raises(pkcs11.AttributeSensitive):
        kek[Attribute.VALUE]  # noqa: B018 - reading it is the test
    assert in_hsm_app.config.get("KEK") is None
    assert not (pki_dir(in_hsm_app.instance_path).parent / "kek.key").exists()


def test_sub_keys_are_hmacs_computed_by_the_token(in_hsm_app, token_session):
    kek = token_session.get_key(object_class=ObjectClass.SECRET_KEY, label=in_hsm_app.config["PKCS11_KEK_LABEL"])
    expected = bytes(kek.sign(b"fincert/sub-key/sms-code", mechanism=Mechanism.SHA256_HMAC))
    assert server_key("sms-code") == expected
    assert server_key("sms-code") != server_key("ra-api-key")


def test_a_sealed_key_opens_only_through_the_token(in_hsm_app):
    source = key_source()
    params = keystore.KdfParams(n=2**10, r=8, p=1)
    blob = keystore.seal(b"pkcs8 bytes", DEFAULT_PIN, source, params, context="S1")
    assert keystore.unseal(blob, DEFAULT_PIN, source, context="S1") == b"pkcs8 bytes"
    with pytest.raises(keystore.WrongPinForKey):
        keystore.unseal(blob, "135790", source, context="S1")
    with pytest.raises(keystore.WrongPinForKey):
        keystore.unseal(blob, DEFAULT_PIN, FileKeySource(bytes(32)), context="S1")


def test_the_ca_keys_are_made_in_the_token_and_never_written_out(in_hsm_app, token_session):
    authority = current_ca()
    folder = pki_dir(in_hsm_app.instance_path)
    assert not list(folder.glob("*.key"))
    assert {path.name for path in folder.glob("*.p11.json")} == {"root.p11.json", "ca.p11.json", "ocsp.p11.json"}
    certificates = {"root": authority.root_cert, "ca": authority.ca_cert, "ocsp": authority.ocsp_cert}
    for name, certificate in certificates.items():
        key_id = bytes.fromhex(json.loads((folder / f"{name}.p11.json").read_text())["id"])
        private = token_session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
        assert private[Attribute.SENSITIVE] and not private[Attribute.EXTRACTABLE]
        with pytest.raises(pkcs11.AttributeSensitive):
            private[Attribute.PRIVATE_EXPONENT]  # noqa: B018 - reading it is the test
        public = token_session.get_key(object_class=ObjectClass.PUBLIC_KEY, id=key_id)
        assert int.from_bytes(public[Attribute.MODULUS], "big") == certificate.public_key().public_numbers().n


def test_issuing_signing_and_ocsp_work_on_the_token(in_hsm_app):
    _subscriber, stored = subscriber_with_certificate(vid=new_vid("9001011234568"))
    assert unlock_private_key(stored, DEFAULT_PIN)
    (signature,) = sign_with_pin(stored, DEFAULT_PIN, [signed_content(**LOGIN)])
    value = base64.urlsafe_b64encode(signature).decode().rstrip("=")
    # The token signs the OCSP answer an RP asks for.
    signer = verify_signed_value(value, trust=replace(service_trust(), ocsp_fetcher=ocsp.respond), **LOGIN)
    assert signer.serial == stored.serial and signer.revocation_source == "ocsp"
    # The token-signed CRL and certificate chain verify for an RP with the root alone.
    crl_only = TrustConfig(
        root=current_ca().root_cert, crl=service_trust().crl, policy_oid=in_hsm_app.config["POLICY_OID"]
    )
    assert verify_signed_value(value, trust=crl_only, **LOGIN).revocation_source == "crl"
    x509_of(stored).verify_directly_issued_by(current_ca().ca_cert)
