"""What the SDK asks for: ``POST /widget/transactions`` from a relying party's page, checked
against the RP's registration and turned into a widget transaction (docs/design.md, "The
relying-party contract").

The body (built by ``static/js/fincert.js`` from the SDK's parameter objects)::

    {"orgCode", "apiKey", "lang": "kor"|"eng", "op": "sign"|"manage"|"issue"|"certlist",
     "nonce",                                   # sign, certlist
     "requests": [{"signType", "format": "CMS"|"PKCS1", "withoutContent", "generalSyntax",
                   "time": "CLOUD_SERVER"|"YYYYMMDDHHmmss", "includeR", "algorithm",
                   "contentType": "plainText"|"binary"|"hash", "contents": [...],
                   "encoding": "UTF-8"|"EUC-KR"}, ...],          # sign: one per parameter object
     "view": {"lastAccessCert", "certSeqNum", "enableTextView", "oid"},
     "authData": {"name", "phone", "birthday", "disableInput"},
     "refNum", "authCode"}                      # issue

Every value is checked here; what cannot be honoured is refused with ``800001`` and a reason.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Any

from flask import current_app

from app import contract, ratelimit
from app.api_json import given_or
from app.errors import N_, ServiceError
from app.models import WidgetTransaction
from app.personal_info import hidden_character, normalise_name, normalise_phone, parse_birth_date
from app.rp.clients import client_for_sdk
from app.widget import issuance
from app.widget.sign_requests import BadSdkRequest, SignRequest, parse_sdk_time
from app.widget.steps import Flow
from app.widget.transactions import open_transaction

MAX_CONTENTS = 10  # signatures in one widget session (all parameter objects together)
MAX_TEXT_LENGTH = 4000
MAX_BINARY_BYTES = 64 * 1024
HASH_BYTES = 32  # SHA-256
ALGORITHMS = {"RSASSA-PKCS1-v1_5_SHA256": False, "RSASSA-PSS_SHA256_MGF_SHA256": True}
LANGUAGES = ("kor", "eng")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def open_for_rp(body: dict[str, Any], *, origin: str, browser_id: str) -> WidgetTransaction:
    """The RP's request as a transaction: a login/signature, 인증서 관리, stage 2 of an issuance
    or the certificate list (``getCertInfoList``)."""
    client = client_for_sdk(body.get("orgCode"), body.get("apiKey"), origin)
    # The SDK key is public: a copy of it must not open transactions without bound, whatever
    # the addresses it comes from (the views count each address too).
    ratelimit.check("widget-create-rp", client.org_code)
    op = given_or(body.get("op"), "sign")
    common = {"client": client, "origin": origin, "lang": _language(body.get("lang"))}
    options = {"view": parse_view(body.get("view")), "auth": parse_auth_data(body.get("authData"))}
    if op == "manage":
        return open_transaction(Flow.MANAGE, browser_id, sign_type="08", options=options, **common)
    if op == "certlist":
        return open_transaction(Flow.CERT_LIST, browser_id, nonce=body.get("nonce"), options=options, **common)
    if op == "issue":
        return issuance.start(
            _text(body.get("refNum"), "refNum"), _text(body.get("authCode"), "authCode"), browser_id, **common
        )
    if op != "sign":
        raise BadSdkRequest(N_("알 수 없는 요청입니다(%(op)s)."), params={"op": str(op)[:20]}, field="op")
    requests = parse_sign_requests(body)
    options["requests"] = [request.as_json() for request in requests]
    texts = [text for request in requests if request.content_type == "plainText" for text in request.contents]
    return open_transaction(
        Flow.SIGN,
        browser_id,
        sign_type=requests[0].sign_type,
        plain_texts=texts,
        nonce=body.get("nonce"),
        options=options,
        **common,
    )


def _language(value: object) -> str:
    if value in (None, ""):
        return "kor"
    if value not in LANGUAGES:
        raise BadSdkRequest(N_("lang은 'kor' 또는 'eng'여야 합니다."), field="lang")
    return str(value)


def _text(value: object, field: str, limit: int = 40) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise BadSdkRequest(N_("%(field)s 값이 올바르지 않습니다."), params={"field": field}, field=field)
    return value


def _flag(item: dict[str, Any], name: str, default: bool) -> bool:
    value = item.get(name, default)
    if not isinstance(value, bool):
        raise BadSdkRequest(N_("%(field)s은(는) true 또는 false여야 합니다."), params={"field": name}, field=name)
    return value


def parse_sign_requests(body: dict[str, Any]) -> list[SignRequest]:
    """The ``requests`` list (or the older one-request shape ``{signType, plainTexts}``)."""
    items = body.get("requests")
    if items is None:
        items = [{"signType": body.get("signType"), "contentType": "plainText", "contents": body.get("plainTexts")}]
    if not isinstance(items, list) or not items:
        raise BadSdkRequest(N_("서명할 요청이 없습니다."), field="requests")
    requests = [parse_sign_request(item) for item in items]
    if sum(len(request.contents) for request in requests) > MAX_CONTENTS:
        raise BadSdkRequest(
            N_("한 번에 서명할 수 있는 내용은 %(limit)d개까지입니다."), params={"limit": MAX_CONTENTS}, field="contents"
        )
    return requests


def parse_sign_request(item: object) -> SignRequest:
    """One parameter object; see the module's docstring for the fields."""
    if not isinstance(item, dict):
        raise BadSdkRequest(N_("서명 요청 형식이 올바르지 않습니다."), field="requests")
    sign_type = given_or(item.get("signType"), contract.LOGIN)
    if not isinstance(sign_type, str) or sign_type not in contract.SIGN_TYPES:
        raise BadSdkRequest(N_("signType은 01~08 또는 99여야 합니다."), field="signType")
    signature_format = given_or(item.get("format"), "CMS")
    if signature_format not in ("CMS", "PKCS1"):
        raise BadSdkRequest(N_("signFormat.type은 CMS 또는 PKCS1이어야 합니다."), field="format")
    algorithm = given_or(item.get("algorithm"), "RSASSA-PKCS1-v1_5_SHA256")
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        raise BadSdkRequest(
            N_("algorithms는 RSASSA-PKCS1-v1_5_SHA256 또는 RSASSA-PSS_SHA256_MGF_SHA256이어야 합니다."),
            field="algorithm",
        )
    without_content = _flag(item, "withoutContent", True)
    general_syntax = _flag(item, "generalSyntax", True)
    time = given_or(item.get("time"), "CLOUD_SERVER")
    if signature_format == "PKCS1" and (not without_content or not general_syntax or time != "CLOUD_SERVER"):
        raise BadSdkRequest(
            N_("PKCS1 서명은 내용·서명 시각을 담지 않습니다. CMSInfo 옵션은 CMS에만 쓸 수 있습니다."), field="CMSInfo"
        )
    if time != "CLOUD_SERVER":
        parse_sdk_time(time)
    encoding = given_or(item.get("encoding"), "UTF-8")
    if encoding not in ("UTF-8", "EUC-KR"):
        raise BadSdkRequest(N_("encoding은 UTF-8 또는 EUC-KR이어야 합니다."), field="encoding")
    content_type = given_or(item.get("contentType"), "plainText")
    contents = _contents(content_type, item.get("contents"), sign_type)
    request = SignRequest(
        sign_type=sign_type,
        format=signature_format,
        without_content=without_content,
        general_syntax=general_syntax,
        time=time,
        include_r=_flag(item, "includeR", False),
        pss=ALGORITHMS[algorithm],
        content_type=content_type,
        contents=contents,
        encoding=encoding,
    )
    if encoding == "EUC-KR":
        try:
            request.signed_bytes(WidgetTransaction(rp_org_code="", nonce=""))
        except UnicodeEncodeError:
            raise BadSdkRequest(N_("EUC-KR로 나타낼 수 없는 글자가 있습니다."), field="plainTexts") from None
    return request


