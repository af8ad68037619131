"""The service's rules as the running configuration sets them (docs/design.md, "Rules").

Every number a screen or a message shows ("5회", "3분", "10분", "1년", "3년", "30초") is read
from here, so that the text always says what the code enforces. Templates get ``rules``
and the ``duration`` filter. Durations are in words of the request's language (``app.i18n``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext

PIN_LENGTH = 6  # the product's PIN is six digits; not a setting


@dataclass(frozen=True)
class Rules:
    pin_max_failures: int
    sms_code_ttl: int  # seconds
    sms_max_tries: int
    sms_resend_after: int  # seconds
    sms_max_sends_per_hour: int
    cert_validity_days: int
    renewal_window_days: int
    device_idle_days: int
    device_max: int
    tx_ttl: int  # seconds
    bank_application_ttl: int  # seconds
    order_ttl_days: int
    pin_length: int = PIN_LENGTH

    @property
    def cert_validity(self) -> str:
        return days(self.cert_validity_days)

    @property
    def device_idle(self) -> str:
        return days(self.device_idle_days)


def current() -> Rules:
    """The rules of the running app."""
    config = current_app.config
    return Rules(
        pin_max_failures=int(config["PIN_MAX_FAILURES"]),
        sms_code_ttl=int(config["SMS_CODE_TTL"]),
        sms_max_tries=int(config["SMS_MAX_TRIES"]),
        sms_resend_after=int(config["SMS_RESEND_AFTER"]),
        sms_max_sends_per_hour=int(config["SMS_MAX_SENDS_PER_HOUR"]),
        cert_validity_days=int(config["CERT_VALIDITY_DAYS"]),
        renewal_window_days=int(config["RENEWAL_WINDOW_DAYS"]),
        device_idle_days=int(config["DEVICE_IDLE_DAYS"]),
        device_max=int(config["DEVICE_MAX"]),
        tx_ttl=int(config["TX_TTL"]),
        bank_application_ttl=int(config["BANK_APPLICATION_TTL"]),
        order_ttl_days=int(config["ORDER_TTL_DAYS"]),
    )


def duration(seconds: int) -> str:
    """Seconds in the words a screen uses: ``30초``, ``3분``, ``1분 30초``, ``2시간`` (in English
    ``30 seconds``, ``3 minutes``, ``1 minute 30 seconds``, ``2 hours``)."""
    seconds = int(seconds)
    if seconds < 60:
        return ngettext("%(num)d초", "%(num)d초", seconds)
    if seconds % 3600 == 0:
        return ngettext("%(num)d시간", "%(num)d시간", seconds // 3600)
    minutes, rest = divmod(seconds, 60)
    words = ngettext("%(num)d분", "%(num)d분", minutes)
    return words if rest == 0 else f"{words} {ngettext('%(num)d초', '%(num)d초', rest)}"


def days(count: int) -> str:
    """Days in words: ``3년`` for whole (365-day) years, else ``90일`` (``3 years``, ``90 days``)."""
    count = int(count)
    if count >= 365 and count % 365 == 0:
        return ngettext("%(num)d년", "%(num)d년", count // 365)
    return ngettext("%(num)d일", "%(num)d일", count)


@dataclass(frozen=True)
class Duration:
    """A number of seconds inside a message: written in words of the language the message is
    shown in (``duration``), when it is formatted."""

    seconds: int

    def __str__(self) -> str:
        return duration(self.seconds)
