"""Stage 1 at a bank (온라인 신원확인 / 가입자 등록), one step at a time, owned by the server.

    terms → kind → customer → extra → contact → media → done

Each step is accepted only in order; an application is bound to the browser, expires when
abandoned, and cannot be replayed once the order is placed. Wrong account passwords and
wrong security-medium answers count on the customer: the fifth stops the issuance.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import current_app

from app.bankdemo import customers as bank_customers
from app.bankdemo.customers import CardChallenge
from app.banks import get_bank
from app.clock import utcnow
from app.extensions import db
from app.keyed_hash import seal_value, unseal_value
from app.models import Bank, DemoBankApplication, DemoBankCustomer, SmsChallenge
from app.ra.orders import place_order
from app.sms.codes import check_code, resend_code, send_code
from app.widget.flow import browser_hash

STEPS = ("terms", "kind", "customer", "extra", "contact", "media", "done")
STEP_LABELS = {
    "terms": "이용약관 동의",
    "kind": "발급 신청",
    "customer": "고객정보 입력",
    "extra": "추가인증",
    "contact": "개인정보 입력",
    "media": "보안매체 인증",
    "done": "금융인증서 발급/저장",
}


class ApplicationError(Exception):
    """Something the customer must fix; ``field`` says where to show ``message``."""

    status = 422
    field = "form"
    message = "입력 내용을 확인해주세요."

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if field:
            self.field = field


class ApplicationGone(ApplicationError):
    status = 410
    message = "발급 신청 시간이 지났습니다. 처음부터 다시 신청해주세요."


class ApplicationMissing(ApplicationError):
    status = 404
    message = "발급 신청을 찾을 수 없습니다. 처음부터 다시 신청해주세요."


class ApplicationFinished(ApplicationError):
    status = 409
    message = "이미 완료된 발급 신청입니다. 새로 발급하려면 처음부터 다시 신청해주세요."


class ApplicationOutOfOrder(ApplicationError):
    status = 409
    message = "진행 순서가 올바르지 않습니다. 현재 단계부터 계속해주세요."


class ApplicationStopped(ApplicationError):
    status = 403
    message = "입력 오류가 5회를 넘어 발급이 중단되었습니다. 신분증을 지참하여 영업점을 방문해주세요."


def _ttl() -> timedelta:
    return timedelta(seconds=int(current_app.config["BANK_APPLICATION_TTL"]))


def start(bank: Bank, browser_id: str) -> DemoBankApplication:
    """금융인증서 발급/재발급: a new application at this bank."""
    now = utcnow()
    application = DemoBankApplication(
        id=secrets.token_urlsafe(18),
        bank_code=bank.code,
        browser_hash=browser_hash(browser_id),
        step="terms",
        created_at=now,
        expires_at=now + _ttl(),
    )
    db.session.add(application)
    db.session.commit()
    return application


def load(application_id: str, bank_code: str, browser_id: str | None) -> DemoBankApplication:
    application = db.session.get(DemoBankApplication, application_id) if len(application_id) <= 40 else None
    if application is None or application.bank_code != bank_code:
        raise ApplicationMissing()
    if not browser_id or application.browser_hash != browser_hash(browser_id):
        raise ApplicationMissing()
    if application.status == "open" and application.expires_at <= utcnow():
        raise ApplicationGone()
    return application


def expect_step(application: DemoBankApplication, step: str) -> None:
    if application.status == "stopped":
        raise ApplicationStopped(application.stop_reason)
    if application.status == "done":
        raise ApplicationFinished()
    if application.step != step:
        raise ApplicationOutOfOrder()


def accept_terms(application: DemoBankApplication) -> None:
    """이용약관 동의 (the form makes every required consent mandatory)."""
    expect_step(application, "terms")
    application.step = "kind"
    db.session.commit()


def choose_kind(application: DemoBankApplication, kind: str) -> None:
    """발급 신청: 발급 or 재발급 (재발급 also resets a forgotten or locked PIN)."""
    expect_step(application, "kind")
    if kind not in ("issue", "reissue"):
        raise ApplicationError("발급 또는 재발급을 선택해주세요.", "kind")
    application.kind = kind
    application.step = "customer"
    db.session.commit()


def _customer(application: DemoBankApplication) -> DemoBankCustomer:
    customer = db.session.get(DemoBankCustomer, application.customer_id)
    assert customer is not None
    return customer


def _count_wrong(application: DemoBankApplication, customer: DemoBankCustomer, message: str, field: str) -> None:
    count = bank_customers.count_wrong_answer(customer)
    if count >= bank_customers.MAX_WRONG_ANSWERS:
        application.status = "stopped"
        application.stop_reason = ApplicationStopped.message
        db.session.commit()
        raise ApplicationStopped()
    raise ApplicationError(f"{message} (오류 {count}/{bank_customers.MAX_WRONG_ANSWERS}회)", field)


def identify_customer(
    application: DemoBankApplication,
    *,
    ib_id: str,
    name: str,
    birth_date: date,
    account_number: str,
    account_password: str,
) -> None:
    """고객정보 입력 (온라인 신원확인): only customers verified face to face at a branch."""
    expect_step(application, "customer")
    customer = bank_customers.find_customer(application.bank_code, ib_id)
    if customer is None or (customer.name, customer.birth_date) != (name, birth_date):
        raise ApplicationError("인터넷뱅킹 ID, 이름, 생년월일이 은행에 등록된 정보와 일치하지 않습니다.", "ib_id")
    if not customer.verified_at_branch:
        raise ApplicationError(
            "영업점에서 대면 신원확인을 받은 고객만 온라인으로 발급할 수 있습니다. "
            "신분증을 지참하여 가까운 영업점을 방문해주세요.",
            "ib_id",
        )
    if customer.wrong_answers >= bank_customers.MAX_WRONG_ANSWERS:
        application.status = "stopped"
        application.stop_reason = ApplicationStopped.message
        db.session.commit()
        raise ApplicationStopped()
    if customer.account_number.replace("-", "") != account_number.replace("-", ""):
        raise ApplicationError("계좌번호가 이 고객의 계좌가 아닙니다.", "account_number")
    application.customer_id = customer.id
    if not bank_customers.account_password_matches(customer, account_password):
        db.session.commit()
        _count_wrong(application, customer, "계좌 비밀번호가 일치하지 않습니다.", "account_password")
    bank = get_bank(application.bank_code)
    challenge = send_code(customer.phone, "bank-extra", channel=bank.extra_auth, sender=bank.name)
    application.sms_challenge_id = challenge.id
    application.step = "extra"
    db.session.commit()


def _challenge(application: DemoBankApplication) -> SmsChallenge:
    challenge = db.session.get(SmsChallenge, application.sms_challenge_id)
    assert challenge is not None
    return challenge


def resend_extra(application: DemoBankApplication) -> None:
    expect_step(application, "extra")
    bank = get_bank(application.bank_code)
    resend_code(_challenge(application), channel=bank.extra_auth, sender=bank.name)
    db.session.commit()


def confirm_extra(application: DemoBankApplication, code: str) -> None:
    """추가인증: the code of the bank's SMS or ARS call to the registered phone."""
    expect_step(application, "extra")
    check_code(_challenge(application), code)
    customer = _customer(application)
    application.contact = {"email": "", "phone": customer.phone}
    application.step = "contact"
    db.session.commit()


