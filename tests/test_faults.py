"""Faults: the SMS provider failing or slow, the database briefly gone, a failure inside issuance."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app import audit
from app.banks import get_bank
from app.extensions import db
from app.models import Certificate, IssuanceOrder, SmsChallenge, SmsMessage, Subscriber, WidgetTransaction
from app.personal_info import parse_birth_date
from app.ra import orders
from app.ra.orders import open_order, place_order, redeem_order
from tests.widget_driver import WidgetBrowser


class ProviderHandler(BaseHTTPRequestHandler):
    """A real HTTP SMS provider on loopback whose behaviour the test switches."""

    mode = "ok"
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "fail":
            self.send_response(500)
            self.end_headers()
            return
        type(self).received.append({"auth": self.headers.get("Authorization"), **body})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "provider-42"}')

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def provider(app, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProviderHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ProviderHandler.mode, ProviderHandler.received = "ok", []
    monkeypatch.setitem(app.config, "SMS_PROVIDER_URL", f"http://127.0.0.1:{server.server_port}/messages")
    monkeypatch.setitem(app.config, "SMS_PROVIDER_TOKEN", "provider-token")
    monkeypatch.setitem(app.config, "SMS_PROVIDER_TIMEOUT", 0.5)
    yield ProviderHandler
    server.shutdown()


def test_the_http_provider_gets_the_message_and_only_a_redacted_copy_is_kept(app, client, provider):
    browser = WidgetBrowser(app, client)
    assert browser.identify().status_code == 200
    (sent,) = provider.received
    assert sent["auth"] == "Bearer provider-token" and sent["to"] == "01012345678"
    assert any(ch.isdigit() for ch in sent["text"])
    stored = db.session.scalars(db.select(SmsMessage)).one()
    assert stored.gateway == "http" and stored.provider_id == "provider-42"
    assert "******" in stored.body and not any(ch.isdigit() for ch in stored.body.split("[")[1][:6])


@pytest.mark.parametrize("mode", ["fail", "slow"])
def test_a_failing_or_slow_provider_gives_a_clear_message_and_resend_works(app, client, provider, mode):
    provider.mode = mode
    browser = WidgetBrowser(app, client)
    response = browser.identify()
    assert response.status_code == 503
    assert "문자 발송에 실패했습니다" in response.get_data(as_text=True)
    transaction = db.session.scalars(db.select(WidgetTransaction)).one()
    db.session.refresh(transaction)
    assert transaction.step == "identify" and transaction.status == "open"  # intact
    assert db.session.query(SmsChallenge).count() == 0

    provider.mode = "ok"
    assert browser.identify().status_code == 200
    db.session.refresh(transaction)
    assert transaction.step == "sms"


class DatabaseGone:
    """Make every statement touching ``table`` fail as if the database went away."""

    def __init__(self, table: str) -> None:
        self.table = table

    def __call__(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if self.table in statement and statement.lstrip().upper().startswith("INSERT"):
            raise OperationalError(statement, {}, sqlite3.OperationalError("server closed the connection"))

    def __enter__(self) -> DatabaseGone:
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self)


def test_the_database_going_away_mid_request_is_a_503_with_nothing_half_written(app, client):
    browser = WidgetBrowser(app, client)
    with DatabaseGone("sms_challenges"):
        response = browser.identify()
    assert response.status_code == 503
    assert "서비스를 잠시 이용할 수 없습니다" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    db.session.expire_all()
    assert db.session.query(SmsMessage).count() == 0  # the outbox row of the same request is gone too
    assert db.session.scalars(db.select(WidgetTransaction)).one().step == "identify"
    assert browser.identify().status_code == 200  # and when it is back, the same step works


def test_the_api_gets_a_json_503(app, client):
    key = orders.create_api_key("004")
    body = {"name": "홍길동", "phone": "01012345678", "birth_date": "19900101", "kind": "issue"}
    with DatabaseGone("issuance_orders"):
        response = client.post("/api/v1/ra/orders", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503 and response.json["error"]["code"] == "unavailable"


def test_a_failure_after_the_key_is_stored_leaves_nothing_and_a_retry_issues(app, monkeypatch):
    placed, auth_code = place_order(
        get_bank("004"),
        name="홍길동",
        phone="01012345678",
        birth_date=parse_birth_date("19900101"),
        email=None,
        kind="issue",
    )
    real_record = audit.record

    def fail_after_the_certificate(kind, /, **kwargs):
        if kind == "order.redeemed":  # the certificate row (with its sealed key) is already flushed
            raise RuntimeError("power cut")
        return real_record(kind, **kwargs)

    monkeypatch.setattr(orders.audit, "record", fail_after_the_certificate)
    with pytest.raises(orders.IssuanceFailed):
        redeem_order(open_order(placed.ref_num, auth_code), pin="246813")
    db.session.expire_all()
    assert db.session.query(Certificate).count() == 0
    assert db.session.query(Subscriber).count() == 0
    assert db.session.get(IssuanceOrder, placed.id).redeemed_at is None

    monkeypatch.setattr(orders.audit, "record", real_record)
    certificate = redeem_order(open_order(placed.ref_num, auth_code), pin="246813")
    assert certificate.status == "active" and db.session.query(Certificate).count() == 1
