"""The demo bank sites at ``/bank/<code>/``: 금융인증서 발급/재발급 (stage 1) and mobile OTP enrollment.

Stage 1's views parse the step's form, call one service function of ``application`` and
render the step the application reached, from ``steps.BANK_STEPS``; refusals are shown in
place on the current step by ``show_error``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, request, session, url_for
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.bankdemo import application as stage1
from app.bankdemo import mobile_otp
from app.bankdemo.contexts import otp_extra as otp_extra_context
from app.bankdemo.forms import (
    ContactForm,
    CustomerForm,
    ExtraAuthForm,
    KindForm,
    MobileOtpConfirmForm,
    MobileOtpStartForm,
    TermsForm,
    media_form,
)
from app.bankdemo.steps import BANK_STEPS, BankStep
from app.banks import UnknownBank, get_bank
from app.browser import browser_id, known_browser_id
from app.errors import ServiceError
from app.extensions import db
from app.forms import InvalidForm, parsed, validated
from app.models import Bank, DemoBankApplication, DemoBankCustomer
from app.qr import qr_svg_inline
from app.rendering import BACK_TO_CURRENT, attach_error, go_to, into_main, push_step, render_page

bp = Blueprint("bank", __name__, url_prefix="/bank/<code>")


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
    return stage1.load(application_id, _bank().code, known_browser_id())


def render_step(application: DemoBankApplication, *, status: int = 200, **extra: Any) -> Response:
    """The application's current step: the stepper and the step's partial."""
    spec = BANK_STEPS[application.step]
    context: dict[str, Any] = {
        "app": application,
        "steps": [(step, declared.heading) for step, declared in BANK_STEPS.steps.items()],
        "step_partial": spec.partial,
        "heading": spec.heading,
        "subtitle": spec.subtitle,
        "action": url_for(f"bank.{application.step}", application_id=application.id)
        if application.step != BankStep.DONE
        else "",
    }
    if spec.form is not None:
        context["form"] = spec.form(formdata=None)
    if request.method == "GET" and request.args.get("at", application.step) != application.step:
        context["flow_error"] = BACK_TO_CURRENT  # Back (or an old tab) asked for a past step
    context.update(spec.context(application))
    context.update(extra)
    response = into_main(_page("partials/bank/application.html", status=status, **context))
    return push_step(response, url_for("bank.application", application_id=application.id, at=application.step))


def _current_form(application: DemoBankApplication) -> Any:
    """The current step's form, bound to what was posted (to show it again with a message)."""
    spec = BANK_STEPS[application.step]
    if spec.form is not None:
        return spec.form()
    if application.step == BankStep.MEDIA:
        return media_form(application)
    return None


@bp.errorhandler(ServiceError)
def show_error(error: ServiceError) -> ResponseReturnValue:
    """A refusal on the current step, in place; an application that cannot go on (stopped,
    finished, expired, missing) gets a page of its own."""
    db.session.rollback()
    application = None
    application_id = (request.view_args or {}).get("application_id")
    if application_id and not isinstance(error, stage1.ApplicationEnded):
        try:
            application = _application(application_id)
        except ServiceError:
            application = None
    if application is None or application.status != "open":
        response = into_main(_page("partials/bank/problem.html", status=error.status, message=error.message))
    elif isinstance(error, InvalidForm) and isinstance(error.form, type(_current_form(application))):
        response = render_step(application, status=error.status, form=error.form)
    else:
        form = _current_form(application) if request.method == "POST" else None
        if form is not None and error.field and error.field in form:
            attach_error(form, error.field, error.message)
            response = render_step(application, status=error.status, form=form)
        else:
            response = render_step(application, status=error.status, flow_error=error.message)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.get("/issuance/<application_id>")
def application(application_id: str) -> ResponseReturnValue:
    """The current step of an application."""
    return render_step(_application(application_id))


@bp.post("/issuance/<application_id>/terms")
def terms(application_id: str) -> ResponseReturnValue:
    """이용약관 동의."""
    application = _application(application_id)
    parsed(TermsForm)
    stage1.accept_terms(application)
    return render_step(application)


@bp.post("/issuance/<application_id>/kind")
def kind(application_id: str) -> ResponseReturnValue:
    """발급 신청: 발급 / 재발급."""
    application = _application(application_id)
    stage1.choose_kind(application, parsed(KindForm).kind.data)
    return render_step(application)


@bp.post("/issuance/<application_id>/customer")
def customer(application_id: str) -> ResponseReturnValue:
    """고객정보 입력 (온라인 신원확인)."""
    application = _application(application_id)
    stage1.require(application, BankStep.CUSTOMER)
    ratelimit.check("bank-answer-ip")
    ratelimit.check("sms-send-ip")
    form = parsed(CustomerForm)
    stage1.identify_customer(
        application,
        ib_id=form.parsed["ib_id"],
        name=form.parsed["name"],
        birth_date=form.parsed["birth_date"],
        account_number=form.account_number.data,
        account_password=form.account_password.data,
    )
    return render_step(application)


@bp.post("/issuance/<application_id>/extra")
def extra(application_id: str) -> ResponseReturnValue:
    """추가인증: the bank's SMS or ARS code."""
    application = _application(application_id)
    ratelimit.check("sms-check-ip")
    stage1.confirm_extra(application, parsed(ExtraAuthForm).code.data)
    return render_step(application)


