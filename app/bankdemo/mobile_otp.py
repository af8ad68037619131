"""모바일 OTP 등록: a customer verified at a branch swaps their medium for a phone OTP app,
enrolled by QR code (an ``otpauth://`` URI); the app's first code completes it."""

from __future__ import annotations

import pyotp

from app.bankdemo import customers as bank_customers
from app.errors import ServiceError
from app.extensions import db
from app.models import Bank, DemoBankCustomer

ISSUER = "금융인증서비스 데모"


class EnrollmentRefused(ServiceError):
    code = "enrollment_refused"
    message = "모바일 OTP를 등록할 수 없습니다."


def begin_enrollment(bank: Bank, ib_id: str, account_password: str) -> DemoBankCustomer:
    """Identify the customer (ID + account password, wrong passwords counted) and draw a new
    secret for the app; the caller shows its QR code."""
    customer = bank_customers.find_customer(bank.code, ib_id.strip())
    if customer is None or not customer.verified_at_branch:
        raise EnrollmentRefused("영업점에서 신원확인을 받은 인터넷뱅킹 ID가 아닙니다.", field="ib_id")
    limit = bank_customers.MAX_WRONG_ANSWERS
    if customer.wrong_answers >= limit:
        raise EnrollmentRefused(
            f"입력 오류가 {limit}회를 넘어 등록이 중단되었습니다. 신분증을 지참하여 영업점을 방문해주세요.",
            field="account_password",
            status=403,
        )
    if not bank_customers.account_password_matches(customer, account_password):
        count = bank_customers.count_wrong_answer(customer)
        raise EnrollmentRefused(
            f"계좌 비밀번호가 일치하지 않습니다. (오류 {count}/{limit}회)", field="account_password"
        )
    customer.pending_otp_secret = pyotp.random_base32()
    db.session.commit()
    return customer


def pending_enrollment(bank: Bank, customer_id: int | None) -> DemoBankCustomer:
    """The enrollment this browser started at this bank."""
    customer = db.session.get(DemoBankCustomer, customer_id or 0)
    if customer is None or customer.bank_code != bank.code or not customer.pending_otp_secret:
        raise EnrollmentRefused("모바일 OTP 등록을 처음부터 다시 해주세요.", status=409)
    return customer


def otpauth_uri(customer: DemoBankCustomer, bank: Bank) -> str:
    """The otpauth:// URI of the mobile OTP being enrolled (shown as a QR code)."""
    assert customer.pending_otp_secret
    return pyotp.TOTP(customer.pending_otp_secret).provisioning_uri(
        name=f"{bank.short_name}:{customer.ib_id}", issuer_name=ISSUER
    )


def finish_enrollment(customer: DemoBankCustomer, code: str) -> None:
    """The app's first code proves it holds the secret; from now on its codes are the medium."""
    secret = customer.pending_otp_secret
    if not secret or not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise EnrollmentRefused(
            "OTP 앱의 번호가 일치하지 않습니다. 앱에 표시된 최신 번호를 입력해주세요.", field="code"
        )
    customer.otp_secret = secret
    customer.pending_otp_secret = None
    customer.medium = "motp"
    customer.card_codes = None
    db.session.commit()
