"""최근 이용 내역: a subscriber's recent audit events, in words (shown in 인증서 관리)."""

from __future__ import annotations

from dataclasses import dataclass

from app import rules
from app.audit import recent_events
from app.contract import SIGN_TYPES
from app.extensions import db
from app.models import AuditEvent, RpClient

HISTORY_LENGTH = 20


def event_labels() -> dict[str, str]:
    return {
        "cloud.joined": "클라우드 가입",
        "order.redeemed": "금융인증서 발급",
        "certificate.issued": "인증서 발급",
        "certificate.renewed": "인증서 갱신",
        "certificate.revoked": "인증서 폐지",
        "certificate.locked": f"비밀번호 {rules.current().pin_max_failures}회 오류로 잠김",
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


def history(subscriber_id: int) -> list[HistoryEntry]:
    """The last events, newest first, in words."""
    names = {client.org_code: client.name for client in db.session.scalars(db.select(RpClient))}
    labels = event_labels()
    return [
        HistoryEntry(
            at=f"{event.at:%Y-%m-%d %H:%M}", label=labels.get(event.kind, event.kind), detail=_detail(event, names)
        )
        for event in recent_events(subscriber_id, HISTORY_LENGTH)
    ]


def _detail(event: AuditEvent, names: dict[str, str]) -> str:
    parts = []
    if event.rp_org_code:
        parts.append(names.get(event.rp_org_code, event.rp_org_code))
    if event.detail.get("sign_type"):
        parts.append(SIGN_TYPES.get(event.detail["sign_type"], ""))
    if event.detail.get("device"):
        parts.append(event.detail["device"])
    if event.kind == "pin.failed":
        parts.append(f"{event.detail.get('failures')}/{event.detail.get('limit')}회")
    if event.bank_code:
        parts.append(event.bank_code)
    return " · ".join(part for part in parts if part)
