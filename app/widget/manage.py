"""인증서 관리 (the SDK's ``manage``): details, PIN change, 즐겨찾기, 자동연결 devices, deletion
and the recent history — reached from a login's certificate list, from ``FinCert.Sdk.manage``
or alone at ``/widget/manage``.

PIN reset or unlock is not here on purpose: only a bank's 재발급 does that.
"""

from __future__ import annotations

import json

from app.cloud.certificates import WrongPin, change_pin, delete_certificate, state_of, unlock_private_key
from app.cloud.devices import revoke_device, shown
from app.cloud.pin_rules import PinRuleViolation, check_new_pin
from app.extensions import db
from app.i18n import N_, message_in, text_in
from app.models import Certificate, Device, WidgetTransaction
from app.step_machine import IllegalMove
from app.widget import keypad as keypads
from app.widget.cloud_access import enter_cloud
from app.widget.lookups import subscriber_of
from app.widget.pin_entry import KeyOutcome, fresh_keypad, on_entry, retry_after_wrong_pin
from app.widget.signing import CertificateNotSelectable, own_certificate
from app.widget.steps import MANAGE_PAGES, Flow, KeypadUse, Step, advance
from app.widget.transactions import complete, require


def open_manage(transaction: WidgetTransaction) -> None:
    """인증서 관리 from a login's certificate list (there must be a cloud account to manage)."""
    require(transaction, Step.SELECT, Step.NOCERT)
    if subscriber_of(transaction) is None:
        raise IllegalMove(N_("클라우드에 가입된 인증서가 없어 관리할 수 없습니다. 먼저 은행에서 발급받아주세요."))
    advance(transaction, Step.MANAGE)
    transaction.notice = None
    db.session.commit()


def back_to_login(transaction: WidgetTransaction) -> None:
    """로그인으로 돌아가기: the login goes on where a reached cloud leads."""
    require(transaction, *MANAGE_PAGES)
    if transaction.purpose == Flow.MANAGE:
        raise IllegalMove()
    _leave_keypad(transaction)
    transaction.certificate_id = None
    enter_cloud(transaction)
    db.session.commit()


def back_to_list(transaction: WidgetTransaction) -> None:
    """목록으로 / 인증서 관리로 돌아가기."""
    require(transaction, *MANAGE_PAGES)
    _leave_keypad(transaction)
    if transaction.step != Step.MANAGE:
        advance(transaction, Step.MANAGE)
    transaction.notice = None
    db.session.commit()


def show_certificate(transaction: WidgetTransaction, certificate_id: int) -> None:
    require(transaction, Step.MANAGE)
    transaction.certificate_id = own_certificate(transaction, certificate_id).id
    advance(transaction, Step.CERT_DETAIL)
    transaction.notice = None
    db.session.commit()


def _usable(transaction: WidgetTransaction, certificate_id: int) -> Certificate:
    """A certificate whose PIN can be checked: a locked or expired one only a bank can replace."""
    certificate = own_certificate(transaction, certificate_id)
    state = state_of(certificate)
    if not state.usable:
        message = {
            "잠김": N_("잠김된 인증서는 비밀번호를 변경하거나 삭제할 수 없습니다. %(bank)s에서 재발급받아주세요."),
            "만료": N_("만료된 인증서는 비밀번호를 변경하거나 삭제할 수 없습니다. %(bank)s에서 재발급받아주세요."),
            "폐지": N_("폐지된 인증서는 비밀번호를 변경하거나 삭제할 수 없습니다. %(bank)s에서 재발급받아주세요."),
        }[state.label]
        raise CertificateNotSelectable(message, params={"bank": certificate.bank.name})
    return certificate


def start_pin_change(transaction: WidgetTransaction, certificate_id: int) -> None:
    require(transaction, Step.MANAGE, Step.CERT_DETAIL)
    transaction.certificate_id = _usable(transaction, certificate_id).id
    advance(transaction, Step.CHANGE_CURRENT)
    transaction.notice = None
    fresh_keypad(transaction)
    db.session.commit()


def ask_delete(transaction: WidgetTransaction, certificate_id: int) -> None:
    """삭제: first a confirmation of what deleting means, then the PIN."""
    require(transaction, Step.MANAGE, Step.CERT_DETAIL)
    transaction.certificate_id = _usable(transaction, certificate_id).id
    advance(transaction, Step.DELETE_ASK)
    transaction.notice = None
    db.session.commit()


def start_delete(transaction: WidgetTransaction) -> None:
    """삭제 확인: the person confirmed; the PIN proves it is them."""
    require(transaction, Step.DELETE_ASK)
    advance(transaction, Step.DELETE_CONFIRM)
    fresh_keypad(transaction)
    db.session.commit()


