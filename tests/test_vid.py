"""VID 본인확인: the bank's 주민등록번호 becomes a VID in the certificate, never a stored number;
R comes back only with the PIN; renewal and reissue keep a VID with a new R."""

from __future__ import annotations

import base64
import hashlib
import logging

import pytest
from asn1crypto import core, parser
from asn1crypto import x509 as asn1_x509
from sqlalchemy import inspect, text

from app.bankdemo.customers import customers_of
from app.banks import get_bank
from app.cloud.certificates import (
    IdentityNumberMismatch,
    IdentityNumberRequired,
    VidMissing,
    WrongPin,
    change_pin,
    renew_certificate,
    sign_with_pin,
    x509_of,
)
from app.extensions import db
from app.models import AuditEvent, Certificate, IssuanceOrder
from app.personal_info import InvalidField
from app.pki.verifier import verify_vid, vid_of
from app.pki.vid import new_vid, parse_rrn
from app.ra.orders import create_api_key, open_order, place_order, redeem_order
from tests.support import DEFAULT_PIN, subscriber_with_certificate

RRN = "9001011234568"  # fictitious; born 1990-01-01, check digit valid
WRONG_RRN = "9001011234573"  # also check-digit valid, another person
PERSON = {"name": "홍길동", "phone": "010-1234-5678", "birth_date": "19900101", "kind": "issue"}


# --- an independent reading of the certificate (asn1crypto only, no project code) -------------


class _IndependentAlgorithm(core.Sequence):
    _fields = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class _IndependentVid(core.Sequence):
    _fields = [("hash_alg", _IndependentAlgorithm), ("virtual_id", core.OctetString, {"explicit": 0})]


class _IndependentUserInfo(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("value", _IndependentVid)]


class _IndependentIdentifyData(core.Sequence):
    _fields = [("real_name", core.UTF8String), ("user_info", core.SequenceOf, {"spec": _IndependentUserInfo})]


def independent_vid(cert_der: bytes) -> tuple[str, str, bytes]:
    """(realName, hash OID, virtualID) read from the SAN otherName 1.2.410.200004.10.1.1."""
    certificate = asn1_x509.Certificate.load(cert_der)
    for name in certificate.subject_alt_name_value:
        if name.name == "other_name" and name.chosen["type_id"].dotted == "1.2.410.200004.10.1.1":
            _class, _method, tag, _header, inner, _trailer = parser.parse(name.chosen["value"].dump())
            assert tag == 0  # value [0] EXPLICIT
            data = _IndependentIdentifyData.load(inner)
            (info,) = data["user_info"]
            assert info["type"].dotted == "1.2.410.200004.10.1.1.1"
            vid = info["value"]
            return data["real_name"].native, vid["hash_alg"]["algorithm"].dotted, vid["virtual_id"].native
    raise AssertionError("no identifyData otherName")


def independent_virtual_id(idn: str, random_num: bytes) -> bytes:
    """SHA-256(SHA-256(DER(SEQUENCE { PrintableString idn, BIT STRING randomNum })))."""
    printable = core.PrintableString(idn).dump()
    bit_string = b"\x03" + bytes([len(random_num) + 1]) + b"\x00" + random_num
    content = b"\x30" + bytes([len(printable) + len(bit_string)]) + printable + bit_string
    return hashlib.sha256(hashlib.sha256(content).digest()).digest()


# --- issuance with a VID --------------------------------------------------------------------


@pytest.fixture
def vid_certificate(app):
    _subscriber, stored = subscriber_with_certificate(vid=new_vid(RRN))
    return stored


def test_an_independent_computation_agrees_with_the_certificate(vid_certificate):
    result = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"login"], include_r=True)
    assert len(result.r_value) == 20 and len(result.signatures) == 1
    real_name, hash_oid, virtual_id = independent_vid(vid_certificate.cert_der)
    assert real_name == "홍길동"
    assert hash_oid == "2.16.840.1.101.3.4.2.1"  # SHA-256
    assert virtual_id == independent_virtual_id(RRN, result.r_value)
    assert verify_vid(x509_of(vid_certificate), "900101-1234568", result.r_value)


def test_a_wrong_number_or_a_wrong_r_fails(vid_certificate):
    r_value = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    certificate = x509_of(vid_certificate)
    assert verify_vid(certificate, RRN, r_value)
    assert not verify_vid(certificate, WRONG_RRN, r_value)
    assert not verify_vid(certificate, RRN, bytes(20))
    assert not verify_vid(certificate, RRN, r_value[:-1] + bytes([r_value[-1] ^ 1]))
    assert not verify_vid(certificate, "not a number", r_value)