def save_contact(application: DemoBankApplication, *, email: str, phone: str) -> None:
    """개인정보 입력: where renewal notices go."""
    expect_step(application, "contact")
    application.contact = {"email": email, "phone": phone}
    customer = _customer(application)
    if customer.medium == "card":
        application.card_challenge = [[c.number, c.half] for c in bank_customers.new_card_challenge()]
    application.step = "media"
    db.session.commit()


def card_challenges(application: DemoBankApplication) -> list[CardChallenge]:
    return [CardChallenge(number, half) for number, half in (application.card_challenge or [])]


def verify_media(application: DemoBankApplication, *, otp: str = "", card_answers: tuple[str, str] = ("", "")) -> None:
    """보안매체 인증; on success the bank orders the certificate (RA) and keeps the codes."""
    expect_step(application, "media")
    customer = _customer(application)
    if customer.medium == "card":
        expected = [bank_customers.card_answer(customer, challenge) for challenge in card_challenges(application)]
        if list(card_answers) != expected:
            _count_wrong(application, customer, "보안카드 번호가 일치하지 않습니다.", "card_first")
    elif not bank_customers.otp_matches(customer, otp):
        _count_wrong(application, customer, "OTP 번호가 일치하지 않습니다.", "otp")
    bank_customers.reset_wrong_answers(customer)
    contact = application.contact or {}
    order, auth_code = place_order(
        get_bank(application.bank_code),
        name=customer.name,
        phone=contact.get("phone") or customer.phone,
        birth_date=customer.birth_date,
        email=contact.get("email") or None,
        kind=application.kind or "issue",
        rrn=customer.rrn,
    )
    application.ref_num = order.ref_num
    application.auth_code_sealed = seal_value("bank-auth-code", auth_code, application.id)
    application.step = "done"
    application.status = "done"
    db.session.commit()


def continuation(application: DemoBankApplication) -> tuple[str, str]:
    """참조번호 and 인가코드, to carry to stage 2 in the widget."""
    if application.step != "done" or not application.ref_num or not application.auth_code_sealed:
        raise ApplicationOutOfOrder()
    return application.ref_num, unseal_value("bank-auth-code", application.auth_code_sealed, application.id)
