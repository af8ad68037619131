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
from app.pki.verifier import VerificationError
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


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    """Verify one ``signedVals`` entry against the exact plaintext, sign type and nonce."""
    client = _client()
    fields = collect_fields(
        json_object(),
        {"signedVal": _text(20000), "plainText": _text(4000), "signType": _sign_type, "nonce": _text(128)},
    )
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
    return jsonify(
        name=signer.name,
        bank_code=signer.bank_code,
        bank_name=signer.bank_name,
        serial=signer.serial,
        subject=signer.subject,
        signing_time=signer.signing_time.isoformat(),
    )