def test_without_the_pin_there_is_no_r(vid_certificate, app):
    with pytest.raises(WrongPin):
        sign_with_pin(vid_certificate, "135790", [b"x"], include_r=True)
    r_value = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    # R is nowhere in the database in clear: only inside the sealed key.
    dump = _database_dump()
    assert vid_certificate.serial in dump  # the scan sees the data it should
    for form in (r_value.hex(), r_value.hex().upper(), base64.b64encode(r_value).decode()):
        assert form not in dump
    assert r_value not in vid_certificate.key_blob.encode()


def test_the_existing_call_still_returns_a_list_of_signatures(vid_certificate):
    signatures = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"a", b"b"], rp_org_code="DEMO_RP", sign_type="01")
    assert isinstance(signatures, list) and len(signatures) == 2


def test_r_of_a_certificate_without_a_vid_is_a_clear_error_before_the_pin(app):
    _subscriber, plain = subscriber_with_certificate()
    assert vid_of(x509_of(plain)) is None
    with pytest.raises(VidMissing) as error:
        sign_with_pin(plain, DEFAULT_PIN, [b"x"], include_r=True)
    assert "VID" in error.value.message
    db.session.refresh(plain)
    assert plain.pin_failures == 0


def test_a_pin_change_keeps_r(vid_certificate):
    before = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    change_pin(vid_certificate, DEFAULT_PIN, "135792")
    assert sign_with_pin(vid_certificate, "135792", [b"x"], include_r=True).r_value == before


# --- the 주민등록번호 rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "입력"),
        ("900101-123456", "13자리"),
        ("9001011234567", "올바르지"),  # check digit wrong
        ("901301-1234565", "생년월일"),  # month 13
        ("abcdefghijklm", "13자리"),
    ],
)
def test_a_bad_number_is_refused_in_korean(raw, message):
    with pytest.raises(InvalidField) as error:
        parse_rrn(raw)
    assert error.value.field == "rrn" and message in error.value.message


# --- through the RA API, never stored ----------------------------------------------------------


@pytest.fixture
def bank_key(app) -> str:
    return create_api_key("004", "test")


def _order(client, bank_key, **changes):
    return client.post("/api/v1/ra/orders", json={**PERSON, **changes}, headers={"Authorization": f"Bearer {bank_key}"})


@pytest.mark.parametrize(
    ("rrn", "message"),
    [("9001011234567", "올바르지"), ("123", "13자리"), ("8501011234566", "다릅니다")],
)
def test_the_ra_api_refuses_a_bad_number_with_a_message_on_the_field(client, bank_key, rrn, message):
    response = _order(client, bank_key, rrn=rrn)
    assert response.status_code == 422
    assert message in response.json["error"]["fields"]["rrn"]
    assert db.session.query(IssuanceOrder).count() == 0


