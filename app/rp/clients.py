"""Registered relying parties and their nonces.

Each RP has an SDK key (used in the browser with ``FinCert.Sdk.init``; accepted only from
the RP's registered origins) and a server secret (for the nonce and verify API). Both are
stored as keyed hashes. A nonce binds at most one widget transaction and is consumed once
by verification.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app import contract
from app.clock import utcnow
from app.errors import N_, ServiceError
from app.extensions import db
from app.keyed_hash import keyed_hash, server_key
from app.models import RpClient, RpNonce

NONCE_TTL = timedelta(minutes=10)
_NONCE = re.compile(r"[A-Za-z0-9_\-.~]{16,128}")
_ORG_CODE = re.compile(r"[A-Z0-9_]{2,40}")
DEMO_ORG_CODE = "DEMO_RP"


class RpError(ServiceError):
    """A request an RP made that the service refuses; ``sdk_code`` is what the SDK reports."""

    sdk_code = contract.BAD_REQUEST
    message = N_("이용기관 요청이 올바르지 않습니다.")


class RpUnauthorized(RpError):
    status = 403
    sdk_code = contract.UNKNOWN_CLIENT
    code = "unknown_client"
    message = contract.SDK_CODES[contract.UNKNOWN_CLIENT]


class NonceRejected(RpError):
    sdk_code = contract.NONCE_REFUSED
    code = "nonce_rejected"
    field = "nonce"


def register_client(
    org_code: str,
    name: str,
    origins: list[str],
    *,
    api_key: str | None = None,
    secret: str | None = None,
    remote_sign_types: Sequence[str] | None = None,
) -> tuple[RpClient, str, str]:
    """Register (or re-key) an RP; returns it with its SDK key and server secret (shown once).

    ``remote_sign_types``: sign types besides 01 (로그인) that a phone may approve through a QR
    code (휴대폰으로 인증); ``None`` keeps what a re-keyed RP had (a new RP: none).
    """
    if not _ORG_CODE.fullmatch(org_code):
        raise ValueError("org code: 2-40 of A-Z, 0-9, _")
    unknown = sorted(set(remote_sign_types or ()) - set(contract.SIGN_TYPES))
    if unknown:
        raise ValueError(f"unknown sign types: {', '.join(unknown)} (known: {', '.join(contract.SIGN_TYPES)})")
    api_key = api_key or f"pk_{secrets.token_urlsafe(24)}"
    secret = secret or f"sk_{secrets.token_urlsafe(32)}"
    client = db.session.get(RpClient, org_code) or RpClient(org_code=org_code)
    client.name = name
    client.origins = sorted({origin.rstrip("/") for origin in origins})
    client.api_key_hash = keyed_hash("rp-api-key", api_key)
    client.secret_hash = keyed_hash("rp-secret", secret)
    if remote_sign_types is not None:
        client.remote_sign_types = sorted(set(remote_sign_types) - {contract.LOGIN})  # a login always may
    elif client.remote_sign_types is None:
        client.remote_sign_types = []
    db.session.add(client)
    db.session.commit()
    return client, api_key, secret


def demo_credentials() -> tuple[str, str]:
    """The demo RP's SDK key and secret: derived from the KEK, so they are never stored in clear."""
    material = server_key("demo-rp-credentials").hex()
    return f"pk_demo_{material[:24]}", f"sk_demo_{material[24:]}"


def ensure_demo_client() -> RpClient:
    """Register the demo relying party with the configured origins (idempotent)."""
    api_key, secret = demo_credentials()
    origins = [origin.strip() for origin in current_app.config["DEMO_RP_ORIGINS"].split(",") if origin.strip()]
    client, _, _ = register_client(DEMO_ORG_CODE, "데모 이용기관", origins, api_key=api_key, secret=secret)
    return client


def client_for_sdk(org_code: object, api_key: object, origin: object) -> RpClient:
    """The RP behind a browser request, checked by SDK key and by the page's origin."""
    if not all(isinstance(value, str) and 0 < len(value) <= 200 for value in (org_code, api_key, origin)):
        raise RpUnauthorized()
    client = db.session.get(RpClient, org_code)
    if (
        client is None
        or client.disabled_at is not None
        or client.api_key_hash != keyed_hash("rp-api-key", api_key)  # type: ignore[arg-type]
        or origin not in client.origins
    ):
        raise RpUnauthorized()
    return client