def _contents(content_type: object, contents: object, sign_type: str) -> tuple[str, ...]:
    if contents is None and content_type == "plainText" and sign_type == contract.LOGIN:
        contents = [contract.SIGN_TYPES[contract.LOGIN]]
    if not isinstance(contents, list) or not 1 <= len(contents) <= MAX_CONTENTS:
        raise BadSdkRequest(
            N_("서명할 내용은 1~%(limit)d개여야 합니다."), params={"limit": MAX_CONTENTS}, field="contents"
        )
    if content_type == "plainText":
        return tuple(checked_text(text) for text in contents)
    if content_type == "binary":
        return tuple(_base64url(value, "binaries", max_bytes=MAX_BINARY_BYTES) for value in contents)
    if content_type == "hash":
        return tuple(_base64url(value, "hashes", exact_bytes=HASH_BYTES) for value in contents)
    raise BadSdkRequest(N_("content는 plainText, binary, hash 중 하나여야 합니다."), field="content")


def checked_text(text: object) -> str:
    """A text to show and sign: a string, NFC-normalised, whose every character shows as itself
    (``personal_info.hidden_character``, lines and tabs allowed): bidi overrides such as U+202E
    could make the text shown differ from the text signed."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT_LENGTH:
        raise BadSdkRequest(
            N_("plainTexts는 문자열(각 1~%(limit)d자)이어야 합니다."),
            params={"limit": MAX_TEXT_LENGTH},
            field="plainTexts",
        )
    text = unicodedata.normalize("NFC", text)
    hidden = hidden_character(text, multiline=True)
    if hidden is not None:
        raise BadSdkRequest(
            N_(
                "plainTexts에 화면에 보이지 않는 제어 문자(U+%(code_point)04X)가 있습니다. "
                "보이는 글자만 서명할 수 있습니다."
            ),
            params={"code_point": ord(hidden)},
            field="plainTexts",
        )
    return text


def _not_base64url(field: str) -> BadSdkRequest:
    return BadSdkRequest(N_("%(field)s는 base64url 문자열이어야 합니다."), params={"field": field}, field=field)


def _base64url(value: object, field: str, *, max_bytes: int | None = None, exact_bytes: int | None = None) -> str:
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise _not_base64url(field)
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise _not_base64url(field) from None
    if exact_bytes is not None and len(decoded) != exact_bytes:
        message = N_("%(field)s는 SHA-256 해시(%(bytes)d바이트)여야 합니다.")
        raise BadSdkRequest(message, params={"field": field, "bytes": exact_bytes}, field=field)
    if max_bytes is not None and not 0 < len(decoded) <= max_bytes:
        message = N_("%(field)s는 1~%(bytes)d바이트여야 합니다.")
        raise BadSdkRequest(message, params={"field": field, "bytes": max_bytes}, field=field)
    return value


def parse_view(view: object) -> dict[str, Any]:
    """``view``: lastAccessCert, certSeqNum (preselect), enableTextView, oid (the policy)."""
    if view in (None, {}):
        return {}
    if not isinstance(view, dict):
        raise BadSdkRequest(N_("view 형식이 올바르지 않습니다."), field="view")
    checked: dict[str, Any] = {
        "lastAccessCert": _flag(view, "lastAccessCert", False),
        "enableTextView": _flag(view, "enableTextView", False),
    }
    serial = view.get("certSeqNum")
    if serial not in (None, ""):
        if not isinstance(serial, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,40}", serial):
            raise BadSdkRequest(N_("view.certSeqNum은 인증서 일련번호(16진수)여야 합니다."), field="certSeqNum")
        checked["certSeqNum"] = serial.upper()
    oid = view.get("oid")
    if oid not in (None, "") and oid != current_app.config["POLICY_OID"]:
        raise BadSdkRequest(
            N_("이 서비스의 금융인증서 정책은 %(oid)s입니다. 다른 정책의 인증서는 없습니다."),
            params={"oid": current_app.config["POLICY_OID"]},
            field="oid",
        )
    return checked


def parse_auth_data(auth: object) -> dict[str, Any]:
    """``setAuthData``: 가입정보 to pre-fill, and with ``disableInput`` to hold to."""
    if auth in (None, {}):
        return {}
    if not isinstance(auth, dict):
        raise BadSdkRequest(N_("setAuthData 형식이 올바르지 않습니다."), field="authData")
    # Strings only, as the SDK sends them: a number or true is no name, phone or birth date.
    name, phone, birthday = (auth.get(key) for key in ("name", "phone", "birthday"))
    if not all(isinstance(value, str | None) for value in (name, phone, birthday)):
        raise BadSdkRequest(N_("setAuthData의 name, phone, birthday는 문자열이어야 합니다."), field="authData")
    try:
        name = normalise_name(name or "")
        phone = normalise_phone(phone or "")
        birth_date = parse_birth_date(birthday or "")
    except ServiceError as error:
        raise BadSdkRequest(N_("setAuthData: %(reason)s"), params={"reason": error}, field=error.field) from None
    return {
        "name": name,
        "phone": phone,
        "birth_date": birth_date.isoformat(),
        "locked": _flag(auth, "disableInput", False),
    }
