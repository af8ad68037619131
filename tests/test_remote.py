"""The rotating QR code of 휴대폰으로 인증: fresh codes work once, old or forged ones never."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.extensions import db
from app.rp.clients import DEMO_ORG_CODE
from app.widget import remote, rotating_qr
from app.widget.steps import Flow
from app.widget.transactions import open_transaction


@pytest.fixture
def pc_transaction(app, monkeypatch):
    """A PC waiting with its QR code, on a clock that only the test moves."""
    from app.models import RpClient

    frozen = utcnow()
    monkeypatch.setattr(remote, "utcnow", lambda: frozen)
    monkeypatch.setattr(rotating_qr, "utcnow", lambda: frozen)

    with app.test_request_context():
        transaction = open_transaction(
            Flow.SIGN,
            "pc-browser",
            client=db.session.get(RpClient, DEMO_ORG_CODE),
            origin="http://localhost:5000",
            sign_type="01",
            plain_texts=["로그인"],
            nonce="n" * 20,
        )
        transaction.step = "identify"
        remote.start_on_phone(transaction)
        yield transaction


def code_in(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_the_code_rotates_and_the_previous_one_still_works(pc_transaction):
    first = rotating_qr.qr_url(pc_transaction)
    later = rotating_qr.qr_url(pc_transaction, utcnow() + timedelta(seconds=rotating_qr.ROTATE_SECONDS))
    assert first != later
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS)  # one slot has passed
    phone = remote.claim(pc_transaction.id, code_in(first), "phone-browser")
    assert phone.parent_id == pc_transaction.id and phone.pair_code == pc_transaction.pair_code


def test_an_old_code_is_refused(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    pc_transaction.qr_started_at -= timedelta(seconds=rotating_qr.ROTATE_SECONDS * 3)
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, code_in(url), "phone-browser")


@pytest.mark.parametrize("forged", ["0.000000000000000000000000", "x.y", "", "99999.abc"])
def test_a_forged_code_is_refused(pc_transaction, forged):
    with pytest.raises(remote.QrExpired):
        remote.claim(pc_transaction.id, forged, "phone-browser")


def test_a_code_claims_the_request_once(pc_transaction):
    url = rotating_qr.qr_url(pc_transaction)
    remote.claim(pc_transaction.id, code_in(url), "phone-browser")
    with pytest.raises(remote.QrUsed):
        remote.claim(pc_transaction.id, code_in(url), "another-phone")
