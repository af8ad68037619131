"""RA API: a bank orders a certificate with its own key; bad requests write nothing."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import IssuanceOrder
from app.ra.orders import create_api_key

ORDER = {
    "name": "홍길동",
    "phone": "010-1234-5678",
    "birth_date": "19900101",
    "email": "hong@example.com",
    "kind": "issue",
}


@pytest.fixture
def bank_key(app) -> str:
    return create_api_key("004", "test")


def post(client, body, key, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if isinstance(body, dict):
        return client.post("/api/v1/ra/orders", json=body, headers=headers)
    return client.post(
        "/api/v1/ra/orders", data=body, headers={**headers, "Content-Type": "application/json"}, **kwargs
    )


def order_count() -> int:
    db.session.expire_all()
    return db.session.query(IssuanceOrder).count()


def test_a_bank_places_an_order_and_gets_the_codes(client, bank_key):
    response = post(client, ORDER, bank_key)
    assert response.status_code == 201
    body = response.json
    assert len(body["ref_num"]) == 8 and body["ref_num"].isdigit()
    assert len(body["auth_code"]) == 10 and body["auth_code"].isdigit()
    assert body["expires_at"].endswith("Z") and body["bank_code"] == "004"
    order = db.session.scalars(db.select(IssuanceOrder)).one()
    assert order.phone == "01012345678" and order.auth_code_hash != body["auth_code"]


@pytest.mark.parametrize("key", ["", "ra_004_wrong", "x" * 500])
def test_a_wrong_key_is_refused(client, bank_key, key):
    response = post(client, ORDER, key)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert order_count() == 0


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "null", ""])
def test_malformed_json_is_a_400(client, bank_key, raw):
    response = post(client, raw, bank_key)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert order_count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"phone": "02-123-4567"}, "phone"),
        ({"birth_date": "19901301"}, "birth_date"),
        ({"birth_date": 19900101}, "birth_date"),
        ({"kind": "steal"}, "kind"),
        ({"email": "not-an-email"}, "email"),
        ({"name": None}, "name"),
    ],
)
def test_bad_fields_are_a_422_naming_the_field(client, bank_key, change, field):
    body = {**ORDER, **change}
    if change.get(field, "") is None:
        body.pop(field)
    response = post(client, body, bank_key)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert order_count() == 0


def test_form_encoded_bodies_are_refused(client, bank_key):
    response = client.post("/api/v1/ra/orders", data=ORDER, headers={"Authorization": f"Bearer {bank_key}"})
    assert response.status_code == 415


def test_a_revoked_bank_key_stops_working(client, bank_key):
    from app.clock import utcnow
    from app.models import RaApiKey

    for row in db.session.scalars(db.select(RaApiKey)):
        row.revoked_at = utcnow()
    db.session.commit()
    assert post(client, ORDER, bank_key).status_code == 401


def test_ra_create_key_command(runner):
    result = runner.invoke(args=["ra", "create-key", "--bank", "088"])
    assert result.exit_code == 0 and result.output.startswith("ra_088_")
    assert runner.invoke(args=["ra", "create-key", "--bank", "999"]).exit_code != 0
