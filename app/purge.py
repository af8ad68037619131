"""``flask purge``: delete what has expired — widget transactions, SMS challenges, RP nonces, the
demo banks' applications and old rate-limit counters — and nothing else.

Certificates, subscribers, 자동연결 devices, RA orders, the audit trail, sent messages and
notices, CRLs and relying parties are never touched here. A row goes only once it has been
expired for ``GRACE``: a reload just after expiry still hears "요청 시간이 지났습니다" instead of
"찾을 수 없습니다", and an RP can still verify a result it received just before. A row that a
live row still points at (a challenge of a transaction, a nonce of a transaction) stays.
Run it from cron (README, "Running it for real"); running it twice, or from two hosts at once,
deletes nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_
from sqlalchemy.orm import aliased

from app.clock import utcnow
from app.extensions import db
from app.models import (
    DemoBankApplication,
    DemoBankCustomer,
    IssuanceOrder,
    RateLimitCounter,
    RpNonce,
    SmsChallenge,
    WidgetTransaction,
)
from app.ratelimit import LIMITS, rule_for

GRACE = timedelta(days=1)
COUNTER_KEEP = timedelta(days=1)  # at least; longer when a configured window is longer


def _transactions(cutoff: datetime) -> int:
    expired = WidgetTransaction.expires_at <= cutoff
    # A phone's transaction points at its PC's (parent_id): the phones go first, and a PC's
    # stays while a phone of it is still there.
    phones = db.session.execute(delete(WidgetTransaction).where(expired, WidgetTransaction.parent_id.is_not(None)))
    child = aliased(WidgetTransaction)
    others = db.session.execute(
        delete(WidgetTransaction).where(expired, ~exists().where(child.parent_id == WidgetTransaction.id))
    )
    return phones.rowcount + others.rowcount


def _bank_applications(cutoff: datetime) -> int:
    # A finished application shows the 참조번호 and 인가코드 until its order can no longer be
    # redeemed (used, or past the order's own expiry); an unfinished one lives 30 minutes unused.
    order_over = exists().where(
        IssuanceOrder.ref_num == DemoBankApplication.ref_num,
        or_(IssuanceOrder.expires_at <= cutoff, IssuanceOrder.redeemed_at <= cutoff),
    )
    no_order = ~exists().where(IssuanceOrder.ref_num == DemoBankApplication.ref_num)
    expired = DemoBankApplication.expires_at <= cutoff
    finished_over = (DemoBankApplication.status == "done") & (order_over | (no_order & expired))
    unfinished_over = (DemoBankApplication.status != "done") & expired
    return db.session.execute(delete(DemoBankApplication).where(finished_over | unfinished_over)).rowcount


def _sms_challenges(cutoff: datetime) -> int:
    still_used = or_(
        exists().where(WidgetTransaction.sms_challenge_id == SmsChallenge.id),
        exists().where(DemoBankApplication.sms_challenge_id == SmsChallenge.id),
        exists().where(DemoBankCustomer.otp_enrollment_challenge_id == SmsChallenge.id),
    )
    return db.session.execute(delete(SmsChallenge).where(SmsChallenge.expires_at <= cutoff, ~still_used)).rowcount


def _rp_nonces(cutoff: datetime) -> int:
    bound_to_a_live_transaction = exists().where(WidgetTransaction.id == RpNonce.transaction_id)
    return db.session.execute(
        delete(RpNonce).where(RpNonce.expires_at <= cutoff, ~bound_to_a_live_transaction)
    ).rowcount


def _rate_counters(now: datetime) -> int:
    names = set(LIMITS) | set(current_app.config.get("RATE_LIMIT_OVERRIDES", {}))
    longest = max([COUNTER_KEEP.total_seconds(), *(rule_for(name).window for name in names if name in LIMITS)])
    oldest_kept = int(now.replace(tzinfo=UTC).timestamp() - longest)
    return db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.window_start < oldest_kept)).rowcount


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Delete what expired more than ``GRACE`` ago, in one database transaction; returns how
    many rows of each kind went."""
    now = now or utcnow()
    cutoff = now - GRACE
    counts = {
        "widget transactions": _transactions(cutoff),
        "bank applications": _bank_applications(cutoff),
        "SMS challenges": _sms_challenges(cutoff),  # after the rows that point at them
        "RP nonces": _rp_nonces(cutoff),
        "rate-limit counters": _rate_counters(now),
    }
    db.session.commit()
    return counts
