"""``flask purge``: what has expired goes, what is live stays, and nothing else is touched."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app.bankdemo import application as stage1
from app.banks import get_bank
from app.clock import utcnow
from app.cloud.devices import register_device
from app.extensions import db
from app.models import (
    AuditEvent,
    Certificate,
    DemoBankApplication,
    DemoBankCustomer,
    Device,
    IssuanceOrder,
    RateLimitCounter,
    RpClient,
    RpNonce,
    SentNotice,
    SmsChallenge,
    SmsMessage,
    Subscriber,
    WidgetTransaction,
)
from app.personal_info import parse_birth_date
from app.purge import GRACE, purge_expired
from app.ra.orders import place_order
from app.rp.clients import DEMO_ORG_CODE, bind_nonce, issue_nonce
from app.sms.codes import send_code
from app.widget.steps import Flow
from app.widget.transactions import open_transaction
from tests.support import subscriber_with_certificate

LONG_AGO = GRACE + timedelta(hours=1)  # expired, and past the grace period
JUST_NOW = timedelta(minutes=5)  # expired, but within it


def expired(row, ago: timedelta, field: str = "expires_at"):
    setattr(row, field, utcnow() - ago)
    db.session.commit()
    return row


def demo_rp() -> RpClient:
    return db.session.get(RpClient, DEMO_ORG_CODE)


def transaction(ago: timedelta | None = None, **options) -> WidgetTransaction:
    opened = open_transaction(Flow.MANAGE, "browser", **options)
    return expired(opened, ago) if ago else opened


def challenge(ago: timedelta | None = None) -> SmsChallenge:
    sent = send_code("01012345678", "login")
    db.session.commit()
    return expired(sent, ago) if ago else sent


def nonce(ago: timedelta | None = None) -> RpNonce:
    issued = issue_nonce(demo_rp())
    return expired(issued, ago) if ago else issued


def application(ago: timedelta | None = None) -> DemoBankApplication:
    started = stage1.start(get_bank("004"), "browser")
    return expired(started, ago) if ago else started


def counter(window_start: int) -> None:
    db.session.add(RateLimitCounter(key=f"sms-send-ip:test-{window_start}", window_start=window_start, count=3))
    db.session.commit()


def ids(model) -> set:
    db.session.expire_all()
    key = model.__mapper__.primary_key[0]
    return set(db.session.scalars(db.select(key)))


def test_purge_deletes_what_expired_long_ago_and_keeps_what_is_live_or_just_expired(runner):
    old = {
        "tx": transaction(LONG_AGO).id,
        "sms": challenge(LONG_AGO).id,
        "nonce": nonce(LONG_AGO).id,
        "app": application(LONG_AGO).id,
    }
    kept = {
        "tx": {transaction().id, transaction(JUST_NOW).id},
        "sms": {challenge().id, challenge(JUST_NOW).id},
        "nonce": {nonce().id, nonce(JUST_NOW).id},
        "app": {application().id, application(JUST_NOW).id},
    }
    now = int(time.time())
    counter(now - 2 * 86400)
    counter(now - 600)

    purged = runner.invoke(args=["purge"])

    assert purged.exit_code == 0, purged.output
    assert "widget transactions: 1" in purged.output and "rate-limit counters: 1" in purged.output
    assert old["tx"] not in ids(WidgetTransaction) and kept["tx"] <= ids(WidgetTransaction)
    assert old["sms"] not in ids(SmsChallenge) and kept["sms"] <= ids(SmsChallenge)
    assert old["nonce"] not in ids(RpNonce) and kept["nonce"] <= ids(RpNonce)
    assert old["app"] not in ids(DemoBankApplication) and kept["app"] <= ids(DemoBankApplication)
    assert {row.window_start for row in db.session.scalars(db.select(RateLimitCounter))} == {now - 600}


def test_purge_touches_nothing_else(app):
    subscriber, certificate = subscriber_with_certificate()
    device, _token = register_device(subscriber, "Mozilla/5.0 (Windows NT 10.0) Chrome/130", "")
    expired(device, timedelta(days=800), "last_used_at")  # even a long-unused registration
    placed, _code = place_order(
        get_bank("004"),
        name="홍길동",
        phone="01012345678",
        birth_date=parse_birth_date("19900101"),
        email=None,
        kind="issue",
    )
    expired(placed, timedelta(days=30))  # even an expired order
    db.session.add(SentNotice(kind="expiry", subject_key=certificate.serial))
    db.session.commit()
    tables = (Subscriber, Certificate, Device, IssuanceOrder, AuditEvent, SmsMessage, SentNotice, RpClient)
    before = {model.__tablename__: ids(model) for model in tables}
    assert all(before.values())

    purge_expired()

    assert {model.__tablename__: ids(model) for model in tables} == before


def test_rows_a_live_row_points_at_stay(app):
    """A transaction that outlives its SMS code or its nonce keeps them; a PC's transaction stays
    while its phone's does."""
    code = challenge(LONG_AGO)
    kept_nonce = nonce(LONG_AGO)
    live = transaction()
    live.sms_challenge_id = code.id
    kept_nonce.transaction_id = live.id
    pc = transaction(LONG_AGO)
    phone = transaction(timedelta(0))  # expired just now
    phone.parent_id = pc.id
    customer = db.session.scalars(db.select(DemoBankCustomer)).first()
    enrolling = challenge(LONG_AGO)
    customer.otp_enrollment_challenge_id = enrolling.id
    db.session.commit()

    counts = purge_expired()

    assert counts["SMS challenges"] == 0 and counts["RP nonces"] == 0 and counts["widget transactions"] == 0
    assert {code.id, enrolling.id} <= ids(SmsChallenge)
    assert {pc.id, phone.id, live.id} <= ids(WidgetTransaction)


def test_a_phone_and_its_pc_go_together(app):
    pc = transaction(LONG_AGO)
    phone = transaction(LONG_AGO)
    phone.parent_id = pc.id
    db.session.commit()
    assert purge_expired()["widget transactions"] == 2


def test_a_finished_bank_application_stays_while_its_order_can_be_redeemed(app):
    placed, _code = place_order(
        get_bank("004"),
        name="홍길동",
        phone="01012345678",
        birth_date=parse_birth_date("19900101"),
        email=None,
        kind="issue",
    )
    finished = application(LONG_AGO)
    finished.status, finished.ref_num = "done", placed.ref_num
    db.session.commit()
    assert purge_expired()["bank applications"] == 0
    expired(placed, LONG_AGO)
    assert purge_expired()["bank applications"] == 1


def test_a_nonce_of_a_live_transaction_can_still_be_verified_after_purge(app):
    rp = demo_rp()
    live = open_transaction(Flow.MANAGE, "browser")
    own = bind_nonce(rp, "rp-own-nonce-0123456789", live.id)
    record = db.session.scalars(db.select(RpNonce).where(RpNonce.nonce == own)).one()
    expired(record, LONG_AGO)
    purge_expired()
    assert record.id in ids(RpNonce)


@pytest.mark.committed
def test_purge_twice_deletes_nothing_more(app):
    transaction(LONG_AGO)
    assert purge_expired()["widget transactions"] == 1
    assert set(purge_expired().values()) == {0}
