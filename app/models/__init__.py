"""Every model, imported here so that Alembic and ``db.create_all`` see them all."""

from app.models.banks import Bank
from app.models.sms import SmsMessage

__all__ = ["Bank", "SmsMessage"]