def client_for_secret(secret: str) -> RpClient | None:
    """The RP a server secret belongs to."""
    if not secret or len(secret) > 200:
        return None
    return db.session.scalars(
        db.select(RpClient).where(
            RpClient.secret_hash == keyed_hash("rp-secret", secret), RpClient.disabled_at.is_(None)
        )
    ).first()


def all_origins() -> list[str]:
    """Every registered RP origin (they may frame the widget's entry page)."""
    origins: set[str] = set()
    for client in db.session.scalars(db.select(RpClient).where(RpClient.disabled_at.is_(None))):
        origins.update(client.origins)
    return sorted(origins)


def issue_nonce(client: RpClient) -> RpNonce:
    """A fresh one-time nonce for this RP (valid 10 minutes)."""
    now = utcnow()
    record = RpNonce(
        org_code=client.org_code, nonce=secrets.token_urlsafe(24), created_at=now, expires_at=now + NONCE_TTL
    )
    db.session.add(record)
    db.session.commit()
    return record


def register_own_nonce(client: RpClient, nonce: object) -> RpNonce:
    """The RP's own nonce, registered ahead (``POST /api/v1/rp/nonces {"nonce"}``): it must
    never have been seen; it then works like a service nonce (10 minutes, one transaction)."""
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise NonceRejected(N_("nonce는 16~128자의 영문·숫자·-_.~ 로 보내주세요."))
    seen = db.session.scalars(
        db.select(RpNonce.id).where(RpNonce.org_code == client.org_code, RpNonce.nonce == nonce)
    ).first()
    if seen is not None:
        raise NonceRejected(N_("이미 쓰인 nonce입니다. 새 nonce를 만들어주세요."))
    now = utcnow()
    record = RpNonce(
        org_code=client.org_code, nonce=nonce, issued_by_service=False, created_at=now, expires_at=now + NONCE_TTL
    )
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:  # registered a moment ago by a parallel request
        db.session.rollback()
        raise NonceRejected(N_("이미 쓰인 nonce입니다. 새 nonce를 만들어주세요.")) from None
    return record


def bind_nonce(client: RpClient, nonce: object, transaction_id: str) -> str:
    """Attach a nonce to a transaction: a service nonce must be unused and fresh; an RP's own
    nonce must never have been seen. Either way it can never bind a second transaction: the
    binding is one conditional UPDATE (or the insert of an unseen own nonce, unique per RP), so
    parallel requests with the same nonce cannot both get it."""
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise NonceRejected(N_("nonce는 16~128자의 영문·숫자·-_.~ 로 보내주세요."))
    now = utcnow()
    bound = db.session.execute(
        update(RpNonce)
        .where(
            RpNonce.org_code == client.org_code,
            RpNonce.nonce == nonce,
            RpNonce.bound_at.is_(None),
            RpNonce.expires_at > now,
        )
        .values(bound_at=now, transaction_id=transaction_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if bound == 1:
        return nonce
    record = db.session.scalars(
        db.select(RpNonce).where(RpNonce.org_code == client.org_code, RpNonce.nonce == nonce)
    ).first()
    if record is not None and record.bound_at is not None:
        raise NonceRejected(N_("이미 사용된 nonce입니다. 새 nonce로 다시 요청해주세요."))
    if record is not None:
        raise NonceRejected(N_("nonce의 유효시간이 지났습니다. 새 nonce로 다시 요청해주세요."))
    try:
        with db.session.begin_nested():  # an unseen own nonce; a parallel request may insert it first
            db.session.add(
                RpNonce(
                    org_code=client.org_code,
                    nonce=nonce,
                    issued_by_service=False,
                    created_at=now,
                    expires_at=now + NONCE_TTL,
                    bound_at=now,
                    transaction_id=transaction_id,
                )
            )
    except IntegrityError:
        raise NonceRejected(N_("이미 사용된 nonce입니다. 새 nonce로 다시 요청해주세요.")) from None
    return nonce


def consume_nonce(client: RpClient, nonce: str) -> None:
    """Verification uses a bound nonce up: a second verification of the same result fails."""

    used = db.session.execute(
        update(RpNonce)
        .where(
            RpNonce.org_code == client.org_code,
            RpNonce.nonce == nonce,
            RpNonce.bound_at.is_not(None),
            RpNonce.verified_at.is_(None),
        )
        .values(verified_at=utcnow())
    ).rowcount
    db.session.commit()
    if used != 1:
        raise NonceRejected(N_("이미 검증했거나 이 이용기관이 받은 적 없는 nonce입니다."))
