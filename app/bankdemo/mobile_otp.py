"""모바일 OTP 등록: a customer verified at a branch swaps their medium for a phone OTP app.

Three proofs, like stage 1: the 인터넷뱅킹 ID and account password (wrong passwords counted on
the customer), the bank's 추가인증 (an SMS or ARS code to the phone the bank has on file), then
the app itself, enrolled by QR code (an ``otpauth://`` URI), whose first code completes it. The
customer is told by SMS that the medium changed: whoever knows the ID and password alone can no
longer swap the medium unnoticed.
"""

from __future__ import annotations

import pyotp

from app.bankdemo import customers as bank_customers
from app.errors import ServiceError
from app.extensions import db
from app.models import Bank, DemoBankCustomer, SmsChallenge
from app.sms.codes import SmsNotDelivered, check_code, resend_code, send_code
from app.sms.gateway import SmsDeliveryFailed, send_message

ISSUER = "금융인증서비스 데모"


class EnrollmentRefused(ServiceError):
    code = "enrollment_refused"
    message = "모바일 OTP를 등록할 수 없습니다."


class EnrollmentMissing(EnrollmentRefused):
    status = 409
    message = "모바일 OTP 등록을 처음부터 다시 해주세요."


def begin_enrollment(bank: Bank, ib_id: str, account_password: str) -> DemoBankCustomer:
    """Identify the customer (ID + account password, wrong passwords counted), then send the
    bank's 추가인증 code to the customer's phone on file."""
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
    challenge = send_code(customer.phone, "bank", channel=bank.extra_auth, sender=bank.name)
    customer.otp_enrollment_challenge_id = challenge.id
    customer.pending_otp_secret = None  # a new enrollment starts from its 추가인증
    db.session.commit()
    return customer


def enrolling_customer(bank: Bank, customer_id: int | None) -> DemoBankCustomer:
    """The customer whose enrollment this browser started at this bank."""
    customer = db.session.get(DemoBankCustomer, customer_id or 0)
    if customer is None or customer.bank_code != bank.code or customer.otp_enrollment_challenge_id is None:
        raise EnrollmentMissing()
    return customer


def extra_auth_challenge(customer: DemoBankCustomer) -> SmsChallenge:
    """The 추가인증 of the customer's enrollment in progress."""
    challenge = db.session.get(SmsChallenge, customer.otp_enrollment_challenge_id or 0)
    if challenge is None:
        raise EnrollmentMissing()
    return challenge


def resend_extra_auth(bank: Bank, customer: DemoBankCustomer) -> None:
    """재전송 (or 다시 걸기 for an ARS bank) of the 추가인증 code."""
    resend_code(extra_auth_challenge(customer), channel=bank.extra_auth, sender=bank.name)
    db.session.commit()


def confirm_extra_auth(customer: DemoBankCustomer, code: str) -> None:
    """추가인증: the right code draws the new secret for the app; the caller shows its QR code."""
    check_code(extra_auth_challenge(customer), code)
    if customer.pending_otp_secret is None:
        customer.pending_otp_secret = pyotp.random_base32()
    db.session.commit()


def pending_enrollment(bank: Bank, customer_id: int | None) -> DemoBankCustomer:
    """The enrollment this browser started at this bank, past its 추가인증."""
    customer = enrolling_customer(bank, customer_id)
    if not customer.pending_otp_secret or extra_auth_challenge(customer).verified_at is None:
        raise EnrollmentMissing()
    return customer


def otpauth_uri(customer: DemoBankCustomer, bank: Bank) -> str:
    """The otpauth:// URI of the mobile OTP being enrolled (shown as a QR code)."""
    assert customer.pending_otp_secret
    return pyotp.TOTP(customer.pending_otp_secret).provisioning_uri(
        name=f"{bank.short_name}:{customer.ib_id}", issuer_name=ISSUER
    )


def finish_enrollment(bank: Bank, customer: DemoBankCustomer, code: str) -> None:
    """The app's first code proves it holds the secret; from now on its codes are the medium,
    and the customer hears of it by SMS (no notice, no swap: a failed send changes nothing)."""
    secret = customer.pending_otp_secret
    if not secret or not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise EnrollmentRefused(
            "OTP 앱의 번호가 일치하지 않습니다. 앱에 표시된 최신 번호를 입력해주세요.", field="code"
        )
    customer.otp_secret = secret
    customer.pending_otp_secret = None
    customer.otp_enrollment_challenge_id = None
    customer.medium = "motp"
    customer.card_codes = None
    notice = (
        f"[{bank.name}] {customer.name}님의 보안매체가 모바일 OTP로 변경되었습니다. "
        f"본인이 등록하지 않았다면 즉시 {bank.name} 고객센터로 연락해주세요."
    )
    try:
        send_message(customer.phone, notice, channel="sms", purpose="notice", scope="notice")
    except SmsDeliveryFailed:
        db.session.rollback()
        raise SmsNotDelivered("변경 안내 문자를 보내지 못해 등록하지 않았습니다. 잠시 후 다시 입력해주세요.") from None
    db.session.commit()
