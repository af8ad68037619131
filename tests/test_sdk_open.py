"""Opening the widget in one request: the SDK hands its request to the warm page, which posts it
to ``/widget/open`` and gets the first step back (with 자동연결: the certificate list; with a
favourite: the PIN). Refusals answer the SDK's code for the RP page's ``fail``."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from app.cloud.devices import COOKIE_NAME, register_device
from app.extensions import db
from app.models import WidgetTransaction
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from tests.conftest import HTMX, csrf_token_from
from tests.support import subscriber_with_certificate
from tests.widget_services import RP_ORIGIN, USER_AGENT, fresh_nonce

DESKTOP = {"User-Agent": USER_AGENT}


def warm_page(client: FlaskClient) -> str:
    """The warm page's CSRF token, as the SDK's hidden iframe has it."""
    page = client.get(f"/widget/warm?org={DEMO_ORG_CODE}", headers=DESKTOP)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    return csrf_token_from(page.get_data(as_text=True))


def login_request(**extra) -> dict:
    api_key, _secret = demo_credentials()
    return {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "op": "sign", "nonce": fresh_nonce(),
            "requests": [{"signType": "01", "contentType": "plainText", "contents": ["로그인"]}], **extra}  # fmt: skip


def open_request(client: FlaskClient, body: dict | str, *, origin: str = RP_ORIGIN, token: str | None = None):
    token = warm_page(client) if token is None else token
    data = {"csrf_token": token, "origin": origin, "request": body if isinstance(body, str) else json.dumps(body)}
    return client.post("/widget/open", data=data, headers={**HTMX, **DESKTOP})


def transactions() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(WidgetTransaction))


def test_one_post_opens_the_request_and_answers_its_first_step(app, client):
    answer = open_request(client, login_request())
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "가입정보 입력" in body and 'name="name"' in body
    # The warm page had no 취소 yet: the answer brings it (out of band) for this transaction.
    transaction = db.session.scalars(db.select(WidgetTransaction)).one()
    assert '<div id="widget-close" hx-swap-oob="innerHTML">' in body
    assert f'action="/widget/t/{transaction.id}/cancel"' in body
    assert transaction.origin == RP_ORIGIN and transaction.step == "identify"


def test_with_auto_connect_the_first_step_is_the_certificate_list(app, client):
    subscriber, _certificate = subscriber_with_certificate()
    _device, token = register_device(subscriber, USER_AGENT, RP_ORIGIN)
    db.session.commit()
    client.set_cookie(COOKIE_NAME, token)
    body = open_request(client, login_request()).get_data(as_text=True)
    assert "인증서 선택" in body and 'name="certificate_id"' in body


def test_with_a_favourite_the_first_step_is_the_pin(app, client):
    subscriber, certificate = subscriber_with_certificate()
    certificate.favourite = True
    _device, token = register_device(subscriber, USER_AGENT, RP_ORIGIN)
    db.session.commit()
    client.set_cookie(COOKIE_NAME, token)
    body = open_request(client, login_request()).get_data(as_text=True)
    assert 'class="keypad"' in body and "data-entry-url" in body


def test_an_origin_the_rp_did_not_register_is_refused_with_800002(app, client):
    answer = open_request(client, login_request(), origin="https://evil.example")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert 'data-fincert-refused data-fincert-code="800002"' in body
    assert transactions() == 0


def test_a_bad_request_is_refused_with_800001_and_its_reason(app, client):
    answer = open_request(
        client, login_request(requests=[{"signType": "01", "contents": ["x"], "algorithm": "MD5withRSA"}])
    )
    assert answer.status_code == 422 and 'data-fincert-code="800001"' in answer.get_data(as_text=True)
    for text in ("", "[1, 2]", "{", "[" * 5000):
        answer = open_request(client, text)
        assert answer.status_code == 400 and 'data-fincert-code="800001"' in answer.get_data(as_text=True)
    assert transactions() == 0


def test_a_stale_or_missing_token_asks_the_sdk_to_reload_the_warm_page(app, client):
    warm_page(client)
    for token in ("", "not-a-token"):
        answer = open_request(client, login_request(), token=token)
        body = answer.get_data(as_text=True)
        assert answer.status_code == 400 and "data-fincert-stale" in body
    assert transactions() == 0


def test_the_warm_page_is_framable_by_the_rps_origins_only(app, client):
    page = client.get(f"/widget/warm?org={DEMO_ORG_CODE}")
    assert f"frame-ancestors {RP_ORIGIN}" in page.headers["Content-Security-Policy"]
    unknown = client.get("/widget/warm?org=NOBODY")
    assert "frame-ancestors 'none'" in unknown.headers["Content-Security-Policy"]
