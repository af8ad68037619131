"""RP registration, the nonce API and server-side verification through the API."""

from __future__ import annotations

import base64

import pytest

from app.cloud.certificates import sign_with_pin
from app.pki.verifier import signed_content
from tests.support import DEFAULT_PIN, subscriber_with_certificate


@pytest.fixture
def registered(runner):
    result = runner.invoke(
        args=["rp", "register", "--org-code", "SHOP_1", "--name", "쇼핑몰", "--origin", "https://shop.example"]
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    return lines["apiKey"].split()[0], lines["secret"].split()[0]


def test_a_registered_rp_gets_nonces_with_its_secret(client, registered):
    _api_key, secret = registered
    response = client.post("/api/v1/rp/nonces", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201 and len(response.json["nonce"]) >= 16
    assert client.post("/api/v1/rp/nonces", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_verify_api_checks_the_signature_and_uses_the_nonce_once(client, app, registered):
    from app.extensions import db
    from app.models import RpClient
    from app.rp.clients import bind_nonce

    _api_key, secret = registered
    auth = {"Authorization": f"Bearer {secret}"}
    nonce = client.post("/api/v1/rp/nonces", headers=auth).json["nonce"]
    bind_nonce(db.session.get(RpClient, "SHOP_1"), nonce, "tx-test")
    db.session.commit()
    _subscriber, certificate = subscriber_with_certificate()
    content = signed_content(org_code="SHOP_1", sign_type="05", nonce=nonce, plain_text="결제 39,000원")
    (signature,) = sign_with_pin(certificate, DEFAULT_PIN, [content])
    signed_val = base64.urlsafe_b64encode(signature).decode().rstrip("=")
    body = {"signedVal": signed_val, "plainText": "결제 39,000원", "signType": "05", "nonce": nonce}

    tampered = client.post("/api/v1/rp/verify", json={**body, "plainText": "결제 1원"}, headers=auth)
    assert tampered.status_code == 422 and tampered.json["error"]["code"] == "content_mismatch"
    verified = client.post("/api/v1/rp/verify", json=body, headers=auth)
    assert verified.status_code == 200 and verified.json["name"] == "홍길동"
    again = client.post("/api/v1/rp/verify", json=body, headers=auth)
    assert again.status_code == 422 and again.json["error"]["code"] == "nonce_rejected"


@pytest.mark.parametrize(
    "body",
    [{}, {"signedVal": 1, "plainText": "x", "signType": "01", "nonce": "n" * 16}, {"signType": "77"}],
)
def test_the_verify_api_refuses_malformed_bodies(client, registered, body):
    _api_key, secret = registered
    response = client.post("/api/v1/rp/verify", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and response.json["error"]["fields"]


def test_register_refuses_a_bad_origin(runner):
    result = runner.invoke(args=["rp", "register", "--org-code", "X1", "--name", "x", "--origin", "ftp://bad"])
    assert result.exit_code != 0


def test_the_demo_rp_opened_on_the_services_own_origin_goes_to_its_own_address(app, client):
    """On the widget's origin the SDK would refuse the page (it is not a relying party there)."""
    response = client.get("/rp/demo/transfer?x=1", base_url=app.config["PUBLIC_URL"])
    assert response.status_code == 302
    assert response.headers["Location"] == app.config["DEMO_RP_URL"].rstrip("/") + "/transfer?x=1"
    on_its_own = client.get("/rp/demo/", base_url=app.config["DEMO_RP_URL"].split("/rp/")[0])
    assert on_its_own.status_code == 200 and "한빛마켓" in on_its_own.get_data(as_text=True)
