"""RA API (bank → service): ``POST /api/v1/ra/orders`` with the bank's bearer key."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.api_json import ApiError, bearer_token, choice, collect_fields, json_object
from app.extensions import csrf
from app.personal_info import InvalidField, normalise_email, normalise_name, normalise_phone, parse_birth_date
from app.pki.vid import parse_rrn
from app.ra.orders import KINDS, bank_for_api_key, place_order

bp = Blueprint("ra_api", __name__, url_prefix="/api/v1/ra")
csrf.exempt(bp)

ORDER_FIELDS = {
    "name": normalise_name,
    "phone": normalise_phone,
    "birth_date": parse_birth_date,
    "email": normalise_email,
    "kind": choice(*KINDS),
    # 주민등록번호 for VID 본인확인 (optional): used to compute the certificate's VID, never stored.
    "rrn": parse_rrn,
}


@bp.post("/orders")
def create_order() -> ResponseReturnValue:
    """A bank orders a certificate for a person it has identified (stage 1 done)."""
    ratelimit.check("ra-api-ip")
    bank = bank_for_api_key(bearer_token())
    if bank is None:
        raise ApiError(401, "unauthorized", "은행 API 키가 올바르지 않습니다.")
    ratelimit.check("ra-api-bank", bank.code)
    fields = collect_fields(json_object(), ORDER_FIELDS, optional=("email", "rrn"))
    if fields["rrn"] is not None:
        try:
            parse_rrn(fields["rrn"], fields["birth_date"])
        except InvalidField as error:
            raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {"rrn": error.message}) from None
    order, auth_code = place_order(bank, **fields)
    body = {
        "ref_num": order.ref_num,
        "auth_code": auth_code,
        "expires_at": order.expires_at.isoformat() + "Z",
        "bank_code": bank.code,
        "kind": order.kind,
    }
    return jsonify(body), 201