@bp.post("/issuance/<application_id>/extra/resend")
def extra_resend(application_id: str) -> ResponseReturnValue:
    """재전송 of the 추가인증 code."""
    application = _application(application_id)
    ratelimit.check("sms-send-ip")
    stage1.resend_extra(application)
    return render_step(application, sent_again=True)


@bp.post("/issuance/<application_id>/contact")
def contact(application_id: str) -> ResponseReturnValue:
    """개인정보 입력: e-mail and phone for notices."""
    application = _application(application_id)
    form = parsed(ContactForm)
    stage1.save_contact(application, email=form.parsed["email"], phone=form.parsed["phone"])
    return render_step(application)


@bp.post("/issuance/<application_id>/media")
def media(application_id: str) -> ResponseReturnValue:
    """보안매체 인증: OTP, or two digits of two security-card codes."""
    application = _application(application_id)
    stage1.require(application, BankStep.MEDIA)
    ratelimit.check("bank-answer-ip")
    form = validated(media_form(application))
    if hasattr(form, "otp"):
        stage1.verify_media(application, otp=form.otp.data)
    else:
        stage1.verify_media(application, card_answers=(form.card_first.data, form.card_second.data))
    return render_step(application)


# --- mobile OTP enrollment -----------------------------------------------------------------

OTP_START = "partials/bank/otp_start.html"
OTP_EXTRA = "partials/bank/otp_extra.html"
OTP_SCAN = "partials/bank/otp_scan.html"


def _extra_page(
    customer: DemoBankCustomer, form: ExtraAuthForm | None = None, status: int = 200, **extra: Any
) -> Response:
    context = otp_extra_context(mobile_otp.extra_auth_challenge(customer))
    form = form or ExtraAuthForm(formdata=None)
    return _page(OTP_EXTRA, status=status, form=form, **context, **extra)


def _scan_page(customer_id: int, form: MobileOtpConfirmForm, status: int = 200) -> Response:
    customer = mobile_otp.pending_enrollment(_bank(), customer_id)
    uri = mobile_otp.otpauth_uri(customer, _bank())
    qr = qr_svg_inline(uri, "모바일 OTP 등록 QR 코드")
    return _page(OTP_SCAN, status=status, form=form, otpauth_uri=uri, qr=qr)


def _enrollment_problem(error: ServiceError) -> Response:
    response = _page("partials/bank/problem.html", status=error.status, message=error.message)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.route("/otp", methods=["GET", "POST"], endpoint="mobile_otp")
def mobile_otp_start() -> ResponseReturnValue:
    """모바일 OTP 등록: identify with ID and account password; then the bank's 추가인증."""
    form = MobileOtpStartForm()
    if request.method == "GET":
        return _page(OTP_START, form=form)
    try:
        ratelimit.check("bank-answer-ip")
        validated(form)
        ratelimit.check("sms-send-ip")
        customer = mobile_otp.begin_enrollment(_bank(), form.parsed["ib_id"], form.account_password.data)
    except InvalidForm:
        return _page(OTP_START, status=422, form=form)
    except ServiceError as error:
        # This page is before any enrollment: the refusal goes on its own form.
        attach_error(form, error.field if error.field in form else "ib_id", error.message)
        response = _page(OTP_START, status=error.status, form=form)
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    session["motp_customer"] = customer.id
    return _extra_page(customer)


@bp.post("/otp/extra")
def mobile_otp_extra() -> ResponseReturnValue:
    """추가인증: the code of the bank's SMS or ARS call, then the QR code to scan."""
    form = ExtraAuthForm()
    try:
        customer = mobile_otp.enrolling_customer(_bank(), session.get("motp_customer"))
    except ServiceError as error:
        return _enrollment_problem(error)
    try:
        ratelimit.check("sms-check-ip")
        mobile_otp.confirm_extra_auth(customer, validated(form).code.data)
    except InvalidForm:
        return _extra_page(customer, form, status=422)
    except ServiceError as error:
        db.session.rollback()
        attach_error(form, "code", error.message)
        response = _extra_page(customer, form, status=error.status)
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return _scan_page(customer.id, MobileOtpConfirmForm(formdata=None, ib_id=customer.ib_id))


@bp.post("/otp/extra/resend")
def mobile_otp_extra_resend() -> ResponseReturnValue:
    """재전송 (다시 걸기) of the 추가인증 code."""
    try:
        customer = mobile_otp.enrolling_customer(_bank(), session.get("motp_customer"))
    except ServiceError as error:
        return _enrollment_problem(error)
    try:
        ratelimit.check("sms-send-ip")
        mobile_otp.resend_extra_auth(_bank(), customer)
    except ServiceError as error:
        db.session.rollback()
        form = ExtraAuthForm(formdata=None)
        attach_error(form, "code", error.message)
        response = _extra_page(customer, form, status=error.status)
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return _extra_page(customer, sent_again=True)


@bp.post("/otp/confirm")
def mobile_otp_confirm() -> ResponseReturnValue:
    """The app's first code completes the enrollment; the customer gets an SMS notice."""
    form = MobileOtpConfirmForm()
    customer_id = session.get("motp_customer")
    try:
        customer = mobile_otp.pending_enrollment(_bank(), customer_id)
        mobile_otp.finish_enrollment(_bank(), customer, validated(form).code.data)
    except InvalidForm:
        return _scan_page(customer_id, form, status=422)
    except ServiceError as error:
        if error.field is None:
            return _enrollment_problem(error)
        attach_error(form, error.field, error.message)
        response = _scan_page(customer_id, form, status=error.status)
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    session.pop("motp_customer", None)
    return _page("partials/bank/otp_done.html", customer=customer)
