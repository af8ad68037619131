"""Writing the audit trail; it is append-only (an update or delete of an event is refused)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEvent


class AuditIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit event."""


def record(
    kind: str,
    /,
    *,
    subscriber_id: int | None = None,
    certificate_serial: str | None = None,
    bank_code: str | None = None,
    rp_org_code: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one event to the current transaction (it is written with it, or not at all)."""
    entry = AuditEvent(
        kind=kind,
        subscriber_id=subscriber_id,
        certificate_serial=certificate_serial,
        bank_code=bank_code,
        rp_org_code=rp_org_code,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def recent_events(subscriber_id: int, limit: int = 20) -> list[AuditEvent]:
    """A subscriber's newest events first."""
    query = (
        db.select(AuditEvent)
        .where(AuditEvent.subscriber_id == subscriber_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_history(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEvent) and (instance in session.deleted or session.is_modified(instance)):
            raise AuditIsAppendOnly("audit events cannot be changed or deleted")
