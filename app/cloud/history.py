"""최근 이용 내역: a subscriber's recent audit events, in words (shown in 인증서 관리).

Times are shown in KST; certificates are named by their bank; an issuance is one entry. Words
are in the request's language (``app.i18n``); the audit trail itself stays as it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from app import rules
from app.audit import recent_events
from app.clock import kst
from app.cloud.devices import shown_description
from app.contract import SIGN_TYPES
from app.extensions import db
from app.models import AuditEvent, Bank, Certificate, RpClient

HISTORY_LENGTH = 20
# Recorded for the RA's books; the same issuance shows as "인증서 발급" with its bank.
NOT_SHOWN = {"order.redeemed"}


def event_labels() -> dict[str, str]:
    """What each kind of event is called, in the request's language."""
    return {
        "cloud.joined": gettext("클라우드 가입"),
        "certificate.issued": gettext("인증서 발급"),
        "certificate.renewed": gettext("인증서 갱신"),
        "certificate.revoked": gettext("인증서 폐지"),
        "certificate.locked": gettext("비밀번호 %(limit)d회 오류로 잠김", limit=rules.current().pin_max_failures),
        "pin.failed": gettext("비밀번호 오류"),
        "pin.changed": gettext("비밀번호 변경"),
        "signature.created": gettext("로그인·전자서명"),
        "cloud.accessed": gettext("클라우드 접근 허용"),
        "device.registered": gettext("자동연결 설정"),
        "device.used": gettext("자동연결로 접속"),
        "device.revoked": gettext("자동연결 해제"),
        "device.evicted": gettext("오래된 자동연결 해제"),
    }


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    label: str
    detail: str


def history(subscriber_id: int) -> list[HistoryEntry]:
    """The last events, newest first, in words."""
    events = [e for e in recent_events(subscriber_id, HISTORY_LENGTH + 5) if e.kind not in NOT_SHOWN]
    events = events[:HISTORY_LENGTH]
    rp_names = {client.org_code: client.name for client in db.session.scalars(db.select(RpClient))}
    bank_names = {bank.code: bank.name for bank in db.session.scalars(db.select(Bank))}
    serials = {event.certificate_serial for event in events if event.certificate_serial}
    banks_of_serial = {
        serial: bank_names.get(bank_code, bank_code)
        for serial, bank_code in db.session.execute(
            db.select(Certificate.serial, Certificate.bank_code).where(Certificate.serial.in_(serials))
        )
    }
    labels = event_labels()
    return [
        HistoryEntry(
            at=kst(event.at),
            label=labels.get(event.kind, event.kind),
            detail=_detail(event, rp_names, bank_names, banks_of_serial),
        )
        for event in events
    ]


def _detail(
    event: AuditEvent, rp_names: dict[str, str], bank_names: dict[str, str], banks_of_serial: dict[str, str]
) -> str:
    parts = []
    if event.rp_org_code:
        parts.append(rp_names.get(event.rp_org_code, event.rp_org_code))
    if event.detail.get("sign_type") in SIGN_TYPES:
        parts.append(gettext(SIGN_TYPES[event.detail["sign_type"]]))
    if event.detail.get("device"):  # recorded in Korean (``devices.described``)
        parts.append(shown_description(event.detail["device"]))
    bank = banks_of_serial.get(event.certificate_serial or "") or bank_names.get(event.bank_code or "", "")
    if bank:
        parts.append(gettext("%(bank)s 인증서", bank=bank))
    if event.kind == "pin.failed":
        parts.append(
            gettext("%(failures)s/%(limit)s회", failures=event.detail.get("failures"), limit=event.detail.get("limit"))
        )
    return " · ".join(part for part in parts if part)
