"""휴대폰 점유인증: one-time codes sent by SMS (or read out by an ARS call), with the limits of
docs/design.md ("Rules"): 6 digits, valid 180 s, at most 5 tries, a resend only after 30 s, at
most 5 sends per number per hour — each a setting.

The hourly limit is counted per number *and per scope*: a bank's 추가인증 (``bank``), stage 2
of an issuance (``issue``) and the widget's login (``login``) each have their own, so that
issuing at two banks does not use up the codes of the next login. Limits hold under parallel
requests: a send takes the number's lock (``app.locks``) before it counts, a resend re-checks
the spacing under the same lock, and a try is reserved with one conditional UPDATE before the
code is compared.

A code's SMS is in the language it is asked for (``lang``: a widget transaction's); the banks'
codes are Korean.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, update

from app import locks, rules
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.i18n import KOREAN, N_, text_in
from app.keyed_hash import keyed_hash, matches
from app.models import SmsChallenge, SmsMessage
from app.sms.gateway import SmsDeliveryFailed, send_message

SERVICE_NAME = N_("금융인증서비스")
SCOPES = ("login", "issue", "bank")
HOUR = timedelta(hours=1)


class SmsCodeError(ServiceError):
    """A code problem the user can act on; ``message`` is shown on the code field."""

    field = "code"
    code = "sms_code"
    message = N_("인증번호를 확인해주세요.")


class SmsCodeWrong(SmsCodeError):
    def __init__(self, tries_left: int) -> None:
        super().__init__(
            N_("인증번호가 일치하지 않습니다. (남은 입력 횟수 %(tries_left)d회)"), params={"tries_left": tries_left}
        )
        self.tries_left = tries_left


class SmsCodeExpired(SmsCodeError):
    message = N_("인증번호 입력 시간이 지났습니다. 재전송을 눌러 새 인증번호를 받아주세요.")


class SmsTooManyTries(SmsCodeError):
    def __init__(self) -> None:
        super().__init__(
            N_("인증번호를 %(limit)d회 잘못 입력했습니다. 재전송을 눌러 새 인증번호를 받아주세요."),
            params={"limit": rules.current().sms_max_tries},
        )


class SmsResendTooSoon(SmsCodeError):
    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(N_("재전송은 %(seconds)d초 후에 할 수 있습니다."), params={"seconds": seconds})
        self.seconds = seconds
        self.retry_after = seconds


class SmsSendLimit(SmsCodeError):
    """Too many codes to this number for this purpose within an hour; says how long to wait."""

    status = 429
    field = "phone"

    def __init__(self, wait: timedelta) -> None:
        super().__init__(
            N_(
                "이 번호로 1시간에 보낼 수 있는 인증번호(%(limit)d회)를 모두 보냈습니다. "
                "%(minutes)d분 후 다시 시도해주세요."
            ),
            params={
                "limit": rules.current().sms_max_sends_per_hour,
                "minutes": max(1, math.ceil(wait.total_seconds() / 60)),
            },
        )
        self.retry_after = int(wait.total_seconds()) + 1


class SmsNotDelivered(SmsCodeError):
    status = 503
    retry_after = 5
    message = N_("문자 발송에 실패했습니다. 잠시 후 재전송을 눌러주세요.")


def _code_hash(phone: str, code: str) -> str:
    return keyed_hash("sms-code", f"{phone}:{code}")


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _sends_since(phone: str, scope: str, since: datetime) -> tuple[int, datetime | None]:
    """How many codes went to ``phone`` for ``scope`` since ``since``, and the oldest of them."""
    query = db.select(func.count(SmsMessage.id), func.min(SmsMessage.created_at)).where(
        SmsMessage.to == phone, SmsMessage.purpose == "code", SmsMessage.scope == scope, SmsMessage.created_at >= since
    )
    count, oldest = db.session.execute(query).one()
    return int(count or 0), oldest


def _deliver(phone: str, code: str, scope: str, channel: str, sender: str, lang: str) -> None:
    """Count, then send, under the number's lock (held until the caller's commit)."""
    locks.hold(f"sms:{phone}:{scope}")
    now = utcnow()
    count, oldest = _sends_since(phone, scope, now - HOUR)
    if count >= rules.current().sms_max_sends_per_hour:
        raise SmsSendLimit((oldest or now) + HOUR - now)
    sender = text_in(lang, sender)  # the service's own name; a bank's stays as it is
    if channel == "ars":
        body = text_in(
            lang,
            N_("[ARS 전화 · %(sender)s] 본인 확인 전화입니다. 인증번호는 %(spoken)s 입니다. 화면에 입력해주세요."),
            sender=sender,
            spoken=" ".join(code),
        )
    else:
        body = text_in(
            lang,
            N_("[%(sender)s] 인증번호 [%(code)s]를 입력해주세요. 타인에게 절대 알려주지 마세요."),
            sender=sender,
            code=code,
        )
    try:
        send_message(phone, body, channel=channel, purpose="code", scope=scope)
    except SmsDeliveryFailed:
        raise SmsNotDelivered() from None


def send_code(
    phone: str, scope: str, *, channel: str = "sms", sender: str = SERVICE_NAME, lang: str = KOREAN
) -> SmsChallenge:
    """Send a new code and return its challenge (added to the current transaction)."""
    assert scope in SCOPES, scope
    code = _new_code()
    _deliver(phone, code, scope, channel, sender, lang)
    now = utcnow()
    challenge = SmsChallenge(
        phone=phone,
        purpose=scope,
        code_hash=_code_hash(phone, code),
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(seconds=rules.current().sms_code_ttl),
    )
    db.session.add(challenge)
    db.session.flush()
    return challenge


def resend_at(challenge: SmsChallenge) -> datetime:
    """When 재전송 becomes possible."""
    return challenge.sent_at + timedelta(seconds=rules.current().sms_resend_after)


def seconds_until_resend(challenge: SmsChallenge) -> int:
    wait = challenge.sent_at + timedelta(seconds=rules.current().sms_resend_after) - utcnow()
    return max(0, int(wait.total_seconds() + 0.999))


def resend_code(
    challenge: SmsChallenge, *, channel: str = "sms", sender: str = SERVICE_NAME, lang: str = KOREAN
) -> SmsChallenge:
    """A new code for the same challenge: the old one stops working, tries start again."""
    if challenge.verified_at is not None:
        return challenge
    # The lock first, then a fresh look: of two parallel resends the second sees the first's.
    locks.hold(f"sms:{challenge.phone}:{challenge.purpose}")
    db.session.refresh(challenge)
    wait = seconds_until_resend(challenge)
    if wait > 0:
        raise SmsResendTooSoon(wait)
    code = _new_code()
    _deliver(challenge.phone, code, challenge.purpose, channel, sender, lang)
    now = utcnow()
    challenge.code_hash = _code_hash(challenge.phone, code)
    challenge.sent_at = now
    challenge.expires_at = now + timedelta(seconds=rules.current().sms_code_ttl)
    challenge.tries = 0
    challenge.sends += 1
    db.session.flush()
    return challenge


def check_code(challenge: SmsChallenge, code: str) -> None:
    """Accept the right code once. Each try is reserved (and committed) before the comparison,
    so parallel guesses cannot compare more codes than the limit allows."""
    if challenge.verified_at is not None:
        return
    if challenge.expires_at <= utcnow():
        raise SmsCodeExpired()
    limit = rules.current().sms_max_tries
    tries = db.session.execute(
        update(SmsChallenge)
        .where(SmsChallenge.id == challenge.id, SmsChallenge.tries < limit, SmsChallenge.verified_at.is_(None))
        .values(tries=SmsChallenge.tries + 1)
        .returning(SmsChallenge.tries)
    ).scalar_one_or_none()
    db.session.commit()
    if tries is None:
        db.session.refresh(challenge)
        if challenge.verified_at is not None:
            return
        raise SmsTooManyTries()
    if matches("sms-code", f"{challenge.phone}:{(code or '').strip()}", challenge.code_hash):
        challenge.verified_at = utcnow()
        db.session.flush()
        return
    if tries >= limit:
        raise SmsTooManyTries()
    raise SmsCodeWrong(limit - tries)
