"""Every model, imported here so that Alembic and ``db.create_all`` see them all."""

from app.models.audit import AuditEvent
from app.models.banks import Bank
from app.models.certificates import Certificate
from app.models.pki import CrlRecord
from app.models.ra import IssuanceOrder, RaApiKey
from app.models.sms import SmsMessage
from app.models.subscribers import Subscriber

__all__ = [
    "AuditEvent",
    "Bank",
    "Certificate",
    "CrlRecord",
    "IssuanceOrder",
    "RaApiKey",
    "SmsMessage",
    "Subscriber",
]
