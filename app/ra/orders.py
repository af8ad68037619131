"""Issuance orders: placed by a bank after stage 1, redeemed once in stage 2.

An order is bound to the person the bank identified: redeeming it needs the 참조번호,
the 인가코드 and the same 가입정보. Wrong 인가코드 attempts are counted; the fifth voids it.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import update

from app import audit
from app.banks import get_bank
from app.clock import utcnow
from app.cloud.certificates import find_or_create_subscriber, issue_certificate
from app.errors import N_, ServiceError
from app.extensions import db
from app.keyed_hash import keyed_hash, matches, seal_value, unseal_value
from app.models import Bank, Certificate, IssuanceOrder, RaApiKey
from app.pki.vid import VidMaterial, new_vid

MAX_AUTH_CODE_FAILURES = 5
KINDS = ("issue", "reissue")
VID_RANDOM_PURPOSE = "order-vid-random"


class OrderError(ServiceError):
    """The order cannot be used; ``message`` is shown to the user."""

    message = N_("발급 요청을 확인할 수 없습니다.")
    field = "ref_num"
    code = "order_refused"


class OrderNotFound(OrderError):
    """Wrong codes, or codes of an order that does not exist: one answer for both."""

    message = N_("참조번호 또는 인가코드가 올바르지 않습니다. 은행에서 받은 번호를 확인해주세요.")


class OrderExpired(OrderError):
    message = N_("발급 요청의 유효기간이 지났습니다. 은행에서 다시 신청해주세요.")


class OrderAlreadyUsed(OrderError):
    message = N_("이미 사용된 발급 요청입니다. 은행에서 다시 신청해주세요.")


class OrderVoided(OrderError):
    def __init__(self) -> None:
        super().__init__(
            N_("인가코드를 %(limit)d회 잘못 입력하여 발급 요청이 취소되었습니다. 은행에서 다시 신청해주세요."),
            params={"limit": MAX_AUTH_CODE_FAILURES},
        )


class IssuanceFailed(ServiceError):
    """Something failed inside the issuance; nothing of it remains and the order is still usable."""

    status = 503
    retry_after = 5
    field = "pin"
    code = "issuance_failed"
    message = N_("발급 중 일시적인 오류가 발생했습니다. 발급 요청은 그대로이니 비밀번호를 다시 입력해주세요.")


class IdentityMismatch(OrderError):
    message = N_("은행에서 확인한 가입정보(이름·휴대폰번호·생년월일)와 일치하지 않습니다.")
    field = "name"


# --- API keys ---------------------------------------------------------------------------


def create_api_key(bank_code: str, label: str = "") -> str:
    """A new RA API key for a bank; the key itself is returned once and never stored."""
    get_bank(bank_code)
    key = f"ra_{bank_code}_{secrets.token_urlsafe(32)}"
    db.session.add(RaApiKey(bank_code=bank_code, key_hash=keyed_hash("ra-api-key", key), label=label[:60]))
    db.session.commit()
    return key


def bank_for_api_key(key: str) -> Bank | None:
    """The bank a presented key belongs to, if the key is known and not revoked."""
    if not key or len(key) > 200:
        return None
    row = db.session.scalars(
        db.select(RaApiKey).where(RaApiKey.key_hash == keyed_hash("ra-api-key", key), RaApiKey.revoked_at.is_(None))
    ).first()
    return get_bank(row.bank_code) if row else None


# --- orders -------------------------------------------------------------------------------


def _new_ref_num() -> str:
    while True:
        candidate = f"{secrets.randbelow(10**8):08d}"
        if not db.session.scalars(db.select(IssuanceOrder.id).where(IssuanceOrder.ref_num == candidate)).first():
            return candidate


def place_order(
    bank: Bank,
    *,
    name: str,
    phone: str,
    birth_date: date,
    email: str | None,
    kind: str,
    rrn: str | None = None,
) -> tuple[IssuanceOrder, str]:
    """Record an order for an identified person; returns it with its 인가코드 (shown once).

    With ``rrn`` (a parsed 주민등록번호) the certificate will carry a VID: R is drawn and the
    VID computed now, because the number itself is not kept; R waits for redemption sealed
    under a KEK-derived key, bound to the 참조번호.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    _forget_expired_vids()
    auth_code = f"{secrets.randbelow(10**10):010d}"
    ref_num = _new_ref_num()
    vid = new_vid(rrn) if rrn else None
    order = IssuanceOrder(
        bank_code=bank.code,
        ref_num=ref_num,
        auth_code_hash=keyed_hash("auth-code", auth_code),
        kind=kind,
        name=name,
        phone=phone,
        birth_date=birth_date,
        email=email,
        expires_at=utcnow().replace(microsecond=0) + timedelta(days=int(current_app.config["ORDER_TTL_DAYS"])),
        vid_virtual_id=vid.virtual_id if vid else None,
        vid_random_sealed=seal_value(VID_RANDOM_PURPOSE, vid.random_num.hex(), ref_num) if vid else None,
    )
    db.session.add(order)
    db.session.flush()
    audit.record("order.placed", bank_code=bank.code, ref_num=order.ref_num, kind=kind, vid=vid is not None)
    db.session.commit()
    return order, auth_code


