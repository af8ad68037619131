"""Reaching a subscriber's cloud from a browser: 자동연결, or 가입정보 → 휴대폰 점유인증 →
클라우드 접근 권한 확인. Shared by logins, 인증서 관리, the phone of 휴대폰으로 인증 and (가입정보
and SMS only) a bank's stage 2."""

from __future__ import annotations

from datetime import date

from app import audit
from app.cloud.certificates import certificates_of, find_subscriber, state_of
from app.cloud.devices import described, device_for_token, register_device
from app.errors import ServiceError
from app.extensions import db
from app.i18n import N_, text_in
from app.models import Certificate, Subscriber, WidgetTransaction
from app.ra.orders import check_identity
from app.sms.codes import check_code, resend_code, send_code
from app.widget import keypad as keypads
from app.widget.lookups import challenge_of, order_of, subscriber_of
from app.widget.steps import Flow, KeypadUse, Step, advance
from app.widget.transactions import require, site_of


class NotTheRequestedPerson(ServiceError):
    """setAuthData with disableInput: only that person's cloud may be used."""

    field = "name"
    code = "identity_locked"
    message = N_("이용기관에서 지정한 가입정보(이름·휴대폰번호·생년월일)로만 진행할 수 있습니다.")


def requested_identity(transaction: WidgetTransaction) -> dict[str, str] | None:
    """The 가입정보 the RP held the widget to (``setAuthData`` with ``disableInput``), if any."""
    auth = (transaction.options or {}).get("auth") or {}
    return auth if auth.get("locked") else None


def _is_requested_person(transaction: WidgetTransaction, subscriber_id: int) -> bool:
    wanted = requested_identity(transaction)
    if wanted is None:
        return True
    subscriber = db.session.get(Subscriber, subscriber_id)
    return subscriber is not None and (subscriber.name, subscriber.phone, subscriber.birth_date.isoformat()) == (
        wanted["name"],
        wanted["phone"],
        wanted["birth_date"],
    )


def begin(transaction: WidgetTransaction, device_token: str | None) -> bool:
    """Leave the start screen: into the cloud with a live 자동연결, else to 가입정보.

    Returns True when a device cookie was presented but no longer works (the view clears it).
    A 자동연결 of another person than the one the RP asked for (``setAuthData``) is not used.
    """
    require(transaction, Step.START)
    device = device_for_token(device_token)
    if device is not None and not _is_requested_person(transaction, device.subscriber_id):
        advance(transaction, Step.IDENTIFY)
        transaction.notice = text_in(transaction.lang, N_("이용기관에서 지정한 분의 가입정보로 진행합니다."))
        db.session.commit()
        return False
    if device is not None:
        transaction.device_id = device.id
        transaction.subscriber_id = device.subscriber_id
        audit.record("device.used", subscriber_id=device.subscriber_id, device=described(device))
        enter_cloud(transaction)
        db.session.commit()
        return False
    advance(transaction, Step.IDENTIFY)
    if device_token:
        transaction.notice = text_in(
            transaction.lang, N_("자동연결이 해제되었거나 만료되었습니다. 가입정보를 입력해 다시 연결해주세요.")
        )
    db.session.commit()
    return bool(device_token)


def submit_identity(transaction: WidgetTransaction, *, name: str, phone: str, birth_date: date) -> None:
    """가입정보 → an SMS code to that phone (sent whether or not an account exists, so the
    answer does not reveal who has one). In stage 2 it must be the person the bank identified."""
    require(transaction, Step.IDENTIFY)
    wanted = requested_identity(transaction)
    if wanted is not None and (name, phone, birth_date.isoformat()) != (
        wanted["name"],
        wanted["phone"],
        wanted["birth_date"],
    ):
        raise NotTheRequestedPerson()
    if transaction.purpose == Flow.ISSUE:
        order = order_of(transaction)
        assert order is not None
        check_identity(order, name=name, phone=phone, birth_date=birth_date)
    challenge = send_code(phone, "issue" if transaction.purpose == Flow.ISSUE else "login", lang=transaction.lang)
    transaction.identity = {"name": name, "phone": phone, "birth_date": birth_date.isoformat()}
    transaction.sms_challenge_id = challenge.id
    advance(transaction, Step.SMS)
    transaction.notice = None
    db.session.commit()


