"""Driving the widget through the test client, as a browser would, for unit-level tests."""

from __future__ import annotations

import re
import secrets

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import SmsMessage
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from tests.conftest import HTMX, csrf_token_from

RP_ORIGIN = "http://localhost:5000"


class WidgetBrowser:
    """One browser with the widget open for the demo RP (a desktop, so the start screen is skipped)."""

    def __init__(
        self, app: Flask, client: FlaskClient, *, op: str = "sign", nonce: str | None = None, extra: dict | None = None
    ) -> None:
        self.client = client
        nonce = nonce or f"nonce-for-tests-{secrets.token_hex(8)}"
        api_key, _secret = demo_credentials()
        body = {
            "orgCode": DEMO_ORG_CODE,
            "apiKey": api_key,
            "op": op,
            "signType": "01",
            "nonce": nonce,
            **(extra or {}),
        }
        created = client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})
        assert created.status_code == 201, created.get_data(as_text=True)
        self.url = "/widget/t/" + created.json["url"].rsplit("/widget/t/", 1)[1]
        page = client.get(self.url)
        self.token = csrf_token_from(page.get_data(as_text=True))
        self.last = page

    def post(self, action: str, **data):
        self.last = self.client.post(f"{self.url}/{action}", data={"csrf_token": self.token, **data}, headers=HTMX)
        return self.last

    def reach_pin(self, phone: str = "01012345678") -> str:
        """가입정보, SMS, 클라우드 접근 권한 and 선택 of the only certificate: the keypad page."""
        self.identify(phone=phone)
        self.post("sms", code=self.latest_code(phone))
        listing = self.post("consent").get_data(as_text=True)
        certificate_id = re.search(r'name="certificate_id" value="(\d+)"', listing).group(1)
        return self.post("select", certificate_id=certificate_id).get_data(as_text=True)

    def keypad_tokens(self) -> dict[str, str]:
        """The current page's keypad: digit → token."""
        keys = re.findall(
            r'name="key" value="([^"]+)" class="keypad__key"[^>]*>(\d)</button>', self.last.get_data(as_text=True)
        )
        return {digit: token for token, digit in keys}

    def enter_pin(self, pin: str):
        """The keypad with JavaScript: the six keys' tokens in one post."""
        tokens = self.keypad_tokens()
        return self.post("pin", entry=",".join(tokens[digit] for digit in pin))

    def identify(self, name="홍길동", phone="01012345678", birth_date="19900101"):
        return self.post("identify", name=name, phone=phone, birth_date=birth_date)

    @staticmethod
    def latest_code(phone: str) -> str:
        db.session.expire_all()
        message = db.session.scalars(
            db.select(SmsMessage).where(SmsMessage.to == phone).order_by(SmsMessage.id.desc())
        ).first()
        return re.search(r"\[(\d{6})\]", message.body).group(1)