def _forget_expired_vids() -> None:
    # R with its VID would let anyone holding the KEK search the few million 주민등록번호 of a
    # birth date; an order that can no longer be redeemed has no reason to keep them.
    db.session.execute(
        update(IssuanceOrder)
        .where(IssuanceOrder.expires_at <= utcnow(), IssuanceOrder.vid_random_sealed.is_not(None))
        .values(vid_virtual_id=None, vid_random_sealed=None)
    )


def _order_vid(order: IssuanceOrder) -> VidMaterial | None:
    if order.vid_random_sealed is None or order.vid_virtual_id is None:
        return None
    random_hex = unseal_value(VID_RANDOM_PURPOSE, order.vid_random_sealed, order.ref_num)
    return VidMaterial(virtual_id=order.vid_virtual_id, random_num=bytes.fromhex(random_hex))


def open_order(ref_num: str, auth_code: str) -> IssuanceOrder:
    """The order these codes unlock, if it is still usable; wrong 인가코드 attempts count.

    Until the 인가코드 matches, every refusal is the same ``OrderNotFound`` (same message, field
    and status), so a guess learns nothing about whether a 참조번호 exists or what became of its
    order; only the right codes hear that an order was used, voided or has expired.
    """
    order = db.session.scalars(db.select(IssuanceOrder).where(IssuanceOrder.ref_num == (ref_num or "").strip())).first()
    if order is None or not matches("auth-code", (auth_code or "").strip(), order.auth_code_hash):
        if order is not None and order.redeemed_at is None and order.failed_attempts < MAX_AUTH_CODE_FAILURES:
            db.session.execute(
                update(IssuanceOrder)
                .where(IssuanceOrder.id == order.id)
                .values(failed_attempts=IssuanceOrder.failed_attempts + 1)
            )
            db.session.commit()
        raise OrderNotFound()
    if order.redeemed_at is not None:
        raise OrderAlreadyUsed()
    if order.failed_attempts >= MAX_AUTH_CODE_FAILURES:
        raise OrderVoided()
    if order.expires_at <= utcnow():
        raise OrderExpired()
    return order


def check_identity(order: IssuanceOrder, *, name: str, phone: str, birth_date: date) -> None:
    """The 가입정보 typed in stage 2 must be the person the bank identified."""
    if (order.name, order.phone, order.birth_date) != (name, phone, birth_date):
        raise IdentityMismatch()


def redeem_order(order: IssuanceOrder, *, pin: str, now=None) -> Certificate:
    """Create (or connect) the cloud account and issue the certificate — one transaction.

    The order is claimed with a conditional UPDATE first, so two redemptions racing for it
    cannot both issue.
    """
    claimed = db.session.execute(
        update(IssuanceOrder)
        .where(IssuanceOrder.id == order.id, IssuanceOrder.redeemed_at.is_(None))
        .values(redeemed_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise OrderAlreadyUsed()
    try:
        subscriber = find_or_create_subscriber(order.name, order.phone, order.birth_date, order.email)
        certificate = issue_certificate(subscriber, get_bank(order.bank_code), pin, now=now, vid=_order_vid(order))
        # R now lives only inside the sealed key (PIN + KEK); the order forgets it.
        db.session.execute(
            update(IssuanceOrder)
            .where(IssuanceOrder.id == order.id)
            .values(certificate_id=certificate.id, vid_virtual_id=None, vid_random_sealed=None)
        )
        audit.record(
            "order.redeemed",
            subscriber_id=subscriber.id,
            bank_code=order.bank_code,
            ref_num=order.ref_num,
            kind=order.kind,
        )
        db.session.commit()
    except ServiceError:  # a refusal (e.g. the PIN rules): nothing of the issuance remains
        db.session.rollback()
        raise
    except Exception as error:  # noqa: BLE001 - whatever failed, nothing of the issuance remains
        db.session.rollback()
        current_app.logger.exception("issuance of order %s failed", order.ref_num)
        raise IssuanceFailed() from error
    return certificate
