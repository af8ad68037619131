"""The demo bank sites at ``/bank/<code>/``: 금융인증서 발급/재발급 (stage 1) and mobile OTP enrollment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, session, url_for
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.bankdemo import application as stage1
from app.bankdemo import customers as bank_customers
from app.bankdemo.forms import (
    CardForm,
    ContactForm,
    CustomerForm,
    ExtraAuthForm,
    KindForm,
    MobileOtpConfirmForm,
    MobileOtpStartForm,
    OtpForm,
    TermsForm,
)
from app.banks import UnknownBank, get_bank
from app.extensions import db
from app.models import Bank, DemoBankApplication, DemoBankCustomer, SmsChallenge
from app.personal_info import format_phone, mask_phone
from app.qr import qr_svg_inline
from app.rendering import attach_error, go_to, into_main, render_page
from app.sms.codes import SmsCodeError, seconds_until_resend
from app.widget.routes import browser_id

bp = Blueprint("bank", __name__, url_prefix="/bank/<code>")

STEP_FORMS = {
    "terms": TermsForm,
    "kind": KindForm,
    "customer": CustomerForm,
    "extra": ExtraAuthForm,
    "contact": ContactForm,
    "media": None,  # OTP or card, by the customer's medium
}


@bp.url_value_preprocessor
def load_bank(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every page of a bank site knows its bank (404 for an unknown code)."""
    try:
        g.bank = get_bank((values or {}).pop("code", ""))
    except UnknownBank:
        abort(404)


@bp.url_defaults
def add_bank_code(_endpoint: str, values: dict[str, Any]) -> None:
    if "code" not in values and "bank" in g:
        values["code"] = g.bank.code


def _bank() -> Bank:
    return g.bank


def _page(partial: str, status: int = 200, **context: Any) -> Response:
    return render_page(partial, layout="bank", status=status, bank=_bank(), **context)


# --- bank home ---------------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    """The bank's certificate centre: 금융인증서 발급/재발급 and mobile OTP enrollment."""
    return _page("partials/bank/home.html")


@bp.post("/issuance")
def start_issuance() -> ResponseReturnValue:
    """금융인증서 발급/재발급: a new application, then its first step (CSRFProtect checked the post)."""
    application = stage1.start(_bank(), browser_id())
    return go_to(url_for("bank.application", application_id=application.id))


# --- stage 1 -----------------------------------------------------------------------------


def _application(application_id: str) -> DemoBankApplication:
    return stage1.load(application_id, _bank().code, session.get("browser_id"))


def _customer(application: DemoBankApplication) -> DemoBankCustomer | None:
    return db.session.get(DemoBankCustomer, application.customer_id) if application.customer_id else None


def _render(application: DemoBankApplication, *, status: int = 200, form: Any = None, **extra: Any) -> Response:
    """The application's current step (stepper + the step's form)."""
    step = application.step
    customer = _customer(application)
    context: dict[str, Any] = {"app": application, "steps": stage1.STEPS, "labels": stage1.STEP_LABELS, **extra}
    if step == "media" and customer is not None:
        if customer.medium == "card":
            form = form or CardForm(formdata=None)
            first, second = stage1.card_challenges(application)
            form.card_first.label.text = first.prompt
            form.card_second.label.text = second.prompt
        else:
            form = form or OtpForm(formdata=None)
        context["medium"] = customer.medium
    elif step in STEP_FORMS and form is None:
        form = STEP_FORMS[step](formdata=None)
        if step == "contact" and application.contact:
            form.phone.data = format_phone(application.contact.get("phone", "") or "") or None
    if step == "extra":
        challenge = db.session.get(SmsChallenge, application.sms_challenge_id)
        context.update(masked_phone=mask_phone(challenge.phone), resend_in=seconds_until_resend(challenge))
    if step == "done":
        ref_num, auth_code = stage1.continuation(application)
        context.update(ref_num=ref_num, auth_code=auth_code)
    return _page("partials/bank/application.html", status=status, form=form, **context)


@bp.errorhandler(stage1.ApplicationError)
def _application_error(error: stage1.ApplicationError) -> ResponseReturnValue:
    """Wrong-step, expired, finished and stopped applications get a page of their own."""
    return into_main(_page("partials/bank/problem.html", status=error.status, message=error.message))


@bp.get("/issuance/<application_id>")
def application(application_id: str) -> ResponseReturnValue:
    """The current step of an application."""
    return _render(_application(application_id))


def _post_step(application_id: str, step: str, form_class: type, action) -> ResponseReturnValue:
    """Validate the step's form and run its action; a post for another step is refused first."""
    application = _application(application_id)
    stage1.expect_step(application, step)
    form = form_class()
    if not form.validate_on_submit():
        return into_main(_render(application, status=422, form=form))
    try:
        action(application, form)
    except SmsCodeError as error:
        attach_error(form, "code" if hasattr(form, "code") else "ib_id", error.message)
        return into_main(_render(application, status=error.status, form=form))
    except (stage1.ApplicationStopped, stage1.ApplicationOutOfOrder, stage1.ApplicationFinished):
        raise
    except stage1.ApplicationError as error:
        attach_error(form, error.field, error.message)
        return into_main(_render(application, status=422, form=form))
    return into_main(_render(application))


@bp.post("/issuance/<application_id>/terms")
def terms(application_id: str) -> ResponseReturnValue:
    """이용약관 동의."""
    return _post_step(application_id, "terms", TermsForm, lambda app, form: stage1.accept_terms(app))


