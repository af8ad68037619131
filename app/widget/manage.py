"""인증서 관리 (the SDK's ``manage``): details, PIN change, 즐겨찾기, 자동연결 devices, deletion,
and the recent history — reached from the login widget, from ``FinCert.Sdk.manage`` or alone.

PIN reset or unlock is not here on purpose: only a bank's 재발급 does that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.audit import recent_events
from app.cloud.certificates import (
    WrongPin,
    certificates_of,
    change_pin,
    delete_certificate,
    unlock_private_key,
    x509_of,
)
from app.cloud.devices import active_devices, revoke_device
from app.cloud.pin_rules import PinRuleViolation, check_new_pin
from app.extensions import db
from app.models import AuditEvent, Device, RpClient, WidgetTransaction
from app.widget import flow
from app.widget import keypad as keypads
from app.widget.flow import KeyOutcome, keypad_step

MANAGE_STEPS = ("manage", "cert_detail", "change_current", "change_new", "change_confirm", "delete_confirm")

EVENT_LABELS = {
    "cloud.joined": "클라우드 가입",
    "order.redeemed": "금융인증서 발급",
    "certificate.issued": "인증서 발급",
    "certificate.renewed": "인증서 갱신",
    "certificate.revoked": "인증서 폐지",
    "certificate.locked": "비밀번호 5회 오류로 잠김",
    "pin.failed": "비밀번호 오류",
    "pin.changed": "비밀번호 변경",
    "signature.created": "로그인·전자서명",
    "cloud.accessed": "클라우드 접근 허용",
    "device.registered": "자동연결 설정",
    "device.used": "자동연결로 접속",
    "device.revoked": "자동연결 해제",
    "device.evicted": "오래된 자동연결 해제",
}


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    label: str
    detail: str


def open_manage(transaction: WidgetTransaction) -> None:
    """인증서 관리 from the login widget's certificate list."""
    flow.expect_step(transaction, "select", "nocert")
    transaction.step = "manage"
    db.session.commit()


def back_to_login(transaction: WidgetTransaction) -> None:
    flow.expect_step(transaction, *MANAGE_STEPS)
    if transaction.purpose != "sign":
        raise flow.OutOfOrder()
    transaction.keypad = None
    transaction.pending_pin = None
    transaction.certificate_id = None
    flow.after_cloud_access(transaction)
    db.session.commit()


def back_to_list(transaction: WidgetTransaction, notice: str | None = None) -> None:
    flow.expect_step(transaction, *MANAGE_STEPS)
    transaction.step = "manage"
    transaction.keypad = None
    transaction.pending_pin = None
    transaction.notice = notice
    db.session.commit()


def _own(transaction: WidgetTransaction, certificate_id: int):
    return flow.own_certificate(transaction, certificate_id)


def show_certificate(transaction: WidgetTransaction, certificate_id: int) -> None:
    flow.expect_step(transaction, "manage")
    transaction.certificate_id = _own(transaction, certificate_id).id
    transaction.step = "cert_detail"
    transaction.notice = None
    db.session.commit()


def start_pin_change(transaction: WidgetTransaction, certificate_id: int) -> None:
    flow.expect_step(transaction, "manage", "cert_detail")
    transaction.certificate_id = _own(transaction, certificate_id).id
    transaction.step = "change_current"
    transaction.notice = None
    transaction.keypad = keypads.new_keypad("pin", transaction.id)
    db.session.commit()


def start_delete(transaction: WidgetTransaction, certificate_id: int) -> None:
    flow.expect_step(transaction, "manage", "cert_detail")
    transaction.certificate_id = _own(transaction, certificate_id).id
    transaction.step = "delete_confirm"
    transaction.notice = None
    transaction.keypad = keypads.new_keypad("pin", transaction.id)
    db.session.commit()


def _certificate(transaction: WidgetTransaction):
    return _own(transaction, transaction.certificate_id or 0)


def _wrong_pin_in_manage(transaction: WidgetTransaction, wrong: WrongPin) -> KeyOutcome:
    if wrong.locked:
        transaction.step, transaction.keypad, transaction.notice = "manage", None, wrong.message
        return KeyOutcome(finished_entry=True)
    transaction.keypad = keypads.new_keypad("pin", transaction.id)
    return KeyOutcome(finished_entry=True, error=f"비밀번호 {wrong.failures}/{wrong.limit}회 오류")


def _pending(transaction: WidgetTransaction) -> dict[str, str]:
    return json.loads(keypads.unseal_pin(transaction.pending_pin, transaction.id)) if transaction.pending_pin else {}


def _keep(transaction: WidgetTransaction, **values: str) -> None:
    transaction.pending_pin = keypads.seal_pin(json.dumps({**_pending(transaction), **values}), transaction.id)


@keypad_step("change_current")
def _current_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    try:
        unlock_private_key(_certificate(transaction), pin)
    except WrongPin as wrong:
        return _wrong_pin_in_manage(transaction, wrong)
    _keep(transaction, current=pin)
    transaction.step = "change_new"
    transaction.keypad = keypads.new_keypad("new", transaction.id)
    return KeyOutcome(finished_entry=True)


