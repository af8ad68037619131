"""Stage 1 at a bank (온라인 신원확인 / 가입자 등록), one step at a time, owned by the server.

The steps and the moves between them are the table in ``steps.BANK_STEPS``. An application
is bound to the browser, expires when abandoned, and cannot be replayed once the order is
placed. Wrong account passwords and wrong security-medium answers count on the customer:
the fifth stops the issuance.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import NoReturn

from app import rules
from app.bankdemo import customers as bank_customers
from app.bankdemo.customers import card_answer, card_challenges, customer_of
from app.bankdemo.steps import BankStep, advance
from app.banks import get_bank
from app.browser import browser_hash
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.keyed_hash import seal_value
from app.models import Bank, DemoBankApplication, DemoBankCustomer, SmsChallenge
from app.ra.orders import place_order
from app.sms.codes import check_code, resend_code, send_code
from app.step_machine import IllegalMove, load_owned


class ApplicationError(ServiceError):
    """Something the customer must fix; ``field`` says where to show ``message``."""

    code = "application_refused"
    message = "입력 내용을 확인해주세요."


class ApplicationEnded(ApplicationError):
    """The application cannot go on (expired, missing, finished, stopped): a page of its own."""


class ApplicationGone(ApplicationEnded):
    status = 410

    def __init__(self) -> None:
        ttl = rules.duration(rules.current().bank_application_ttl)
        super().__init__(f"발급 신청 시간({ttl})이 지났습니다. 처음부터 다시 신청해주세요.")


class ApplicationMissing(ApplicationEnded):
    status = 404
    message = "발급 신청을 찾을 수 없습니다. 처음부터 다시 신청해주세요."


class ApplicationFinished(ApplicationEnded):
    status = 409
    message = "이미 완료된 발급 신청입니다. 새로 발급하려면 처음부터 다시 신청해주세요."


class ApplicationStopped(ApplicationEnded):
    status = 403
    message = (
        f"입력 오류가 {bank_customers.MAX_WRONG_ANSWERS}회를 넘어 발급이 중단되었습니다. "
        "신분증을 지참하여 영업점을 방문해주세요."
    )


def start(bank: Bank, browser_id: str) -> DemoBankApplication:
    """금융인증서 발급/재발급: a new application at this bank."""
    now = utcnow()
    application = DemoBankApplication(
        id=secrets.token_urlsafe(18),
        bank_code=bank.code,
        browser_hash=browser_hash(browser_id),
        step=BankStep.TERMS.value,
        created_at=now,
        expires_at=now + timedelta(seconds=rules.current().bank_application_ttl),
    )
    db.session.add(application)
    db.session.commit()
    return application


def load(application_id: str, bank_code: str, browser_id: str | None) -> DemoBankApplication:
    """This browser's application at this bank, while it has not expired."""
    missing = ApplicationMissing()
    application = load_owned(DemoBankApplication, application_id, browser_id, missing=missing, foreign=missing)
    if application.bank_code != bank_code:
        raise missing
    if application.status == "open" and application.expires_at <= utcnow():
        raise ApplicationGone()
    return application


def require(application: DemoBankApplication, step: BankStep) -> None:
    """Refuse a post that does not belong to the current step."""
    if application.status == "stopped":
        raise ApplicationStopped(application.stop_reason)
    if application.status == "done":
        raise ApplicationFinished()
    if application.step != step:
        raise IllegalMove()


def accept_terms(application: DemoBankApplication) -> None:
    """이용약관 동의 (the form makes every required consent mandatory)."""
    require(application, BankStep.TERMS)
    advance(application, BankStep.KIND)
    db.session.commit()


def choose_kind(application: DemoBankApplication, kind: str) -> None:
    """발급 신청: 발급 or 재발급 (재발급 also resets a forgotten or locked PIN)."""
    require(application, BankStep.KIND)
    if kind not in ("issue", "reissue"):
        raise ApplicationError("발급 또는 재발급을 선택해주세요.", field="kind")
    application.kind = kind
    advance(application, BankStep.CUSTOMER)
    db.session.commit()


