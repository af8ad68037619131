"""휴대폰 점유인증 codes: limits per purpose, and limits that hold under parallel requests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import SmsChallenge, SmsMessage
from app.notices import notify_new_device
from app.sms import codes
from app.sms.codes import (
    SmsCodeWrong,
    SmsResendTooSoon,
    SmsSendLimit,
    SmsTooManyTries,
    check_code,
    resend_code,
    send_code,
)
from tests.support import run_in_parallel, subscriber_with_certificate

PHONE = "01012345678"


def sent(phone: str = PHONE, scope: str | None = None) -> int:
    db.session.expire_all()
    query = db.select(SmsMessage).where(SmsMessage.to == phone, SmsMessage.purpose == "code")
    if scope:
        query = query.where(SmsMessage.scope == scope)
    return len(db.session.scalars(query).all())


def test_each_purpose_has_its_own_hourly_limit(app):
    for _ in range(5):
        send_code(PHONE, "bank")
    with pytest.raises(SmsSendLimit) as refused:
        send_code(PHONE, "bank")
    assert "분 후 다시 시도해주세요" in refused.value.message and refused.value.status == 429
    assert refused.value.retry_after is not None and 3500 <= refused.value.retry_after <= 3601
    # Issuing at a bank used its own codes: stage 2 and the next login still get theirs.
    for _ in range(5):
        send_code(PHONE, "issue")
    send_code(PHONE, "login")
    assert (sent(scope="bank"), sent(scope="issue"), sent(scope="login")) == (5, 5, 1)


def test_the_wait_is_counted_from_the_oldest_code_of_the_hour(app, monkeypatch):
    start = codes.utcnow()
    clock = {"now": start}
    monkeypatch.setattr(codes, "utcnow", lambda: clock["now"])
    for minute in range(5):
        clock["now"] = start + timedelta(minutes=minute * 10)
        send_code(PHONE, "login")
    db.session.flush()
    clock["now"] = start + timedelta(minutes=45, seconds=30)  # the first code went at `start`
    with pytest.raises(SmsSendLimit) as refused:
        send_code(PHONE, "login")
    assert "15분 후 다시 시도해주세요" in refused.value.message


def test_notices_are_not_counted_against_a_persons_codes(app):
    subscriber, _certificate = subscriber_with_certificate(phone=PHONE)
    for _ in range(7):
        notify_new_device(subscriber, "Chrome · Android")
    for _ in range(5):
        send_code(PHONE, "login")
    assert sent(scope="login") == 5


def test_notices_have_a_limit_of_their_own(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTICE_MAX_PER_HOUR", 3)
    subscriber, _certificate = subscriber_with_certificate(phone=PHONE)
    for _ in range(5):
        notify_new_device(subscriber, "Chrome · Android")
    db.session.flush()
    notices = db.session.scalars(db.select(SmsMessage).where(SmsMessage.to == PHONE, SmsMessage.scope == "notice"))
    assert len(notices.all()) == 3


def test_a_right_code_after_wrong_ones_is_accepted_within_the_tries(app):
    challenge = send_code(PHONE, "login")
    code = latest_code()
    with pytest.raises(SmsCodeWrong) as wrong:
        check_code(challenge, "000000" if code != "000000" else "111111")
    assert wrong.value.tries_left == 4
    check_code(challenge, code)
    assert challenge.verified_at is not None


def latest_code(phone: str = PHONE) -> str:
    import re

    message = db.session.scalars(
        db.select(SmsMessage).where(SmsMessage.to == phone).order_by(SmsMessage.id.desc())
    ).first()
    return re.search(r"\[(\d{6})\]", message.body).group(1)


@pytest.mark.committed
def test_forty_parallel_wrong_guesses_compare_at_most_five(app):
    challenge = send_code(PHONE, "login")
    db.session.commit()
    challenge_id = challenge.id
    right = latest_code()
    wrong = "000000" if right != "000000" else "111111"

    def guess() -> str:
        mine = db.session.get(SmsChallenge, challenge_id)
        try:
            check_code(mine, wrong)
        except SmsCodeWrong:
            return "compared"
        except SmsTooManyTries:
            return "refused"
        return "accepted"

    outcomes = run_in_parallel(app, 40, guess)
    # The fifth reserved try is compared too, and says the tries are used up.
    assert outcomes.count("compared") + outcomes.count("refused") == 40
    assert outcomes.count("compared") == 4
    db.session.expire_all()
    assert db.session.get(SmsChallenge, challenge_id).tries == 5
    with pytest.raises(SmsTooManyTries):
        check_code(db.session.get(SmsChallenge, challenge_id), right)


@pytest.mark.committed
def test_twenty_five_parallel_sends_deliver_at_most_the_limit(app):
    def send() -> str:
        try:
            send_code(PHONE, "login")
            db.session.commit()
            return "sent"
        except SmsSendLimit:
            db.session.rollback()
            return "refused"

    outcomes = run_in_parallel(app, 25, send)
    assert outcomes.count("sent") == 5 and outcomes.count("refused") == 20
    assert sent(scope="login") == 5


@pytest.mark.committed
def test_parallel_resends_send_one_code(app, monkeypatch):
    challenge = send_code(PHONE, "login")
    challenge.sent_at -= timedelta(seconds=31)
    db.session.commit()
    challenge_id = challenge.id

    def resend() -> str:
        try:
            resend_code(db.session.get(SmsChallenge, challenge_id))
            db.session.commit()
            return "sent"
        except SmsResendTooSoon:
            db.session.rollback()
            return "too soon"

    outcomes = run_in_parallel(app, 6, resend)
    assert outcomes.count("sent") == 1 and outcomes.count("too soon") == 5
    assert sent(scope="login") == 2
