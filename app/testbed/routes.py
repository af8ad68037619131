"""Test bed for integrators (like the real service's test-certificate page); 404 unless enabled.

``POST /testbed/subscribers`` creates a subscriber and a certificate in one call, and
``GET /testbed/outbox?to=`` shows the SMS sent to a number, so that an integrator's
Playwright tests can log in without a bank.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding
from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.api_json import ApiError, collect_fields, json_object
from app.banks import UnknownBank, get_bank
from app.cloud.certificates import find_or_create_subscriber, issue_certificate, x509_of
from app.cloud.pin_rules import PinRuleViolation, check_new_pin
from app.extensions import csrf, db
from app.personal_info import InvalidField, normalise_name, normalise_phone, parse_birth_date
from app.pki.vid import new_vid, parse_rrn
from app.sms.gateway import outbox_for

bp = Blueprint("testbed", __name__, url_prefix="/testbed")
csrf.exempt(bp)


@bp.before_request
def only_when_enabled() -> None:
    """Creating certificates without a bank must never be possible in production."""
    if not current_app.config.get("TESTBED"):
        abort(404)
    ratelimit.check("testbed-ip")


def _bank_code(raw: str) -> str:
    try:
        return get_bank(raw).code
    except UnknownBank:
        raise InvalidField("bank_code", "발급 은행 코드(3자리)가 올바르지 않습니다.") from None


def _pin(raw: str) -> str:
    if len(raw) != 6 or not raw.isascii() or not raw.isdigit():
        raise InvalidField("pin", "비밀번호는 숫자 6자리여야 합니다.")
    return raw


FIELDS = {
    "name": normalise_name,
    "phone": normalise_phone,
    "birth_date": parse_birth_date,
    "bank_code": _bank_code,
    "pin": _pin,
    "rrn": parse_rrn,  # optional: a (fictitious) 주민등록번호 gives the certificate a VID
}


@bp.post("/subscribers")
def create_subscriber() -> ResponseReturnValue:
    """A subscriber and a certificate in one call: ``{serial, cert_pem, subject}``."""
    fields = collect_fields(json_object(), FIELDS, optional=("rrn",))
    try:
        check_new_pin(fields["pin"], fields["birth_date"])
    except PinRuleViolation as error:
        raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {"pin": error.message}) from None
    if fields["rrn"] is not None:
        try:
            parse_rrn(fields["rrn"], fields["birth_date"])
        except InvalidField as error:
            raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {"rrn": error.message}) from None
    subscriber = find_or_create_subscriber(fields["name"], fields["phone"], fields["birth_date"])
    vid = new_vid(fields["rrn"]) if fields["rrn"] else None
    certificate = issue_certificate(subscriber, get_bank(fields["bank_code"]), fields["pin"], vid=vid)
    db.session.commit()

    pem = x509_of(certificate).public_bytes(Encoding.PEM).decode()
    return jsonify(serial=certificate.serial, cert_pem=pem, subject=certificate.subject_cn), 201


@bp.get("/outbox")
def outbox() -> ResponseReturnValue:
    """Messages sent to ``?to=`` (newest first)."""
    try:
        phone = normalise_phone(request.args.get("to", ""))
    except InvalidField as error:
        raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", {"to": error.message}) from None
    messages = [
        {"to": m.to, "channel": m.channel, "body": m.body, "sent_at": m.created_at.isoformat() + "Z"}
        for m in outbox_for(phone)
    ]
    return jsonify(messages=messages)


@bp.get("/customers")
def customers() -> ResponseReturnValue:
    """The demo banks' customers with their current OTP codes and security cards (a page)."""
    from app.bankdemo.customers import DEMO_ACCOUNT_PASSWORD, current_otp, customers_of
    from app.rendering import render_page

    bank_code = request.args.get("bank") or None
    return render_page(
        "partials/testbed/customers.html",
        customers=customers_of(bank_code),
        current_otp=current_otp,
        password=DEMO_ACCOUNT_PASSWORD,
        bank_code=bank_code,
    )
