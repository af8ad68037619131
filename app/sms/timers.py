"""What a code step shows about time: how long the code stays valid, when 재전송 opens (as epoch
seconds for the page's countdowns, and as the seconds left for a page without JavaScript)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from app.clock import utcnow
from app.models import SmsChallenge
from app.sms.codes import resend_at, seconds_until_resend


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def code_timers(challenge: SmsChallenge) -> dict[str, Any]:
    expires_in = max(0, math.ceil((challenge.expires_at - utcnow()).total_seconds()))
    return {
        "expires_at": _epoch(challenge.expires_at),
        "expires_in": expires_in,
        "resend_at": _epoch(resend_at(challenge)),
        "resend_in": seconds_until_resend(challenge),
    }
