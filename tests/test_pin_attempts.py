"""Wrong PINs are counted per certificate, atomically; five in a row lock it."""

from __future__ import annotations

import threading

import pytest

from app.cloud.certificates import CertificateLocked, WrongPin, state_of, unlock_private_key
from app.extensions import db
from app.models import AuditEvent, Certificate
from tests.support import DEFAULT_PIN, subscriber_with_certificate


def _fresh(certificate_id: int) -> Certificate:
    db.session.expire_all()
    return db.session.get(Certificate, certificate_id)


def test_a_wrong_pin_counts_and_a_right_one_resets(app):
    _subscriber, certificate = subscriber_with_certificate()
    for expected in (1, 2, 3):
        with pytest.raises(WrongPin) as error:
            unlock_private_key(certificate, "999990")
        assert (error.value.failures, error.value.limit) == (expected, 5)
        assert f"{expected}/5" in error.value.message
    unlock_private_key(certificate, DEFAULT_PIN)
    assert _fresh(certificate.id).pin_failures == 0


def test_five_wrong_pins_lock_and_then_even_the_right_pin_is_refused(app):
    _subscriber, certificate = subscriber_with_certificate()
    for _ in range(4):
        with pytest.raises(WrongPin):
            unlock_private_key(certificate, "999990")
    with pytest.raises(WrongPin) as fifth:
        unlock_private_key(certificate, "999990")
    assert fifth.value.locked and "잠겼습니다" in fifth.value.message
    with pytest.raises(CertificateLocked):
        unlock_private_key(certificate, DEFAULT_PIN)
    assert state_of(_fresh(certificate.id)).label == "잠김"
    kinds = [event.kind for event in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert kinds.count("pin.failed") == 5 and kinds.count("certificate.locked") == 1


@pytest.mark.committed
def test_twenty_parallel_wrong_pins_count_exactly_five(app):
    _subscriber, certificate = subscriber_with_certificate()
    certificate_id = certificate.id
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def attempt() -> None:
        with app.app_context():
            mine = db.session.get(Certificate, certificate_id)
            db.session.commit()  # give the pooled connection back while waiting for the others
            start.wait(timeout=30)
            try:
                unlock_private_key(mine, "999990")
                outcomes.append("opened")
            except WrongPin:
                outcomes.append("wrong")
            except CertificateLocked:
                outcomes.append("locked")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("wrong") == 5
    assert outcomes.count("locked") == 15
    assert _fresh(certificate_id).pin_failures == 5
    assert state_of(_fresh(certificate_id)).label == "잠김"
    with pytest.raises(CertificateLocked):
        unlock_private_key(_fresh(certificate_id), DEFAULT_PIN)
