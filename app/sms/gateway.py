"""Sending a text message (or an ARS call script) to a phone.

Two gateways share one interface. ``OutboxGateway`` is the embedded default: it delivers
into the ``sms_messages`` table, which the dev outbox page and the tests read.
``HttpSmsGateway`` posts to a real provider configured by ``FINCERT_SMS_PROVIDER_*`` and
keeps only a redacted log line, because codes must not sit readable in the database.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from app.extensions import db
from app.models import SmsMessage


class SmsDeliveryFailed(Exception):
    """The provider refused the message or did not answer in time."""


@dataclass(frozen=True)
class ProviderSettings:
    url: str
    token: str
    sender: str
    timeout: float


class SmsGateway(Protocol):
    def send(self, to: str, body: str, channel: str, purpose: str, scope: str | None) -> SmsMessage: ...


class OutboxGateway:
    """Delivers into the outbox table (development and tests)."""

    name = "outbox"

    def send(self, to: str, body: str, channel: str, purpose: str, scope: str | None) -> SmsMessage:
        message = SmsMessage(
            to=to, body=body, channel=channel, purpose=purpose, scope=scope, gateway=self.name, status="sent"
        )
        db.session.add(message)
        db.session.flush()
        return message


_DIGIT_RUN = re.compile(r"\d{4,}")


class HttpSmsGateway:
    """Posts ``{"from", "to", "text", "channel"}`` as JSON with a bearer token to the provider."""

    name = "http"

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    def send(self, to: str, body: str, channel: str, purpose: str, scope: str | None) -> SmsMessage:
        payload = json.dumps(
            {"from": self.settings.sender, "to": to, "text": body, "channel": channel}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(
            self.settings.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.settings.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise SmsDeliveryFailed(str(error)) from error
        message = SmsMessage(
            to=to,
            body=_DIGIT_RUN.sub(lambda match: "*" * len(match.group()), body),
            channel=channel,
            purpose=purpose,
            scope=scope,
            gateway=self.name,
            status="sent",
            provider_id=str(answer.get("id", ""))[:64] or None,
        )
        db.session.add(message)
        db.session.flush()
        return message


def current_gateway() -> SmsGateway:
    """The gateway the configuration asks for."""
    config = current_app.config
    if config.get("SMS_PROVIDER_URL"):
        return HttpSmsGateway(
            ProviderSettings(
                url=config["SMS_PROVIDER_URL"],
                token=config["SMS_PROVIDER_TOKEN"],
                sender=config["SMS_PROVIDER_SENDER"],
                timeout=float(config["SMS_PROVIDER_TIMEOUT"]),
            )
        )
    return OutboxGateway()


def send_message(
    to: str, body: str, channel: str = "sms", purpose: str = "code", scope: str | None = None
) -> SmsMessage:
    """Send through the configured gateway; raises ``SmsDeliveryFailed``."""
    return current_gateway().send(to, body, channel, purpose, scope)


def outbox_for(phone: str, limit: int = 50) -> list[SmsMessage]:
    """The newest messages sent to one number (or to every number when ``phone`` is empty)."""
    query = db.select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
    if phone:
        query = query.where(SmsMessage.to == phone)
    return list(db.session.scalars(query))