def _stop(application: DemoBankApplication) -> NoReturn:
    application.status = "stopped"
    application.stop_reason = ApplicationStopped.message
    db.session.commit()
    raise ApplicationStopped()


def _count_wrong(application: DemoBankApplication, customer: DemoBankCustomer, message: str, field: str) -> None:
    count = bank_customers.count_wrong_answer(customer)
    if count >= bank_customers.MAX_WRONG_ANSWERS:
        _stop(application)
    raise ApplicationError(f"{message} (오류 {count}/{bank_customers.MAX_WRONG_ANSWERS}회)", field=field)


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
    require(application, BankStep.CUSTOMER)
    customer = bank_customers.find_customer(application.bank_code, ib_id)
    if customer is None or (customer.name, customer.birth_date) != (name, birth_date):
        raise ApplicationError("인터넷뱅킹 ID, 이름, 생년월일이 은행에 등록된 정보와 일치하지 않습니다.", field="ib_id")
    if not customer.verified_at_branch:
        raise ApplicationError(
            "영업점에서 대면 신원확인을 받은 고객만 온라인으로 발급할 수 있습니다. "
            "신분증을 지참하여 가까운 영업점을 방문해주세요.",
            field="ib_id",
        )
    if customer.wrong_answers >= bank_customers.MAX_WRONG_ANSWERS:
        _stop(application)
    if customer.account_number.replace("-", "") != account_number.replace("-", ""):
        raise ApplicationError("계좌번호가 이 고객의 계좌가 아닙니다.", field="account_number")
    application.customer_id = customer.id
    if not bank_customers.account_password_matches(customer, account_password):
        db.session.commit()
        _count_wrong(application, customer, "계좌 비밀번호가 일치하지 않습니다.", "account_password")
    bank = get_bank(application.bank_code)
    challenge = send_code(customer.phone, "bank", channel=bank.extra_auth, sender=bank.name)
    application.sms_challenge_id = challenge.id
    advance(application, BankStep.EXTRA)
    db.session.commit()


def _challenge(application: DemoBankApplication) -> SmsChallenge:
    challenge = db.session.get(SmsChallenge, application.sms_challenge_id)
    assert challenge is not None
    return challenge


def resend_extra(application: DemoBankApplication) -> None:
    """재전송 of the 추가인증 code (a new ARS call for an ARS bank)."""
    require(application, BankStep.EXTRA)
    bank = get_bank(application.bank_code)
    resend_code(_challenge(application), channel=bank.extra_auth, sender=bank.name)
    db.session.commit()


def confirm_extra(application: DemoBankApplication, code: str) -> None:
    """추가인증: the code of the bank's SMS or ARS call to the registered phone."""
    require(application, BankStep.EXTRA)
    check_code(_challenge(application), code)
    application.contact = {"email": "", "phone": customer_of(application).phone}
    advance(application, BankStep.CONTACT)
    db.session.commit()


def save_contact(application: DemoBankApplication, *, email: str, phone: str) -> None:
    """개인정보 입력: where renewal notices go."""
    require(application, BankStep.CONTACT)
    application.contact = {"email": email, "phone": phone}
    if customer_of(application).medium == "card":
        application.card_challenge = [[c.number, c.half] for c in bank_customers.new_card_challenge()]
    advance(application, BankStep.MEDIA)
    db.session.commit()


def verify_media(application: DemoBankApplication, *, otp: str = "", card_answers: tuple[str, str] = ("", "")) -> None:
    """보안매체 인증; on success the bank orders the certificate (RA) and keeps the codes."""
    require(application, BankStep.MEDIA)
    customer = customer_of(application)
    if customer.medium == "card":
        expected = [card_answer(customer, challenge) for challenge in card_challenges(application)]
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
    advance(application, BankStep.DONE)
    application.status = "done"
    db.session.commit()
