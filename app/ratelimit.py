"""Rate limits shared by all app processes: fixed windows counted in the database.

Each check is one atomic upsert (``INSERT … ON CONFLICT DO UPDATE SET count = count + 1
RETURNING count``) on SQLite and PostgreSQL alike, committed at once. Over the limit, the
request gets a 429 with a Korean message and ``Retry-After``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from app.errors import N_, ServiceError
from app.extensions import db
from app.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    limit: int
    window: int  # seconds


LIMITS = {
    "sms-send-ip": Limit(30, 600),  # codes sent (SMS or ARS), per client address
    "sms-check-ip": Limit(60, 600),  # codes checked
    "keypad-ip": Limit(600, 600),  # PIN entries (one post with JavaScript) and keypad presses (without)
    "bank-answer-ip": Limit(60, 600),  # answers to a bank's identity and media checks
    "widget-create-ip": Limit(120, 600),  # widget transactions opened (SDK, 인증서 관리, stage 2 codes)
    # Transactions the SDK opens for one RP (its key is public), whatever the addresses: sized well
    # above a large RP's peak (100 logins a second is 6,000 a minute), to stop a flood, not traffic.
    "widget-create-rp": Limit(30000, 60),
    "ra-api-ip": Limit(300, 60),
    "ra-api-bank": Limit(120, 60),
    "rp-api-ip": Limit(60, 60),  # RP API calls with a wrong secret (right ones are not counted)
    "testbed-ip": Limit(300, 60),
}


class RateLimited(ServiceError):
    """429 with the seconds until the window resets."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            N_("요청이 너무 많습니다. %(seconds)d초 후에 다시 시도해주세요."), params={"seconds": retry_after}
        )
        self.retry_after = retry_after


def client_address() -> str:
    """The client's address (behind ``FINCERT_TRUSTED_PROXIES`` proxies, ProxyFix has set it)."""
    return request.remote_addr or "unknown"


def _upsert(key: str, window_start: int):
    dialect = db.engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RateLimitCounter).values(key=key, window_start=window_start, count=1)
    return statement.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateLimitCounter.count + 1}
    ).returning(RateLimitCounter.count)


def rule_for(name: str) -> Limit:
    """The limit in force: an override (``Limit`` or "count/seconds") or the default."""
    override = current_app.config.get("RATE_LIMIT_OVERRIDES", {}).get(name)
    if isinstance(override, Limit):
        return override
    if isinstance(override, str) and "/" in override:
        count, seconds = override.split("/", 1)
        return Limit(int(count), int(seconds))
    return LIMITS[name]


def check(name: str, key: str | None = None) -> None:
    """Count one request under ``name`` for ``key`` (default: the client address)."""
    if not current_app.config.get("RATE_LIMITS_ENABLED"):
        return
    rule = rule_for(name)
    now = int(time.time())
    window_start = now - now % rule.window
    counter_key = f"{name}:{key if key is not None else client_address()}"[:200]
    count = db.session.execute(_upsert(counter_key, window_start)).scalar_one()
    if random.random() < 0.01:  # now and then, forget windows older than a day
        db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.window_start < now - 86400))
    db.session.commit()
    if count > rule.limit:
        raise RateLimited(retry_after=window_start + rule.window - now)