@keypad_step("change_new")
def _new_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    try:
        check_new_pin(pin, _certificate(transaction).subscriber.birth_date)
        if pin == _pending(transaction).get("current"):
            raise PinRuleViolation("지금 비밀번호와 다른 비밀번호를 입력해주세요.")
    except PinRuleViolation as violation:
        transaction.keypad = keypads.new_keypad("new", transaction.id)
        return KeyOutcome(finished_entry=True, error=violation.message)
    _keep(transaction, new=pin)
    transaction.step = "change_confirm"
    transaction.keypad = keypads.new_keypad("confirm", transaction.id)
    return KeyOutcome(finished_entry=True)


@keypad_step("change_confirm")
def _confirm_new_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    pending = _pending(transaction)
    if pin != pending.get("new"):
        transaction.step = "change_new"
        transaction.keypad = keypads.new_keypad("new", transaction.id)
        return KeyOutcome(
            finished_entry=True, error="두 번 입력한 비밀번호가 일치하지 않습니다. 새 비밀번호를 다시 입력해주세요."
        )
    try:
        change_pin(_certificate(transaction), pending["current"], pin)
    except WrongPin as wrong:
        return _wrong_pin_in_manage(transaction, wrong)
    transaction.step, transaction.keypad, transaction.pending_pin = "manage", None, None
    transaction.notice = "비밀번호를 변경했습니다. 다음부터 새 비밀번호를 입력해주세요."
    return KeyOutcome(finished_entry=True)


@keypad_step("delete_confirm")
def _delete(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    certificate = _certificate(transaction)
    try:
        delete_certificate(certificate, pin)
    except WrongPin as wrong:
        return _wrong_pin_in_manage(transaction, wrong)
    transaction.step, transaction.keypad, transaction.certificate_id = "manage", None, None
    transaction.notice = f"{certificate.bank.name} 인증서를 클라우드에서 삭제했습니다(폐지됨)."
    return KeyOutcome(finished_entry=True)


def toggle_favourite(transaction: WidgetTransaction, certificate_id: int) -> None:
    flow.toggle_favourite(transaction, certificate_id)


def disconnect(transaction: WidgetTransaction, device_id: int) -> bool:
    """연결 해제: the device is forgotten at once. Returns True when it is this very browser."""
    flow.expect_step(transaction, "manage")
    device = db.session.get(Device, device_id)
    if device is None or device.subscriber_id != transaction.subscriber_id:
        raise flow.CertificateNotSelectable()
    revoke_device(device)
    this_browser = transaction.device_id == device.id
    transaction.notice = f"{device.label} 기기의 자동연결을 해제했습니다."
    db.session.commit()
    return this_browser


def finish(transaction: WidgetTransaction) -> None:
    """닫기 (SDK ``manage``): the RP hears that management ended."""
    flow.expect_step(transaction, *MANAGE_STEPS)
    if transaction.purpose != "manage":
        raise flow.OutOfOrder()
    flow.complete(transaction, {"ok": True, "managed": True})
    db.session.commit()


# --- reading ----------------------------------------------------------------------------------


def overview(transaction: WidgetTransaction) -> dict:
    subscriber = flow.subscriber_of(transaction)
    assert subscriber is not None
    return {
        "certificates": [(c, flow.state_of(c)) for c in certificates_of(subscriber)],
        "devices": active_devices(subscriber.id),
        "history": history(subscriber.id),
    }


def history(subscriber_id: int) -> list[HistoryEntry]:
    """최근 이용 내역: the last 20 events, newest first, in words."""
    names = {client.org_code: client.name for client in db.session.scalars(db.select(RpClient))}
    entries = []
    for event in recent_events(subscriber_id, 20):
        entries.append(
            HistoryEntry(
                at=f"{event.at:%Y-%m-%d %H:%M}",
                label=EVENT_LABELS.get(event.kind, event.kind),
                detail=_detail(event, names),
            )
        )
    return entries


def _detail(event: AuditEvent, names: dict[str, str]) -> str:
    parts = []
    if event.rp_org_code:
        parts.append(names.get(event.rp_org_code, event.rp_org_code))
    if event.detail.get("sign_type"):
        parts.append(flow.SIGN_TYPES.get(event.detail["sign_type"], ""))
    if event.detail.get("device"):
        parts.append(event.detail["device"])
    if event.kind == "pin.failed":
        parts.append(f"{event.detail.get('failures')}/{event.detail.get('limit')}회")
    if event.bank_code:
        parts.append(event.bank_code)
    return " · ".join(part for part in parts if part)


def details(certificate) -> dict[str, str]:
    """인증서 상세: what a careful user or a bank's help desk asks for."""
    parsed = x509_of(certificate)
    policies = ", ".join(
        info.policy_identifier.dotted_string
        for info in parsed.extensions.get_extension_for_class(x509.CertificatePolicies).value
    )
    return {
        "발급 은행": certificate.bank.name,
        "주체(Subject)": parsed.subject.rfc4514_string(),
        "발급자": parsed.issuer.rfc4514_string(),
        "일련번호": certificate.serial,
        "인증서 정책": policies,
        "유효기간": f"{certificate.not_before:%Y.%m.%d} ~ {certificate.not_after:%Y.%m.%d}",
        "SHA-256 지문": parsed.fingerprint(hashes.SHA256()).hex(":").upper(),
    }
