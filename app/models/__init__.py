"""Every model, imported here so that Alembic and ``db.create_all`` see them all."""

from app.models.audit import AuditEvent
from app.models.bankdemo import DemoBankApplication, DemoBankCustomer
from app.models.banks import Bank
from app.models.certificates import Certificate
from app.models.devices import Device
from app.models.locks import RowLock
from app.models.notices import SentNotice
from app.models.pki import ArlRecord, CrlRecord
from app.models.ra import IssuanceOrder, RaApiKey
from app.models.ratelimit import RateLimitCounter
from app.models.rp import RpClient, RpNonce
from app.models.sms import SmsMessage
from app.models.sms_codes import SmsChallenge
from app.models.subscribers import Subscriber
from app.models.widget import WidgetTransaction

__all__ = [
    "ArlRecord",
    "AuditEvent",
    "Bank",
    "Certificate",
    "CrlRecord",
    "DemoBankApplication",
    "DemoBankCustomer",
    "Device",
    "IssuanceOrder",
    "RaApiKey",
    "RateLimitCounter",
    "RpClient",
    "RowLock",
    "RpNonce",
    "SentNotice",
    "SmsChallenge",
    "SmsMessage",
    "Subscriber",
    "WidgetTransaction",
]