def disconnect(transaction: WidgetTransaction, device_id: int) -> bool:
    """연결 해제: the device is forgotten at once. Returns True when it is this very browser."""
    require(transaction, Step.MANAGE)
    device = db.session.get(Device, device_id)
    if device is None or device.subscriber_id != transaction.subscriber_id:
        raise CertificateNotSelectable(N_("선택할 수 없는 기기입니다."))
    revoke_device(device)
    this_browser = transaction.device_id == device.id
    transaction.notice = text_in(transaction.lang, N_("%(device)s의 자동연결을 해제했습니다."), device=shown(device))
    db.session.commit()
    return this_browser


def finish(transaction: WidgetTransaction) -> None:
    """관리 마치기 (SDK ``manage``): the RP hears that management ended."""
    require(transaction, *MANAGE_PAGES)
    if transaction.purpose != Flow.MANAGE:
        raise IllegalMove()
    complete(transaction, {"ok": True, "managed": True})
    db.session.commit()


# --- the keypad steps of 인증서 관리 ----------------------------------------------------------


def _certificate(transaction: WidgetTransaction) -> Certificate:
    return own_certificate(transaction, transaction.certificate_id or 0)


def _leave_keypad(transaction: WidgetTransaction) -> None:
    transaction.keypad = None
    transaction.pending_pin = None


def _back_to_list_with(transaction: WidgetTransaction, notice: str) -> KeyOutcome:
    _leave_keypad(transaction)
    advance(transaction, Step.MANAGE)
    transaction.notice = notice
    return KeyOutcome(finished_entry=True)


def _wrong_pin(transaction: WidgetTransaction, wrong: WrongPin) -> KeyOutcome:
    if wrong.locked:
        return _back_to_list_with(transaction, message_in(transaction.lang, wrong))
    return retry_after_wrong_pin(wrong)


def _pending(transaction: WidgetTransaction) -> dict[str, str]:
    return json.loads(keypads.unseal_pin(transaction.pending_pin, transaction.id)) if transaction.pending_pin else {}


def _keep(transaction: WidgetTransaction, **values: str) -> None:
    transaction.pending_pin = keypads.seal_pin(json.dumps({**_pending(transaction), **values}), transaction.id)


@on_entry(Step.CHANGE_CURRENT)
def submit_current_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 변경 1/3: the current PIN (attempts counted)."""
    try:
        unlock_private_key(_certificate(transaction), pin)
    except WrongPin as wrong:
        return _wrong_pin(transaction, wrong)
    _keep(transaction, current=pin)
    advance(transaction, Step.CHANGE_NEW)
    fresh_keypad(transaction, KeypadUse.NEW)
    return KeyOutcome(finished_entry=True)


@on_entry(Step.CHANGE_NEW)
def submit_new_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 변경 2/3: a new PIN under the PIN rules, not the current one."""
    try:
        check_new_pin(pin, _certificate(transaction).subscriber.birth_date)
        if pin == _pending(transaction).get("current"):
            raise PinRuleViolation(N_("지금 비밀번호와 다른 비밀번호를 입력해주세요."))
    except PinRuleViolation as violation:
        return KeyOutcome(finished_entry=True, error=message_in(transaction.lang, violation))
    _keep(transaction, new=pin)
    advance(transaction, Step.CHANGE_CONFIRM)
    fresh_keypad(transaction, KeypadUse.CONFIRM)
    return KeyOutcome(finished_entry=True)


@on_entry(Step.CHANGE_CONFIRM)
def submit_new_pin_again(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 변경 3/3: the new PIN again; the key is resealed under it."""
    pending = _pending(transaction)
    if pin != pending.get("new"):
        advance(transaction, Step.CHANGE_NEW)
        fresh_keypad(transaction, KeypadUse.NEW)
        return KeyOutcome(
            finished_entry=True,
            error=text_in(
                transaction.lang, N_("두 번 입력한 비밀번호가 일치하지 않습니다. 새 비밀번호를 다시 입력해주세요.")
            ),
        )
    try:
        change_pin(_certificate(transaction), pending["current"], pin)
    except WrongPin as wrong:
        return _wrong_pin(transaction, wrong)
    return _back_to_list_with(
        transaction, text_in(transaction.lang, N_("비밀번호를 변경했습니다. 다음부터 새 비밀번호를 입력해주세요."))
    )


@on_entry(Step.DELETE_CONFIRM)
def submit_delete(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """인증서 삭제: the PIN proves the person; the certificate is revoked and leaves the cloud."""
    certificate = _certificate(transaction)
    try:
        delete_certificate(certificate, pin)
    except WrongPin as wrong:
        return _wrong_pin(transaction, wrong)
    transaction.certificate_id = None
    return _back_to_list_with(
        transaction,
        text_in(
            transaction.lang, N_("%(bank)s 인증서를 클라우드에서 삭제했습니다(폐지됨)."), bank=certificate.bank.name
        ),
    )
