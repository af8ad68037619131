"""What this RP asks the widget for, page by page: a table read top to bottom.

A scenario is one page with one button. Its parts are the SDK's parameter objects (one, or
several for a multi-sign); the same table says what the page sends and what the server later
verifies, so the two cannot drift apart.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

PKCS1_V15 = "RSASSA-PKCS1-v1_5_SHA256"
PSS = "RSASSA-PSS_SHA256_MGF_SHA256"
LOGIN_TEXT = "로그인"  # what a login without plainTexts signs (README, "What is signed")


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class Content:
    """One content to sign, as the verify API and the verifier name it."""

    kind: str  # plainText | binary
    value: str  # the text, or the base64url string as sent


@dataclass(frozen=True)
class Part:
    """One SDK parameter object: a sign type, its contents and how to sign them."""

    sign_type: str
    texts: tuple[str, ...] = ()
    binaries: tuple[bytes, ...] = ()
    format: str = "CMS"
    algorithm: str = PKCS1_V15
    attached: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # sent as it is: the bad and the unknown options

    def contents(self) -> list[Content]:
        if self.binaries:
            return [Content("binary", base64url(data)) for data in self.binaries]
        return [Content("plainText", text) for text in self.texts or (LOGIN_TEXT,)]

    def sdk_parameters(self, nonce: str) -> dict[str, Any]:
        """The object the page hands to ``FinCert.Sdk.sign`` (callbacks are added by the page)."""
        signature_format: dict[str, Any] = {"type": self.format}
        if self.format == "CMS":
            signature_format["CMSInfo"] = {"withoutContent": not self.attached, "generalSyntax": True}
        parameters: dict[str, Any] = {
            "signFormat": signature_format,
            "algorithms": self.algorithm,
            "info": {"signType": self.sign_type},
            "nonce": nonce,
            "view": {},
        }
        if self.binaries:
            parameters["content"] = {"binary": {"binaries": [content.value for content in self.contents()]}}
        elif self.texts:  # a login may leave the content out: it then signs 로그인
            parameters["content"] = {"plainText": {"plainTexts": list(self.texts), "encoding": "UTF-8"}}
        return {**parameters, **self.extra}


@dataclass(frozen=True)
class Scenario:
    """One page of this RP: what its button asks the widget for."""

    slug: str
    heading: str
    button: str
    parts: tuple[Part, ...] = ()
    action: str = "sign"  # sign | certlist
    wrong_api_key: bool = False  # a page deployed with a stale key
    frame_src_allows_service: bool = True  # False: a CSP that forgot frame-src
    auth_data: dict[str, Any] | None = None  # setAuthData before the request
    cloud_buttons: bool = False  # checkCloudConn / disconnectCloudConn on the page
    lang: str = "kor"  # init's lang: the widget's language

    @property
    def format(self) -> str:
        return self.parts[0].format if self.parts else "CMS"

    def sdk_parameters(self, nonce: str) -> dict[str, Any] | list[dict[str, Any]]:
        """One parameter object, or an array of them for a multi-sign (one nonce for all)."""
        objects = [part.sdk_parameters(nonce) for part in self.parts]
        return objects if len(objects) > 1 else objects[0]

    def expected(self) -> list[tuple[Part, Content]]:
        """Every content in the order the result's ``signedVals`` come back."""
        return [(part, content) for part in self.parts for content in part.contents()]


LOGIN = Part("01")
TRANSFER_TEXT = "[바깥 이용기관] 송금\n받는 분: 신한은행 110-222-333444 김영희\n금액: 52,000원"
CONTRACT_TEXT = "[바깥 이용기관] 전자계약\n정기구독 약관(2026-11 판)에 동의합니다.\n월 9,900원, 매월 1일 결제"
BINARY_DOCUMENT = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n\x00\x01\xfe\xff trailer\n"

SCENARIOS = {
    scenario.slug: scenario
    for scenario in (
        Scenario("login", "로그인", "금융인증서 로그인", (LOGIN,), cloud_buttons=True),
        Scenario("english", "로그인 (English)", "Log in with FinCert", (LOGIN,), lang="eng"),
        Scenario("transfer", "송금", "금융인증서로 송금", (Part("02", (TRANSFER_TEXT,)),)),
        Scenario(
            "multi",
            "결제 두 건과 계약 한 건",
            "한 번에 서명",
            (
                Part("05", ("결제 1: 도서 12,000원", "결제 2: 음반 18,000원")),
                Part("04", ("전자계약: 정기구독 약관 동의",)),
            ),
        ),
        Scenario("pkcs1", "PKCS1 서명", "PKCS1로 서명", (Part("05", ("PKCS1 결제 9,900원",), format="PKCS1"),)),
        Scenario("pss", "RSASSA-PSS 서명", "PSS로 서명", (Part("05", ("PSS 결제 33,000원",), algorithm=PSS),)),
        Scenario("attached", "전자계약 (내용 포함)", "계약서에 서명", (Part("04", (CONTRACT_TEXT,), attached=True),)),
        Scenario("binary", "증명서 파일", "파일에 서명", (Part("06", binaries=(BINARY_DOCUMENT,)),)),
        Scenario(
            "bad-option",
            "잘못된 옵션",
            "SHA-1로 서명",
            (Part("05", ("결제",), extra={"algorithms": "RSASSA-PKCS1-v1_5_SHA1"}),),
        ),
        Scenario(
            "unknown-option", "모르는 옵션", "테마를 정해 서명", (Part("05", ("결제",), extra={"theme": "dark"}),)
        ),
        Scenario("wrong-key", "잘못된 apiKey", "금융인증서 로그인", (LOGIN,), wrong_api_key=True),
        Scenario("no-frame", "frame-src 누락", "금융인증서 로그인", (LOGIN,), frame_src_allows_service=False),
        Scenario(
            "identity",
            "지정한 분의 로그인",
            "금융인증서 로그인",
            (LOGIN,),
            auth_data={"name": "홍길동", "phone": "010-1234-5678", "birthday": "19900101", "disableInput": True},
        ),
        Scenario("certlist", "내 인증서 목록", "인증서 목록 가져오기", action="certlist"),
    )
}
