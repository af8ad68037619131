"""The service's notion of now: naive UTC, the same on SQLite and PostgreSQL; shown in KST."""

from datetime import UTC, datetime, timedelta, timezone

# Korea keeps one offset all year (no daylight saving since 1988).
KST = timezone(timedelta(hours=9), "KST")


def utcnow() -> datetime:
    """Current time as a naive UTC datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def kst(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) time as people in Korea read it."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone(KST).strftime(pattern)
