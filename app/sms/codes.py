"""휴대폰 점유인증: one-time codes sent by SMS (or read out by an ARS call), with the limits of
docs/design.md ("Rules"): 6 digits, valid 180 s, at most 5 tries, a resend only after 30 s, at
most 5 sends per number per hour (each a setting). Codes are stored as keyed hashes; the
limits are counted in the database, so they hold across processes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, update

from app import rules
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.keyed_hash import keyed_hash, matches
from app.models import SmsChallenge, SmsMessage
from app.sms.gateway import SmsDeliveryFailed, send_message

SERVICE_NAME = "금융인증서비스"


class SmsCodeError(ServiceError):
    """A code problem the user can act on; ``message`` is shown on the code field."""

    field = "code"
    code = "sms_code"
    message = "인증번호를 확인해주세요."


class SmsCodeWrong(SmsCodeError):
    def __init__(self, tries_left: int) -> None:
        super().__init__(f"인증번호가 일치하지 않습니다. (남은 입력 횟수 {tries_left}회)")
        self.tries_left = tries_left


class SmsCodeExpired(SmsCodeError):
    message = "인증번호 입력 시간이 지났습니다. 재전송을 눌러 새 인증번호를 받아주세요."


class SmsTooManyTries(SmsCodeError):
    def __init__(self) -> None:
        limit = rules.current().sms_max_tries
        super().__init__(f"인증번호를 {limit}회 잘못 입력했습니다. 재전송을 눌러 새 인증번호를 받아주세요.")


class SmsResendTooSoon(SmsCodeError):
    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(f"재전송은 {seconds}초 후에 할 수 있습니다.")
        self.seconds = seconds
        self.retry_after = seconds


class SmsSendLimit(SmsCodeError):
    status = 429

    def __init__(self) -> None:
        limit = rules.current().sms_max_sends_per_hour
        super().__init__(f"이 번호로 1시간에 보낼 수 있는 인증번호({limit}회)를 넘었습니다. 잠시 후 다시 시도해주세요.")


class SmsNotDelivered(SmsCodeError):
    status = 503
    retry_after = 5
    message = "문자 발송에 실패했습니다. 잠시 후 재전송을 눌러주세요."


def _config(name: str) -> int:
    return int(current_app.config[name])


def _code_hash(phone: str, code: str) -> str:
    return keyed_hash("sms-code", f"{phone}:{code}")


def _sends_in_last_hour(phone: str) -> int:
    since = utcnow() - timedelta(hours=1)
    query = db.select(func.count(SmsMessage.id)).where(
        SmsMessage.to == phone, SmsMessage.purpose == "code", SmsMessage.created_at >= since
    )
    return int(db.session.scalar(query) or 0)


def _deliver(phone: str, code: str, channel: str, sender: str) -> None:
    if _sends_in_last_hour(phone) >= _config("SMS_MAX_SENDS_PER_HOUR"):
        raise SmsSendLimit()
    if channel == "ars":
        body = f"[ARS 전화 · {sender}] 본인 확인 전화입니다. 인증번호는 {' '.join(code)} 입니다. 화면에 입력해주세요."
    else:
        body = f"[{sender}] 인증번호 [{code}]를 입력해주세요. 타인에게 절대 알려주지 마세요."
    try:
        send_message(phone, body, channel=channel, purpose="code")
    except SmsDeliveryFailed:
        raise SmsNotDelivered() from None


def send_code(phone: str, purpose: str, *, channel: str = "sms", sender: str = SERVICE_NAME) -> SmsChallenge:
    """Send a new code and return its challenge (added to the current transaction)."""
    code = f"{secrets.randbelow(10**6):06d}"
    _deliver(phone, code, channel, sender)
    now = utcnow()
    challenge = SmsChallenge(
        phone=phone,
        purpose=purpose,
        code_hash=_code_hash(phone, code),
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(seconds=_config("SMS_CODE_TTL")),
    )
    db.session.add(challenge)
    db.session.flush()
    return challenge


def seconds_until_resend(challenge: SmsChallenge) -> int:
    wait = challenge.sent_at + timedelta(seconds=_config("SMS_RESEND_AFTER")) - utcnow()
    return max(0, int(wait.total_seconds() + 0.999))


def resend_code(challenge: SmsChallenge, *, channel: str = "sms", sender: str = SERVICE_NAME) -> SmsChallenge:
    """A new code for the same challenge: the old one stops working, tries start again."""
    if challenge.verified_at is not None:
        return challenge
    wait = seconds_until_resend(challenge)
    if wait > 0:
        raise SmsResendTooSoon(wait)
    code = f"{secrets.randbelow(10**6):06d}"
    _deliver(challenge.phone, code, channel, sender)
    now = utcnow()
    challenge.code_hash = _code_hash(challenge.phone, code)
    challenge.sent_at = now
    challenge.expires_at = now + timedelta(seconds=_config("SMS_CODE_TTL"))
    challenge.tries = 0
    challenge.sends += 1
    db.session.flush()
    return challenge


def check_code(challenge: SmsChallenge, code: str) -> None:
    """Accept the right code once; count wrong ones atomically (commits a wrong try)."""
    limit = _config("SMS_MAX_TRIES")
    if challenge.verified_at is not None:
        return
    if challenge.tries >= limit:
        raise SmsTooManyTries()
    if challenge.expires_at <= utcnow():
        raise SmsCodeExpired()
    code = (code or "").strip()
    if matches("sms-code", f"{challenge.phone}:{code}", challenge.code_hash):
        challenge.verified_at = utcnow()
        db.session.flush()
        return
    tries = db.session.execute(
        update(SmsChallenge)
        .where(SmsChallenge.id == challenge.id)
        .values(tries=SmsChallenge.tries + 1)
        .returning(SmsChallenge.tries)
    ).scalar_one()
    db.session.commit()
    if tries >= limit:
        raise SmsTooManyTries()
    raise SmsCodeWrong(limit - tries)
