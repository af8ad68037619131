"""The audit trail: every issuance, revocation, PIN failure, lock and signature; append-only."""

from __future__ import annotations

import json

import pytest

from app.audit import AuditIsAppendOnly
from app.cloud.certificates import WrongPin, revoke, sign_with_pin, unlock_private_key
from app.extensions import db
from app.models import AuditEvent
from tests.support import DEFAULT_PIN, subscriber_with_certificate


def kinds() -> list[str]:
    return [event.kind for event in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_the_life_of_a_certificate_is_audited(app):
    _subscriber, certificate = subscriber_with_certificate()
    sign_with_pin(certificate, DEFAULT_PIN, [b"x"])
    for _ in range(5):
        with pytest.raises(WrongPin):
            unlock_private_key(certificate, "999990")
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    recorded = kinds()
    for kind in (
        "cloud.joined",
        "certificate.issued",
        "signature.created",
        "pin.failed",
        "certificate.locked",
        "certificate.revoked",
    ):
        assert kind in recorded


def test_no_pin_or_key_material_is_written(app):
    _subscriber, certificate = subscriber_with_certificate()
    with pytest.raises(WrongPin):
        unlock_private_key(certificate, "975319")
    for event in db.session.scalars(db.select(AuditEvent)):
        text = json.dumps(event.detail, ensure_ascii=False)
        assert "975319" not in text and DEFAULT_PIN not in text and "PRIVATE" not in text


def test_events_cannot_be_changed_or_deleted(app):
    subscriber_with_certificate()
    event = db.session.scalars(db.select(AuditEvent)).first()
    event.kind = "nothing.happened"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(db.select(AuditEvent)).first())
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