@bp.post("/issuance/<application_id>/kind")
def kind(application_id: str) -> ResponseReturnValue:
    """발급 신청: 발급 / 재발급."""
    return _post_step(application_id, "kind", KindForm, lambda app, form: stage1.choose_kind(app, form.kind.data))


@bp.post("/issuance/<application_id>/customer")
def customer(application_id: str) -> ResponseReturnValue:
    """고객정보 입력 (온라인 신원확인)."""
    ratelimit.check("bank-answer-ip")
    ratelimit.check("sms-send-ip")

    def identify(app: DemoBankApplication, form: CustomerForm) -> None:
        stage1.identify_customer(
            app,
            ib_id=form.ib_id.data.strip(),
            name=form.parsed["name"],
            birth_date=form.parsed["birth_date"],
            account_number=form.account_number.data,
            account_password=form.account_password.data,
        )

    return _post_step(application_id, "customer", CustomerForm, identify)


@bp.post("/issuance/<application_id>/extra")
def extra(application_id: str) -> ResponseReturnValue:
    """추가인증: the bank's SMS or ARS code."""
    ratelimit.check("sms-check-ip")
    return _post_step(
        application_id, "extra", ExtraAuthForm, lambda app, form: stage1.confirm_extra(app, form.code.data)
    )


@bp.post("/issuance/<application_id>/extra/resend")
def extra_resend(application_id: str) -> ResponseReturnValue:
    """재전송 of the 추가인증 code."""
    application = _application(application_id)
    form = ExtraAuthForm(formdata=None)
    ratelimit.check("sms-send-ip")
    try:
        stage1.resend_extra(application)
    except SmsCodeError as error:
        attach_error(form, "code", error.message)
        return into_main(_render(application, status=error.status, form=form))
    return into_main(_render(application, form=form, sent_again=True))


@bp.post("/issuance/<application_id>/contact")
def contact(application_id: str) -> ResponseReturnValue:
    """개인정보 입력: e-mail and phone for notices."""
    return _post_step(
        application_id,
        "contact",
        ContactForm,
        lambda app, form: stage1.save_contact(app, email=form.parsed["email"], phone=form.parsed["phone"]),
    )


@bp.post("/issuance/<application_id>/media")
def media(application_id: str) -> ResponseReturnValue:
    """보안매체 인증: OTP, or two digits of two security-card codes."""
    ratelimit.check("bank-answer-ip")
    application = _application(application_id)
    customer = _customer(application)
    if customer is not None and customer.medium == "card":
        return _post_step(
            application_id,
            "media",
            CardForm,
            lambda app, form: stage1.verify_media(app, card_answers=(form.card_first.data, form.card_second.data)),
        )
    return _post_step(application_id, "media", OtpForm, lambda app, form: stage1.verify_media(app, otp=form.otp.data))


# --- mobile OTP enrollment -----------------------------------------------------------------


@bp.route("/otp", methods=["GET", "POST"])
def mobile_otp() -> ResponseReturnValue:
    """모바일 OTP 등록: identify with ID and account password, then scan the QR code."""
    form = MobileOtpStartForm()
    if form.is_submitted():
        ratelimit.check("bank-answer-ip")
    if not form.validate_on_submit():
        return _page("partials/bank/otp_start.html", status=422 if form.is_submitted() else 200, form=form)
    customer = bank_customers.find_customer(_bank().code, form.ib_id.data.strip())
    if customer is None or not customer.verified_at_branch:
        attach_error(form, "ib_id", "영업점에서 신원확인을 받은 인터넷뱅킹 ID가 아닙니다.")
        return _page("partials/bank/otp_start.html", status=422, form=form)
    if customer.wrong_answers >= bank_customers.MAX_WRONG_ANSWERS:
        attach_error(form, "account_password", stage1.ApplicationStopped.message)
        return _page("partials/bank/otp_start.html", status=403, form=form)
    if not bank_customers.account_password_matches(customer, form.account_password.data):
        count = bank_customers.count_wrong_answer(customer)
        attach_error(form, "account_password", f"계좌 비밀번호가 일치하지 않습니다. (오류 {count}/5회)")
        return _page("partials/bank/otp_start.html", status=422, form=form)
    uri = bank_customers.start_mobile_otp(customer, _bank())
    session["motp_customer"] = customer.id
    confirm = MobileOtpConfirmForm(formdata=None, ib_id=customer.ib_id)
    return _page(
        "partials/bank/otp_scan.html", form=confirm, otpauth_uri=uri, qr=qr_svg_inline(uri, "모바일 OTP 등록 QR 코드")
    )


@bp.post("/otp/confirm")
def mobile_otp_confirm() -> ResponseReturnValue:
    """The app's first code completes the enrollment."""
    form = MobileOtpConfirmForm()
    customer = db.session.get(DemoBankCustomer, session.get("motp_customer") or 0)
    if customer is None or customer.bank_code != _bank().code or not customer.pending_otp_secret:
        return _page("partials/bank/problem.html", status=409, message="모바일 OTP 등록을 처음부터 다시 해주세요.")
    if not form.validate_on_submit() or not bank_customers.confirm_mobile_otp(customer, form.code.data):
        if not form.errors:
            attach_error(form, "code", "OTP 앱의 번호가 일치하지 않습니다. 앱에 표시된 최신 번호를 입력해주세요.")
        uri = bank_customers.pending_otpauth_uri(customer, _bank())
        return _page(
            "partials/bank/otp_scan.html",
            status=422,
            form=form,
            otpauth_uri=uri,
            qr=qr_svg_inline(uri, "모바일 OTP 등록 QR 코드"),
        )
    session.pop("motp_customer", None)
    return _page("partials/bank/otp_done.html", customer=customer)
