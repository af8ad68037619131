"""Notices to subscribers through the SMS/e-mail outbox: a new 자동연결 device, a PIN lock,
a certificate expiring in 30 days. Best effort: a failing gateway never breaks a login.

A notice is written in the language of the request that triggers it: English when an English
widget transaction registers a device or locks a certificate (``app.i18n``), else Korean."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app import locks, rules
from app.clock import utcnow
from app.extensions import db
from app.models import Certificate, SentNotice, SmsMessage, Subscriber
from app.sms.codes import SERVICE_NAME
from app.sms.gateway import SmsDeliveryFailed, send_message

EXPIRY_NOTICE_DAYS = 30


def _over_the_notice_limit(phone: str) -> bool:
    """Notices have a limit of their own, counted apart from a person's codes (under the number's lock)."""
    locks.hold(f"notice:{phone}")
    since = utcnow() - timedelta(hours=1)
    sent = db.session.scalar(
        db.select(func.count(SmsMessage.id)).where(
            SmsMessage.to == phone, SmsMessage.scope == "notice", SmsMessage.created_at >= since
        )
    )
    return int(sent or 0) >= int(current_app.config["NOTICE_MAX_PER_HOUR"])


def _send(subscriber: Subscriber, text: str) -> bool:
    if _over_the_notice_limit(subscriber.phone):
        current_app.logger.warning("notice to subscriber %s held back: hourly notice limit", subscriber.id)
        return False
    body = f"[{gettext(SERVICE_NAME)}] {text}"
    try:
        send_message(subscriber.phone, body, channel="sms", purpose="notice", scope="notice")
        if subscriber.email:
            send_message(subscriber.email, body, channel="email", purpose="notice", scope="notice")
    except SmsDeliveryFailed:
        current_app.logger.warning("notice to subscriber %s not delivered", subscriber.id)
        return False
    return True


def notify_new_device(subscriber: Subscriber, device_label: str) -> None:
    _send(
        subscriber,
        gettext(
            "새 기기(%(device)s)에 자동연결이 설정되었습니다. 본인이 아니면 인증서 관리에서 연결 해제하세요.",
            device=device_label,
        ),
    )


def notify_locked(subscriber: Subscriber, bank_name: str) -> None:
    _send(
        subscriber,
        gettext(
            "비밀번호 %(limit)d회 오류로 %(bank)s 금융인증서가 잠겼습니다. 발급 은행에서 재발급받아주세요.",
            limit=rules.current().pin_max_failures,
            bank=bank_name,
        ),
    )


def _already_sent(kind: str, key: str) -> bool:
    return (
        db.session.scalars(
            db.select(SentNotice.id).where(SentNotice.kind == kind, SentNotice.subject_key == key)
        ).first()
        is not None
    )


def send_expiry_notices(now: datetime | None = None) -> int:
    """Tell each subscriber once about each active certificate expiring within 30 days."""
    now = now or utcnow()
    due = db.session.scalars(
        db.select(Certificate).where(
            Certificate.status == "active",
            Certificate.not_after > now,
            Certificate.not_after <= now + timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    ).all()
    sent = 0
    for certificate in due:
        if _already_sent("expiry-30d", certificate.serial):
            continue
        days = (certificate.not_after - now).days
        text = (
            f"{certificate.bank.name} 금융인증서가 {certificate.not_after:%Y.%m.%d}에 만료됩니다({days}일 남음). "
            "금융인증서로 로그인하면 바로 갱신할 수 있습니다."
        )
        # Claim the notice first: the unique key makes a concurrent run fail here, not send twice.
        try:
            db.session.add(SentNotice(kind="expiry-30d", subject_key=certificate.serial))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        if not _send(certificate.subscriber, text):
            db.session.rollback()
            continue
        db.session.commit()
        sent += 1
    return sent
