"""자동연결 (auto-connect): a browser registered to reach a subscriber's cloud without SMS.

The browser holds a random token in a cookie of the service; only its keyed hash is stored.
Browsers partition third-party cookies by the top-level site (CHIPS), so a registration made
inside one relying party's page works on that RP's pages only, and one made on the service's
own pages (issuance, 인증서 관리) works there only: each registration records its ``site``, and
its label names the browser, the OS and the site. A registration expires after a year unused
and can be listed and revoked by the subscriber. At most ``DEVICE_MAX`` live *per site*: a
person who uses many sites is never locked out; the least recently used one of that site makes
way.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext

from app import audit, notices
from app.clock import utcnow
from app.errors import N_
from app.extensions import db
from app.keyed_hash import keyed_hash
from app.models import Device, RpClient, Subscriber

COOKIE_NAME = "fincert_device"
SERVICE_NAME = N_("금융인증서비스")


def _idle_limit() -> timedelta:
    return timedelta(days=int(current_app.config["DEVICE_IDLE_DAYS"]))


def label_from_user_agent(user_agent: str) -> str:
    """A short, human label such as ``Chrome · Android`` for the device list."""
    browser = next(
        (
            name
            for pattern, name in [
                (r"Edg/", "Edge"),
                (r"SamsungBrowser", N_("삼성 인터넷")),
                (r"Chrome|Chromium|CriOS", "Chrome"),
                (r"Firefox|FxiOS", "Firefox"),
                (r"Safari", "Safari"),
            ]
            if re.search(pattern, user_agent or "")
        ),
        N_("브라우저"),
    )
    system = next(
        (
            name
            for pattern, name in [
                (r"Android", "Android"),
                (r"iPhone|iPad|iOS", "iOS"),
                (r"Windows", "Windows"),
                (r"Mac OS X|Macintosh", "macOS"),
                (r"Linux", "Linux"),
            ]
            if re.search(pattern, user_agent or "")
        ),
        N_("기기"),
    )
    return f"{browser} · {system}"


PHONE_SYSTEMS = ("Android", "iOS")
SERVICE_SITE = ""  # the service's own pages


def is_phone(device: Device) -> bool:
    """Whether the registration is a phone's (its label names a phone OS)."""
    return device.label.split(" · ")[-1] in PHONE_SYSTEMS


def site_name(site: str) -> str:
    """The name people know a site by: the relying party's, or the service's own."""
    if site == SERVICE_SITE:
        return SERVICE_NAME
    client = db.session.get(RpClient, site)
    return client.name if client else site


def described(device: Device) -> str:
    """``Chrome · Android · 데모 이용기관``: one browser on two sites reads as two entries (in
    Korean, as the audit trail records it; ``shown`` is for screens and notices)."""
    return f"{device.label} · {site_name(device.site)}"


def shown(device: Device) -> str:
    """``described``, in the request's language (``삼성 인터넷`` → ``Samsung Internet``)."""
    return shown_description(described(device))


def shown_description(description: str) -> str:
    """A description made by ``described`` (the audit trail keeps them), in the request's language."""
    return " · ".join(gettext(part) if part else part for part in description.split(" · "))


def active_devices(subscriber_id: int, site: str | None = None) -> list[Device]:
    """Registrations that still work (of one site, if given), most recently used first."""
    cutoff = utcnow() - _idle_limit()
    query = (
        db.select(Device)
        .where(Device.subscriber_id == subscriber_id, Device.revoked_at.is_(None), Device.last_used_at > cutoff)
        .order_by(Device.last_used_at.desc())
    )
    if site is not None:
        query = query.where(Device.site == site)
    return list(db.session.scalars(query))


def register_device(subscriber: Subscriber, user_agent: str, site: str) -> tuple[Device, str]:
    """Register this browser on ``site``; returns it with the token for its cookie (added to
    the current transaction)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    device = Device(
        subscriber_id=subscriber.id,
        token_hash=keyed_hash("device-token", token),
        label=label_from_user_agent(user_agent)[:80],
        site=site,
        created_at=now,
        last_used_at=now,
    )
    db.session.add(device)
    db.session.flush()
    limit = int(current_app.config["DEVICE_MAX"])
    for stale in active_devices(subscriber.id, site)[limit:]:
        stale.revoked_at = now
        audit.record("device.evicted", subscriber_id=subscriber.id, device=described(stale))
    audit.record("device.registered", subscriber_id=subscriber.id, device=described(device))
    notices.notify_new_device(subscriber, shown(device))
    return device, token


def device_for_token(token: str | None) -> Device | None:
    """The live registration behind a cookie value, marked as used now; None if gone."""
    if not token or len(token) > 100:
        return None
    device = db.session.scalars(db.select(Device).where(Device.token_hash == keyed_hash("device-token", token))).first()
    if device is None or device.revoked_at is not None or device.last_used_at <= utcnow() - _idle_limit():
        return None
    device.last_used_at = utcnow()
    return device


def revoke_device(device: Device) -> None:
    """연결 해제: the browser is forgotten at once."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record("device.revoked", subscriber_id=device.subscriber_id, device=described(device))


def cookie_max_age() -> int:
    return int(_idle_limit().total_seconds())
