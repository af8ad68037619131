"""Rate limits: 429 with a Korean message and Retry-After, counted in the database."""

from __future__ import annotations

import secrets

import pytest

from app import ratelimit
from app.extensions import db
from app.models import RateLimitCounter
from app.ra.orders import create_api_key
from app.ratelimit import Limit
from app.rp.clients import DEMO_ORG_CODE, demo_credentials, register_client
from tests.widget_driver import RP_ORIGIN, WidgetBrowser

ORDER = {"name": "홍길동", "phone": "010-1234-5678", "birth_date": "19900101", "kind": "issue"}


@pytest.fixture
def limits(app, monkeypatch):
    """Limits on, with small numbers so that a test reaches them, and the clock held in the
    middle of a window (a fixed window that turns over mid-test would reset the count)."""
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_030.0)
    monkeypatch.setitem(app.config, "RATE_LIMITS_ENABLED", True)
    overrides = {"ra-api-bank": Limit(3, 60), "sms-send-ip": Limit(2, 600)}
    monkeypatch.setitem(app.config, "RATE_LIMIT_OVERRIDES", overrides)
    return overrides


def test_the_ra_api_answers_429_with_retry_after(client, limits):
    key = create_api_key("004")
    for _ in range(3):
        assert (
            client.post("/api/v1/ra/orders", json=ORDER, headers={"Authorization": f"Bearer {key}"}).status_code == 201
        )
    refused = client.post("/api/v1/ra/orders", json=ORDER, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "요청이 너무 많습니다" in refused.json["error"]["message"]


def test_sms_sends_per_address_are_limited_in_the_widget(app, client, limits):
    browser = WidgetBrowser(app, client)
    assert browser.identify(phone="01011110001").status_code == 200
    second = WidgetBrowser(app, app.test_client())
    assert second.identify(phone="01011110002").status_code == 200
    third = WidgetBrowser(app, app.test_client())
    refused = third.identify(phone="01011110003")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    body = refused.get_data(as_text=True)
    assert "요청이 너무 많습니다" in body and "가입정보 입력" in body  # still on its step


def test_counters_live_in_the_database(app, client, limits):
    key = create_api_key("004")
    client.post("/api/v1/ra/orders", json=ORDER, headers={"Authorization": f"Bearer {key}"})
    db.session.expire_all()
    keys = [row.key for row in db.session.scalars(db.select(RateLimitCounter))]
    assert "ra-api-bank:004" in keys and any(k.startswith("ra-api-ip:") for k in keys)


def test_limits_are_off_when_disabled(client, app):
    assert app.config["RATE_LIMITS_ENABLED"] is False
    key = create_api_key("004")
    for _ in range(5):
        assert (
            client.post("/api/v1/ra/orders", json=ORDER, headers={"Authorization": f"Bearer {key}"}).status_code == 201
        )


# --- opening transactions ------------------------------------------------------------------


def sdk_request(client, address: str, org_code: str = DEMO_ORG_CODE, api_key: str | None = None, origin=RP_ORIGIN):
    body = {"orgCode": org_code, "apiKey": api_key or demo_credentials()[0], "signType": "01", "nonce": None}
    body["nonce"] = f"nonce-{secrets.token_hex(10)}"
    return client.post(
        "/widget/transactions", json=body, headers={"Origin": origin}, environ_base={"REMOTE_ADDR": address}
    )


def test_opening_transactions_is_limited_per_address_on_every_entry(app, client, limits, csrf, monkeypatch):
    monkeypatch.setitem(app.config["RATE_LIMIT_OVERRIDES"], "widget-create-ip", Limit(3, 600))
    assert client.get("/widget/manage").status_code == 303
    assert client.post("/widget/manage", data={"csrf_token": csrf}).status_code == 303
    guess = client.post("/widget/issue", data={"csrf_token": csrf, "ref_num": "12345678", "auth_code": "0123456789"})
    assert guess.status_code == 422  # a wrong guess, counted all the same

    page = client.get("/widget/manage")
    assert page.status_code == 429 and "요청이 너무 많습니다" in page.get_data(as_text=True)
    assert 0 < int(page.headers["Retry-After"]) <= 600
    form = client.post("/widget/issue", data={"csrf_token": csrf, "ref_num": "12345678", "auth_code": "0123456789"})
    assert form.status_code == 429 and "Retry-After" in form.headers
    assert 'id="ref_num-error"' in form.get_data(as_text=True)  # on the form, which stays as it was
    sdk = sdk_request(client, "127.0.0.1")
    assert sdk.status_code == 429 and sdk.json["error"]["code"] == "800001"
    assert "요청이 너무 많습니다" in sdk.json["error"]["message"]
    # Another address is not affected.
    assert sdk_request(client, "192.0.2.10").status_code == 201


def test_opening_transactions_is_limited_per_rp_whatever_the_address(app, client, monkeypatch, limits):
    monkeypatch.setitem(app.config["RATE_LIMIT_OVERRIDES"], "widget-create-rp", Limit(2, 600))
    assert sdk_request(client, "192.0.2.1").status_code == 201
    assert sdk_request(client, "192.0.2.2").status_code == 201
    refused = sdk_request(client, "192.0.2.3")
    assert refused.status_code == 429 and refused.json["error"]["code"] == "800001"
    # Another RP has its own count; a request with a wrong key counts for no one.
    _client, other_key, _secret = register_client("OTHER_RP", "다른 이용기관", ["https://other.example"])
    assert sdk_request(client, "192.0.2.4", "OTHER_RP", other_key, "https://other.example").status_code == 201
    forged = sdk_request(client, "192.0.2.5", "OTHER_RP", "pk_wrong", "https://other.example")
    assert forged.status_code == 403
    assert sdk_request(client, "192.0.2.6", "OTHER_RP", other_key, "https://other.example").status_code == 201


def test_the_rp_api_counts_wrong_secrets_only(app, client, limits, monkeypatch):
    monkeypatch.setitem(app.config["RATE_LIMIT_OVERRIDES"], "rp-api-ip", Limit(2, 60))
    _api_key, secret = demo_credentials()
    for _ in range(5):  # an RP's own traffic is never throttled
        assert client.post("/api/v1/rp/nonces", headers={"Authorization": f"Bearer {secret}"}).status_code == 201
    for _ in range(2):
        assert client.post("/api/v1/rp/nonces", headers={"Authorization": "Bearer sk_wrong"}).status_code == 401
    refused = client.post("/api/v1/rp/nonces", headers={"Authorization": "Bearer sk_wrong"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert client.post("/api/v1/rp/nonces", headers={"Authorization": f"Bearer {secret}"}).status_code == 201
