"""Reading what a widget transaction points at: its subscriber, certificate, order, SMS
challenge and relying party. Reads only; shared by the services and the step contexts."""

from __future__ import annotations

from app.banks import get_bank
from app.extensions import db
from app.models import Bank, Certificate, IssuanceOrder, RpClient, SmsChallenge, Subscriber, WidgetTransaction


def subscriber_of(transaction: WidgetTransaction) -> Subscriber | None:
    return db.session.get(Subscriber, transaction.subscriber_id) if transaction.subscriber_id else None


def certificate_of(transaction: WidgetTransaction) -> Certificate | None:
    return db.session.get(Certificate, transaction.certificate_id) if transaction.certificate_id else None


def order_of(transaction: WidgetTransaction) -> IssuanceOrder | None:
    return db.session.get(IssuanceOrder, transaction.order_id) if transaction.order_id else None


def issuing_bank_of(transaction: WidgetTransaction) -> Bank | None:
    """The bank whose order a stage-2 transaction redeems."""
    order = order_of(transaction)
    return get_bank(order.bank_code) if order else None


def challenge_of(transaction: WidgetTransaction) -> SmsChallenge | None:
    return db.session.get(SmsChallenge, transaction.sms_challenge_id) if transaction.sms_challenge_id else None


def rp_of(transaction: WidgetTransaction) -> RpClient | None:
    return db.session.get(RpClient, transaction.rp_org_code) if transaction.rp_org_code else None


def parent_of(transaction: WidgetTransaction) -> WidgetTransaction | None:
    """The PC's transaction of a phone that finishes it (휴대폰으로 인증)."""
    return db.session.get(WidgetTransaction, transaction.parent_id) if transaction.parent_id else None


def children_of(transaction: WidgetTransaction) -> list[WidgetTransaction]:
    """The phone transactions that claimed a PC's request."""
    query = db.select(WidgetTransaction).where(WidgetTransaction.parent_id == transaction.id)
    return list(db.session.scalars(query))
