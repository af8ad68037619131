"""Rate limits: 429 with a Korean message and Retry-After, counted in the database."""

from __future__ import annotations

import pytest

from app import ratelimit
from app.extensions import db
from app.models import RateLimitCounter
from app.ra.orders import create_api_key
from app.ratelimit import Limit
from tests.widget_driver import WidgetBrowser

ORDER = {"name": "홍길동", "phone": "010-1234-5678", "birth_date": "19900101", "kind": "issue"}


@pytest.fixture
def limits(app, monkeypatch):
    """Limits on, with small numbers so that a test reaches them, and the clock held in the
    middle of a window (a fixed window that turns over mid-test would reset the count)."""
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_030.0)
    monkeypatch.setitem(app.config, "RATE_LIMITS_ENABLED", True)
    overrides = {"ra-api-bank": Limit(3, 60), "sms-send-ip": Limit(2, 600), "keypad-tx": Limit(4, 600)}
    monkeypatch.setitem(app.config, "RATE_LIMIT_OVERRIDES", overrides)


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
