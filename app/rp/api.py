"""RP API (site → service): one-time nonces and server-side verification, with the RP's secret."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.api_json import ApiError, bearer_token, collect_fields, json_object
from app.contract import SIGN_TYPES
from app.extensions import csrf
from app.models import RpClient
from app.personal_info import InvalidField
from app.pki.verifier import VerificationError, decode_signed_value, verify_vid
from app.rp.clients import NonceRejected, client_for_secret, issue_nonce
from app.rp.verification import verify_for_rp

bp = Blueprint("rp_api", __name__, url_prefix="/api/v1/rp")
csrf.exempt(bp)


def _client() -> RpClient:
    ratelimit.check("rp-api-ip")
    client = client_for_secret(bearer_token())
    if client is None:
        raise ApiError(401, "unauthorized", "이용기관 비밀키가 올바르지 않습니다.")
    ratelimit.check("rp-api-client", client.org_code)
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
    """A one-time nonce (10 minutes) to pass to ``FinCert.Sdk.sign``."""
    record = issue_nonce(_client())
    return jsonify(nonce=record.nonce, expires_at=record.expires_at.isoformat() + "Z"), 201


def _rrn(raw: str) -> str:
    digits = raw.replace("-", "")
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise InvalidField("", "주민등록번호는 숫자 13자리여야 합니다.")
    return digits


def _r_value(raw: str) -> bytes:
    """``rValue`` as the SDK returns it: base64 or base64url, padding optional."""
    try:
        value = decode_signed_value(raw.replace("+", "-").replace("/", "_").rstrip("="))
    except VerificationError:
        value = b""
    if not 0 < len(value) <= 64:
        raise InvalidField("", "rValue는 base64로 인코딩된 R 값이어야 합니다.")
    return value


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    """Verify one ``signedVals`` entry against the exact plaintext, sign type and nonce; with
    ``rrn`` and ``rValue``, also VID 본인확인 (``identity_verified``)."""
    client = _client()
    fields = collect_fields(
        json_object(),
        {
            "signedVal": _text(20000),
            "plainText": _text(4000),
            "signType": _sign_type,
            "nonce": _text(128),
            "rrn": _rrn,
            "rValue": _r_value,
        },
        optional=("rrn", "rValue"),
    )
    if (fields["rrn"] is None) != (fields["rValue"] is None):
        missing = "rValue" if fields["rValue"] is None else "rrn"
        raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {missing: "rrn과 rValue를 함께 보내주세요."})
    try:
        signer = verify_for_rp(
            client,
            signed_val=fields["signedVal"],
            plain_text=fields["plainText"],
            sign_type=fields["signType"],
            nonce=fields["nonce"],
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
    }
    if fields["rrn"] is not None:
        body["identity_verified"] = verify_vid(signer.certificate, fields["rrn"], fields["rValue"])
    return jsonify(body)
