"""What the SDK asks for: ``POST /widget/transactions`` from a relying party's page, checked
against the RP's registration, turned into a widget transaction (docs/design.md, "The
relying-party contract")."""

from __future__ import annotations

from typing import Any

from app import contract
from app.errors import ServiceError
from app.models import WidgetTransaction
from app.rp.clients import client_for_sdk
from app.widget.steps import Flow
from app.widget.transactions import open_transaction

MAX_TEXTS = 10
MAX_TEXT_LENGTH = 4000


class BadSdkRequest(ServiceError):
    sdk_code = contract.BAD_REQUEST
    code = contract.BAD_REQUEST


def open_for_rp(body: dict[str, Any], *, origin: str, browser_id: str) -> WidgetTransaction:
    """The RP's request as a transaction: a login/signature, or 인증서 관리 (``op: "manage"``)."""
    client = client_for_sdk(body.get("orgCode"), body.get("apiKey"), origin)
    if body.get("op") == "manage":
        return open_transaction(Flow.MANAGE, browser_id, client=client, origin=origin, sign_type="08")
    sign_type, plain_texts = parse_sign_request(body)
    return open_transaction(
        Flow.SIGN,
        browser_id,
        client=client,
        origin=origin,
        sign_type=sign_type,
        plain_texts=plain_texts,
        nonce=body.get("nonce"),
    )


def parse_sign_request(body: dict[str, Any]) -> tuple[str, list[str]]:
    """The sign type and the texts to sign (a login signs "로그인" unless the RP says otherwise)."""
    sign_type = body.get("signType") or contract.LOGIN
    if sign_type not in contract.SIGN_TYPES:
        raise BadSdkRequest("signType은 01~08 또는 99여야 합니다.", field="signType")
    plain_texts = body.get("plainTexts")
    if plain_texts is None and sign_type == contract.LOGIN:
        plain_texts = [contract.SIGN_TYPES[contract.LOGIN]]
    if (
        not isinstance(plain_texts, list)
        or not 1 <= len(plain_texts) <= MAX_TEXTS
        or not all(isinstance(text, str) and 0 < len(text) <= MAX_TEXT_LENGTH for text in plain_texts)
    ):
        raise BadSdkRequest(
            f"plainTexts는 1~{MAX_TEXTS}개의 문자열(각 {MAX_TEXT_LENGTH}자 이내)이어야 합니다.", field="plainTexts"
        )
    return sign_type, plain_texts
