"""RP API (site → service): one-time nonces and server-side verification, with the RP's secret."""

from __future__ import annotations

import re

from cryptography import x509
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.api_json import ApiError, bearer_token, collect_fields, given_or, json_object
from app.contract import SIGN_TYPES
from app.extensions import csrf
from app.models import RpClient
from app.personal_info import InvalidField
from app.pki.verifier import CONTENT_KINDS, ENCODINGS, VerificationError, decode_signed_value, verify_vid
from app.rp.clients import NonceRejected, client_for_secret, issue_nonce, register_own_nonce
from app.rp.verification import SignedItem, verify_for_rp

bp = Blueprint("rp_api", __name__, url_prefix="/api/v1/rp")
csrf.exempt(bp)


def _client() -> RpClient:
    """The RP whose server secret the call presents. Only wrong secrets count against the address
    (``rp-api-ip``): a secret is 256 random bits, so the count stops a flood of bad calls, and an
    RP's own traffic, authenticated, is never throttled."""
    client = client_for_secret(bearer_token())
    if client is None:
        ratelimit.check("rp-api-ip")
        raise ApiError(401, "unauthorized", "이용기관 비밀키가 올바르지 않습니다.")
    return client


def _text(limit: int):
    def parse(raw: str) -> str:
        if not 0 < len(raw) <= limit:
            raise InvalidField("", f"1~{limit}자여야 합니다.")
        return raw

    return parse


def _sign_type(raw: str) -> str:
    if raw not in SIGN_TYPES:
        raise InvalidField("", "signType은 01~08 또는 99여야 합니다.")
    return raw


@bp.post("/nonces")
def create_nonce() -> ResponseReturnValue:
    """A one-time nonce (10 minutes) to pass to ``FinCert.Sdk.sign``: the service's, or the RP's
    own (``{"nonce": "…"}``: 16–128 of ``A-Za-z0-9-_.~``, never seen before)."""
    client = _client()
    body = json_object() if request.content_length else {}
    own = body.get("nonce")
    try:
        record = register_own_nonce(client, own) if own is not None else issue_nonce(client)
    except NonceRejected as error:
        raise ApiError(422, "nonce_rejected", error.message, {"nonce": error.message}) from None
    return jsonify(nonce=record.nonce, expires_at=record.expires_at.isoformat() + "Z"), 201


def _rrn(raw: str) -> str:
    digits = raw.replace("-", "")
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise InvalidField("", "주민등록번호는 숫자 13자리여야 합니다.")
    return digits


_R_VALUE = re.compile(r"[A-Za-z0-9+/_-]+=*")


def _r_value(raw: str) -> bytes:
    """``rValue`` as the SDK returns it: base64 or base64url, padding optional (nothing else: the
    decoder would skip stray characters)."""
    if not _R_VALUE.fullmatch(raw):
        raise InvalidField("", "rValue는 base64로 인코딩된 R 값이어야 합니다.")
    try:
        value = decode_signed_value(raw.replace("+", "-").replace("/", "_").rstrip("="))
    except VerificationError:
        value = b""
    if not 0 < len(value) <= 64:
        raise InvalidField("", "rValue는 base64로 인코딩된 R 값이어야 합니다.")
    return value


MAX_ITEMS = 10


def _item(raw: object, index: int, default_sign_type: object) -> SignedItem:
    """One ``items`` entry: ``{"signedVal", "plainText"|"binary"|"hash", "signType"}``."""
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        raise _invalid(where, "객체여야 합니다.")
    signed_val = raw.get("signedVal")
    if not isinstance(signed_val, str) or not 0 < len(signed_val) <= 200_000:
        raise _invalid(f"{where}.signedVal", "서명값(base64url)이어야 합니다.")
    sign_type = raw.get("signType", default_sign_type)
    if not isinstance(sign_type, str) or sign_type not in SIGN_TYPES:
        raise _invalid(f"{where}.signType", "signType은 01~08 또는 99여야 합니다.")
    given = [kind for kind in CONTENT_KINDS if raw.get(kind) is not None]
    if len(given) != 1 or not isinstance(raw[given[0]], str) or not 0 < len(raw[given[0]]) <= 100_000:
        raise _invalid(where, "plainText, binary, hash 중 하나를 문자열로 보내주세요.")
    return SignedItem(signed_val=signed_val, sign_type=sign_type, content_type=given[0], content=raw[given[0]])


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {field: message})


def _items(body: dict) -> list[SignedItem]:
    """``items`` for a multi-sign result, or the one-value shape ``{signedVal, plainText|binary|hash}``."""
    raw_items = body.get("items")
    if raw_items is None:
        raw_items = [{key: body.get(key) for key in ("signedVal", "signType", *CONTENT_KINDS)}]
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_ITEMS:
        raise _invalid("items", f"1~{MAX_ITEMS}개의 서명값이어야 합니다.")
    return [_item(raw, index, body.get("signType")) for index, raw in enumerate(raw_items)]


def _certificate(body: dict) -> x509.Certificate | None:
    pem = body.get("certificate")
    if pem is None:
        return None
    try:
        return x509.load_pem_x509_certificate(str(pem).encode())
    except ValueError:
        raise _invalid("certificate", "PEM 형식의 인증서여야 합니다.") from None


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    """Verify a result's signed values — one, or all of a multi-sign session bound to one nonce —
    against exactly what the RP asked to sign (CMS detached or attached, or PKCS1 with the
    result's ``certificate``); with ``rrn`` and ``rValue``, also VID 본인확인
    (``identity_verified``). The nonce is used up."""
    client = _client()
    body = json_object()
    fields = collect_fields(
        {key: body.get(key) for key in ("nonce", "rrn", "rValue")},
        {"nonce": _text(128), "rrn": _rrn, "rValue": _r_value},
        optional=("rrn", "rValue"),
    )
    if (fields["rrn"] is None) != (fields["rValue"] is None):
        missing = "rValue" if fields["rValue"] is None else "rrn"
        raise _invalid(missing, "rrn과 rValue를 함께 보내주세요.")
    signature_format = given_or(body.get("format"), "CMS")
    if signature_format not in ("CMS", "PKCS1"):
        raise _invalid("format", "CMS 또는 PKCS1이어야 합니다.")
    encoding = given_or(body.get("encoding"), "UTF-8")
    if not isinstance(encoding, str) or encoding not in ENCODINGS:
        raise _invalid("encoding", "UTF-8 또는 EUC-KR이어야 합니다.")
    items = _items(body)
    certificate = _certificate(body)
    if signature_format == "PKCS1" and certificate is None:
        raise _invalid("certificate", "PKCS1 서명을 검증하려면 결과의 certificate(PEM)를 보내주세요.")
    try:
        signer = verify_for_rp(
            client,
            nonce=fields["nonce"],
            items=items,
            format=signature_format,
            certificate=certificate,
            encoding=encoding,
        )
    except VerificationError as error:
        raise ApiError(422, error.code, error.message) from None
    except NonceRejected as error:
        raise ApiError(422, "nonce_rejected", error.message) from None
    body = {
        "name": signer.name,
        "bank_code": signer.bank_code,
        "bank_name": signer.bank_name,
        "serial": signer.serial,
        "subject": signer.subject,
        "signing_time": signer.signing_time.isoformat(),
        "revocation_checked_by": signer.revocation_source,
        "verified": len(items),
    }
    if fields["rrn"] is not None:
        body["identity_verified"] = verify_vid(signer.certificate, fields["rrn"], fields["rValue"])
    return jsonify(body)
