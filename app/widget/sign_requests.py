"""A relying party's signature requests as a transaction keeps them: what to sign, in which
format, and the bytes each content turns into (``verifier.signed_content``). Parsed and checked
from the SDK's parameter objects by ``app/widget/sdk.py``; read by signing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app import contract
from app.clock import KST, utcnow
from app.errors import N_, ServiceError
from app.models import WidgetTransaction
from app.pki.cms import CmsOptions, SignatureFormat
from app.pki.verifier import signed_content

TIME_TOLERANCE = timedelta(minutes=10)


class BadSdkRequest(ServiceError):
    """A relying party's request the SDK reports as ``800001``, with the reason."""

    sdk_code = contract.BAD_REQUEST
    code = contract.BAD_REQUEST


@dataclass(frozen=True)
class SignRequest:
    """One of the SDK's ``sign`` parameter objects, checked."""

    sign_type: str
    format: str  # CMS | PKCS1
    without_content: bool
    general_syntax: bool
    time: str  # CLOUD_SERVER | YYYYMMDDHHmmss (KST)
    include_r: bool
    pss: bool
    content_type: str  # plainText | binary | hash
    contents: tuple[str, ...]
    encoding: str

    def signed_bytes(self, transaction: WidgetTransaction) -> list[bytes]:
        """What is signed for each content (``verifier.signed_content``)."""
        key = {"plainText": "plain_text", "binary": "binary", "hash": "hash"}[self.content_type]
        return [
            signed_content(
                org_code=transaction.rp_org_code or "",
                sign_type=self.sign_type,
                nonce=transaction.nonce or "",
                encoding=self.encoding,
                **{key: content},
            )
            for content in self.contents
        ]

    def signature_format(self) -> SignatureFormat:
        signing_time = None if self.time == "CLOUD_SERVER" else parse_sdk_time(self.time)
        return SignatureFormat(
            raw=self.format == "PKCS1",
            cms=CmsOptions(
                pss=self.pss,
                detached=self.without_content,
                content_info=self.general_syntax,
                signing_time=signing_time,
            ),
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "contents": list(self.contents)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignRequest:
        return cls(**{**data, "contents": tuple(data["contents"])})


def sign_requests(transaction: WidgetTransaction) -> list[SignRequest]:
    """The transaction's signature requests (a phone finishing a PC's request has the PC's)."""
    stored = (transaction.options or {}).get("requests")
    if stored:
        return [SignRequest.from_json(item) for item in stored]
    # A transaction opened before options existed: one login-style request of its texts.
    return [
        SignRequest(
            sign_type=transaction.sign_type or contract.LOGIN,
            format="CMS",
            without_content=True,
            general_syntax=True,
            time="CLOUD_SERVER",
            include_r=False,
            pss=False,
            content_type="plainText",
            contents=tuple(transaction.plain_texts),
            encoding="UTF-8",
        )
    ]


def parse_sdk_time(value: object) -> datetime:
    """``CMSInfo.time``: YYYYMMDDHHmmss in Korean time, within ten minutes of the service's clock."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{14}", value):
        raise BadSdkRequest(N_("CMSInfo.time은 CLOUD_SERVER 또는 YYYYMMDDHHmmss여야 합니다."), field="time")
    try:
        moment = datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=KST)
    except ValueError:
        raise BadSdkRequest(N_("CMSInfo.time이 존재하지 않는 시각입니다."), field="time") from None
    if abs(moment - utcnow().replace(tzinfo=UTC)) > TIME_TOLERANCE:
        minutes = int(TIME_TOLERANCE.total_seconds() // 60)
        raise BadSdkRequest(
            N_("CMSInfo.time은 현재 시각과 %(minutes)d분 이내여야 합니다."), params={"minutes": minutes}, field="time"
        )
    return moment
