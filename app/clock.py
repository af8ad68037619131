"""The service's notion of now: naive UTC, the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time as a naive UTC datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
