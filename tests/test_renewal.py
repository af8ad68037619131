"""Renewal: a new key and certificate under the same PIN; nothing lost if it fails midway."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.cloud import certificates as cloud
from app.cloud.certificates import certificates_of, renew_certificate, renewal_due, unlock_private_key
from app.extensions import db
from app.models import Certificate
from tests.support import DEFAULT_PIN, subscriber_with_certificate

NEAR_THE_END = {"now": utcnow() - timedelta(days=3 * 365 - 60)}


def test_renewal_is_due_only_in_the_last_90_days(app):
    _s, fresh = subscriber_with_certificate()
    _t, old = subscriber_with_certificate(name="김갱신", phone="01011112222", birth="19800101", **NEAR_THE_END)
    assert not renewal_due(fresh) and renewal_due(old)


def test_renewal_keeps_the_pin_and_revokes_the_old_certificate(app):
    subscriber, old = subscriber_with_certificate(**NEAR_THE_END)
    old.favourite = True
    db.session.commit()
    renewed = renew_certificate(old, DEFAULT_PIN)
    db.session.refresh(old)
    assert old.status == "revoked" and old.revocation_reason == "superseded"
    assert renewed.favourite and renewed.serial != old.serial
    assert unlock_private_key(renewed, DEFAULT_PIN)
    assert [c.id for c in certificates_of(subscriber)] == [renewed.id]


def test_a_failure_midway_leaves_the_old_certificate_untouched_and_retry_works(app, monkeypatch):
    subscriber, old = subscriber_with_certificate(**NEAR_THE_END)
    real_publish = cloud.publish_crl

    def broken_publish(*args, **kwargs):
        raise RuntimeError("disk full while publishing the CRL")

    monkeypatch.setattr(cloud, "publish_crl", broken_publish)
    with pytest.raises(RuntimeError):
        renew_certificate(old, DEFAULT_PIN)
    db.session.expire_all()
    assert db.session.get(Certificate, old.id).status == "active"
    assert db.session.query(Certificate).count() == 1

    monkeypatch.setattr(cloud, "publish_crl", real_publish)
    renewed = renew_certificate(db.session.get(Certificate, old.id), DEFAULT_PIN)
    assert renewed.status == "active" and db.session.query(Certificate).count() == 2


def test_pin_change_reseals_the_key(app):
    from app.cloud.certificates import change_pin
    from app.cloud.pin_rules import PinRuleViolation

    _subscriber, certificate = subscriber_with_certificate()
    with pytest.raises(PinRuleViolation):
        change_pin(certificate, DEFAULT_PIN, "111111")
    change_pin(certificate, DEFAULT_PIN, "135792")
    assert unlock_private_key(certificate, "135792")
    with pytest.raises(cloud.WrongPin):
        unlock_private_key(certificate, DEFAULT_PIN)
