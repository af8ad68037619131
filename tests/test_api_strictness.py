"""The JSON APIs refuse what their OpenAPI document refuses, and serve what it allows: an option
is left out only as absent, null or "" (never false, 0, [] or {}); a wrong type is a 422, never a
500; and a name as long as the rules allow gets a certificate."""

from __future__ import annotations

import pytest
from cryptography.x509.oid import NameOID

from app.cloud.certificates import x509_of
from app.extensions import db
from app.models import Certificate
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from tests.widget_services import RP_ORIGIN, fresh_nonce


def _transaction(client, **body):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "nonce": fresh_nonce(), **body}
    return client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})


@pytest.mark.parametrize("left_out", [{}, {"op": None}, {"op": ""}])
def test_an_sdk_option_left_out_takes_its_default(app, client, left_out):
    assert _transaction(client, **left_out).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"op": False},
        {"op": {}},
        {"requests": [{"signType": 0}]},
        {"requests": [{"signType": [1]}]},
        {"requests": [{"format": []}]},
        {"requests": [{"algorithm": {"x": 1}}]},
        {"requests": [{"encoding": False}]},
        {"authData": {"name": True, "phone": "01012345678", "birthday": "19900101"}},
        {"authData": {"name": "홍길동", "phone": "01012345678", "birthday": 19900101}},
    ],
)
def test_an_sdk_option_of_the_wrong_type_is_refused_with_800001(app, client, body):
    response = _transaction(client, **body)
    assert response.status_code == 422 and response.json["error"]["code"] == "800001"


@pytest.mark.parametrize(
    "extra",
    [
        {"format": {}},
        {"encoding": {}},
        {"encoding": False},
        {"items": [{"signedVal": "AAAA", "plainText": "x", "signType": [1]}]},
        {"rrn": "9001011234568", "rValue": "AAAA*"},
    ],
)
def test_a_verify_body_of_the_wrong_type_is_refused_with_422(app, client, extra):
    _client, _api_key, secret = _register()
    body = {"nonce": fresh_nonce(), "signedVal": "AAAA", "plainText": "x", "signType": "01", **extra}
    response = client.post("/api/v1/rp/verify", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_fields"


def _register():
    from app.rp.clients import register_client

    return register_client("STRICT_RP", "엄격", ["https://strict.example"])


# cryptography also counts bytes when it reads such a CN, and warns.
@pytest.mark.filterwarnings("ignore:Attribute's length:UserWarning")
def test_a_name_of_thirty_hangul_syllables_gets_a_certificate_that_holds_it_whole(app, client):
    """The rules allow 30 letters; the subject's CN is bounded in characters (X.520), not in bytes."""
    name = "가나다라마바사아자차" * 3
    body = {"name": name, "phone": "01055550002", "birth_date": "19851212", "bank_code": "081", "pin": "246813"}
    response = client.post("/testbed/subscribers", json=body)
    assert response.status_code == 201
    certificate = x509_of(
        db.session.scalars(db.select(Certificate).where(Certificate.serial == response.json["serial"])).one()
    )
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value.startswith(f"{name}()081")
