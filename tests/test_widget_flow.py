"""The server owns the widget's flow: order, single result, single nonce, the right browser."""

from __future__ import annotations

import secrets

import pytest

from app.extensions import db
from app.models import RpClient
from app.rp.clients import DEMO_ORG_CODE, NonceRejected, demo_credentials, issue_nonce
from app.widget.sdk import open_for_rp
from tests.support import run_in_parallel, subscriber_with_certificate
from tests.widget_driver import RP_ORIGIN, WidgetBrowser


def test_the_pin_step_cannot_be_posted_before_the_sms_step(app, client):
    browser = WidgetBrowser(app, client)
    response = browser.post("keypad", key="anything")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "진행 순서가 올바르지 않습니다" in body and "가입정보 입력" in body


def test_a_finished_transaction_cannot_be_replayed(app, client):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    browser.post("cancel")
    response = browser.identify()
    assert response.status_code == 409 and "이미 완료된 요청입니다" in response.get_data(as_text=True)


def test_a_nonce_binds_one_transaction_only(app, client):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "signType": "01", "nonce": "the-same-nonce-twice"}
    assert client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN}).status_code == 201
    again = client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})
    assert again.status_code == 422
    assert again.json["error"]["code"] == "800003"
    assert again.json["error"]["message"] == "이미 사용된 nonce입니다. 새 nonce로 다시 요청해주세요."


@pytest.mark.committed
@pytest.mark.parametrize("whose", ["service", "own"])
def test_parallel_requests_with_one_nonce_open_one_transaction(app, whose):
    """Twenty tabs (or a replaying attacker) send the same nonce at once: one gets it."""
    if whose == "service":
        nonce = issue_nonce(db.session.get(RpClient, DEMO_ORG_CODE)).nonce
    else:
        nonce = f"my-own-nonce-{secrets.token_hex(8)}"
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "signType": "01", "nonce": nonce}

    def open_one() -> str:
        try:
            open_for_rp(body, origin=RP_ORIGIN, browser_id=f"browser-{secrets.token_hex(4)}")
            return "opened"
        except NonceRejected:
            db.session.rollback()
            return "refused"

    outcomes = run_in_parallel(app, 20, open_one)
    assert outcomes.count("opened") == 1 and outcomes.count("refused") == 19


def test_an_unregistered_origin_or_key_is_refused(app, client):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "nonce": "n" * 20}
    assert client.post("/widget/transactions", json=body, headers={"Origin": "https://evil.example"}).status_code == 403
    wrong_key = {**body, "apiKey": "pk_wrong"}
    assert client.post("/widget/transactions", json=wrong_key, headers={"Origin": RP_ORIGIN}).status_code == 403
    preflight = client.options("/widget/transactions", headers={"Origin": "https://evil.example"})
    assert preflight.status_code == 403


def test_another_browser_cannot_drive_the_transaction(app, client):
    browser = WidgetBrowser(app, client)
    stranger = app.test_client()
    assert stranger.get(browser.url).status_code == 403


def test_widget_pages_may_only_be_framed_by_the_rps_origins(app, client):
    browser = WidgetBrowser(app, client)
    csp = browser.last.headers["Content-Security-Policy"]
    assert f"frame-ancestors {RP_ORIGIN}" in csp