def test_an_order_with_the_number_gives_a_vid_and_the_number_is_stored_nowhere(client, bank_key, caplog):
    caplog.set_level(logging.DEBUG)
    response = _order(client, bank_key, rrn="900101-1234568")
    assert response.status_code == 201
    order = db.session.scalars(db.select(IssuanceOrder)).one()
    assert order.vid_virtual_id and order.vid_random_sealed
    certificate = redeem_order(open_order(response.json["ref_num"], response.json["auth_code"]), pin=DEFAULT_PIN)
    db.session.refresh(order)
    assert order.vid_virtual_id is None and order.vid_random_sealed is None  # R lives only in the key now
    r_value = sign_with_pin(certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    assert verify_vid(x509_of(certificate), RRN, r_value)

    dump = _database_dump(skip=("demo_bank_customers",))
    assert certificate.serial in dump and order.ref_num in dump  # the scan sees the data it should
    for form in (RRN, "900101-1234568", "1234568"):
        assert form not in dump
        assert form not in caplog.text
    events = " ".join(str(event.detail) for event in db.session.scalars(db.select(AuditEvent)))
    assert "1234568" not in events


def test_a_reissue_keeps_a_vid_with_a_new_r(app, vid_certificate):
    old_r = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    placed, auth_code = place_order(
        get_bank("004"),
        name="홍길동",
        phone="01012345678",
        birth_date=vid_certificate.subscriber.birth_date,
        email=None,
        kind="reissue",
        rrn=RRN,
    )
    reissued = redeem_order(open_order(placed.ref_num, auth_code), pin="135792")
    db.session.refresh(vid_certificate)
    assert vid_certificate.status == "revoked"
    new_r = sign_with_pin(reissued, "135792", [b"x"], include_r=True).r_value
    assert new_r != old_r and verify_vid(x509_of(reissued), RRN, new_r)
    assert vid_of(x509_of(reissued)).virtual_id != vid_of(x509_of(vid_certificate)).virtual_id


# --- renewal ------------------------------------------------------------------------------------


def test_renewal_of_a_vid_certificate_needs_the_number_and_checks_it(vid_certificate):
    old_r = sign_with_pin(vid_certificate, DEFAULT_PIN, [b"x"], include_r=True).r_value
    with pytest.raises(IdentityNumberRequired):
        renew_certificate(vid_certificate, DEFAULT_PIN)
    db.session.refresh(vid_certificate)
    assert vid_certificate.pin_failures == 0  # refused before the PIN was tried
    with pytest.raises(IdentityNumberMismatch) as mismatch:
        renew_certificate(vid_certificate, DEFAULT_PIN, rrn=WRONG_RRN)
    assert "일치하지 않습니다" in mismatch.value.message
    db.session.refresh(vid_certificate)
    assert vid_certificate.status == "active"
    renewed = renew_certificate(vid_certificate, DEFAULT_PIN, rrn=RRN)
    new_r = sign_with_pin(renewed, DEFAULT_PIN, [b"x"], include_r=True).r_value
    assert new_r != old_r and verify_vid(x509_of(renewed), RRN, new_r)
    assert not verify_vid(x509_of(renewed), RRN, old_r)


def test_a_certificate_without_a_vid_renews_as_before(app):
    _subscriber, plain = subscriber_with_certificate()
    renewed = renew_certificate(plain, DEFAULT_PIN)
    assert vid_of(x509_of(renewed)) is None
    assert db.session.get(Certificate, plain.id).status == "revoked"


# --- the test bed, the demo banks and the RP API ------------------------------------------------


def test_the_test_bed_takes_an_optional_number(client):
    body = {"name": "테스트", "phone": "01055550001", "birth_date": "19900101", "bank_code": "081", "pin": "246813"}
    bad = client.post("/testbed/subscribers", json={**body, "rrn": "9001011234567"})
    assert bad.status_code == 422 and "rrn" in bad.json["error"]["fields"]
    made = client.post("/testbed/subscribers", json={**body, "rrn": RRN})
    assert made.status_code == 201
    stored = db.session.scalars(db.select(Certificate).where(Certificate.serial == made.json["serial"])).one()
    assert independent_vid(stored.cert_der)[0] == "테스트"


def test_demo_customers_hold_valid_numbers_of_their_birth_dates(app):
    customers = customers_of("004")
    assert customers and all(parse_rrn(c.rrn, c.birth_date) == c.rrn for c in customers)


def test_the_rp_verify_api_answers_whether_the_identity_matches(client, runner, vid_certificate):
    from app.models import RpClient
    from app.pki.verifier import signed_content
    from app.rp.clients import bind_nonce

    result = runner.invoke(
        args=["rp", "register", "--org-code", "VID_RP", "--name", "본인확인", "--origin", "https://v.example"]
    )
    secret = dict(line.split(": ", 1) for line in result.output.splitlines())["secret"].split()[0]
    auth = {"Authorization": f"Bearer {secret}"}

    def signed(rrn, r_value=None):
        nonce = client.post("/api/v1/rp/nonces", headers=auth).json["nonce"]
        bind_nonce(db.session.get(RpClient, "VID_RP"), nonce, f"tx-{nonce[:8]}")
        db.session.commit()
        content = signed_content(org_code="VID_RP", sign_type="01", nonce=nonce, plain_text="본인확인")
        signed_with_r = sign_with_pin(vid_certificate, DEFAULT_PIN, [content], include_r=True)
        body = {
            "signedVal": base64.urlsafe_b64encode(signed_with_r.signatures[0]).decode().rstrip("="),
            "plainText": "본인확인",
            "signType": "01",
            "nonce": nonce,
            "rrn": rrn,
            "rValue": base64.b64encode(r_value if r_value is not None else signed_with_r.r_value).decode(),
        }
        return client.post("/api/v1/rp/verify", json=body, headers=auth)

    good = signed(RRN)
    assert good.status_code == 200 and good.json["identity_verified"] is True
    assert good.json["revocation_checked_by"] == "crl"
    assert signed(WRONG_RRN).json["identity_verified"] is False
    assert signed(RRN, r_value=bytes(20)).json["identity_verified"] is False
    half = client.post(
        "/api/v1/rp/verify",
        json={"signedVal": "x", "plainText": "x", "signType": "01", "nonce": "n", "rrn": RRN},
        headers=auth,
    )
    assert half.status_code == 422 and "rValue" in half.json["error"]["fields"]


def _database_dump(skip: tuple[str, ...] = ()) -> str:
    """Every value of every table, as text (what a thief with a copy of the database reads)."""
    connection = db.session.connection()  # the test's own transaction, where its writes are
    return " ".join(
        str(value.hex() if isinstance(value, bytes | memoryview) else value)
        for table in inspect(connection).get_table_names()
        if table not in skip
        for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        for value in row
    )