def resend_sms(transaction: WidgetTransaction) -> None:
    """재전송: a new code to the same phone."""
    require(transaction, Step.SMS)
    challenge = challenge_of(transaction)
    assert challenge is not None
    resend_code(challenge, lang=transaction.lang)
    db.session.commit()


def confirm_sms(transaction: WidgetTransaction, code: str) -> None:
    """휴대폰 점유인증: the right code moves on (wrong ones are counted by ``check_code``)."""
    require(transaction, Step.SMS)
    challenge = challenge_of(transaction)
    assert challenge is not None
    check_code(challenge, code)
    if transaction.purpose == Flow.ISSUE:
        advance(transaction, Step.NEW_PIN)
        transaction.keypad = keypads.new_keypad(KeypadUse.NEW, transaction.id)
        db.session.commit()
        return
    identity = transaction.identity or {}
    subscriber = find_subscriber(identity["name"], identity["phone"], date.fromisoformat(identity["birth_date"]))
    transaction.subscriber_id = subscriber.id if subscriber else None
    # Only now, with the phone proven, may the widget say that there is no cloud account.
    if subscriber is None:
        advance(transaction, Step.NOCERT)
    elif transaction.purpose == Flow.MANAGE:
        fix_listing(transaction, certificates_of(subscriber))
        advance(transaction, Step.MANAGE)
    else:
        advance(transaction, Step.CONSENT)
    db.session.commit()


def grant_cloud_access(transaction: WidgetTransaction, *, auto_connect: bool, user_agent: str) -> str | None:
    """클라우드 접근 권한 확인; with 자동연결 this browser is registered. Returns the device token."""
    require(transaction, Step.CONSENT)
    subscriber = subscriber_of(transaction)
    token = None
    if subscriber is None:
        advance(transaction, Step.NOCERT)
    else:
        if auto_connect:
            device, token = register_device(subscriber, user_agent, site_of(transaction))
            transaction.device_id = device.id
        audit.record("cloud.accessed", subscriber_id=subscriber.id, rp_org_code=transaction.rp_org_code)
        enter_cloud(transaction)
    db.session.commit()
    return token


def enter_cloud(transaction: WidgetTransaction) -> None:
    """Where a reached cloud leads: 인증서 관리, the favourite's PIN, the list, or the banks."""
    subscriber = subscriber_of(transaction)
    certificates = certificates_of(subscriber) if subscriber else []
    fix_listing(transaction, certificates)
    if transaction.purpose == Flow.MANAGE:
        advance(transaction, Step.MANAGE)
        return
    usable = [c for c in certificates if state_of(c).usable]
    if transaction.purpose == Flow.CERT_LIST:
        advance(transaction, Step.SHARE if usable else Step.NOCERT)
        return
    view = (transaction.options or {}).get("view", {})
    # The RP may preselect a certificate (view.certSeqNum); else a favourite opens on its PIN.
    preselected = next((c for c in usable if c.serial == view.get("certSeqNum")), None)
    favourite = next((c for c in usable if c.favourite), None)
    if not usable:
        advance(transaction, Step.NOCERT)
    elif preselected is not None:
        start_pin_entry(transaction, preselected.id)
    elif favourite is not None and not view.get("lastAccessCert"):
        start_pin_entry(transaction, favourite.id)
    else:
        advance(transaction, Step.SELECT)


def fix_listing(transaction: WidgetTransaction, certificates: list[Certificate]) -> None:
    """Fix the order of the certificate list for this transaction (the favourite, then the last
    used, then the rest: ``certificates`` as ``certificates_of`` gives them), so that toggling
    즐겨찾기 moves no card until the next opening."""
    if transaction.listing is None:
        listing = [c.id for c in certificates]
        if (transaction.options or {}).get("view", {}).get("lastAccessCert"):
            # view.lastAccessCert: only the certificate used last (all, when none was used yet)
            used = [c for c in certificates if c.last_used_at is not None]
            listing = [max(used, key=lambda c: c.last_used_at).id] if used else listing
        transaction.listing = listing


def start_pin_entry(transaction: WidgetTransaction, certificate_id: int) -> None:
    """비밀번호 입력 for one certificate, on a freshly shuffled keypad."""
    transaction.certificate_id = certificate_id
    advance(transaction, Step.PIN)
    transaction.keypad = keypads.new_keypad(KeypadUse.PIN, transaction.id)
