"""Notices through the outbox: new 자동연결 device, PIN lock, expiry in 30 days (sent once)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.cloud.certificates import WrongPin, unlock_private_key
from app.cloud.devices import register_device
from app.extensions import db
from app.models import SmsMessage
from tests.support import subscriber_with_certificate


def notices_to(phone: str) -> list[str]:
    db.session.expire_all()
    query = db.select(SmsMessage).where(SmsMessage.to == phone, SmsMessage.purpose == "notice")
    return [message.body for message in db.session.scalars(query)]


def test_a_new_auto_connect_device_is_announced(app):
    subscriber, _certificate = subscriber_with_certificate()
    register_device(subscriber, "Mozilla/5.0 (Linux; Android 14) Chrome/156.0 Mobile", "DEMO_RP")
    db.session.commit()
    (notice,) = notices_to(subscriber.phone)
    assert "자동연결" in notice and "Chrome · Android" in notice


def test_a_lock_is_announced(app):
    subscriber, certificate = subscriber_with_certificate()
    for _ in range(5):
        with pytest.raises(WrongPin):
            unlock_private_key(certificate, "975310")
    assert any("잠겼습니다" in body for body in notices_to(subscriber.phone))


def test_expiry_notices_are_sent_once_however_often_the_command_runs(app, runner):
    soon, _ = subscriber_with_certificate(now=utcnow() - timedelta(days=3 * 365 - 20))
    later, _ = subscriber_with_certificate(name="김나중", phone="01099990000", birth="19800101")
    for _ in range(3):
        assert runner.invoke(args=["notices", "send"]).exit_code == 0
    assert len([body for body in notices_to(soon.phone) if "만료됩니다" in body]) == 1
    assert notices_to(later.phone) == []
