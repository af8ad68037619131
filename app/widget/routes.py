"""Widget views of a login or signature: the current step, the start screen, 가입정보, SMS,
클라우드 접근 권한, 인증서 선택, 즐겨찾기, the secure keypad, 취소 and 갱신.

Each view parses its form, calls one service function and answers with the step the
transaction reached (``pages.step_response``); refusals are shown by ``pages.show_error``.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import NotFound

from app import ratelimit
from app.banks import UnknownBank, get_bank, issue_page_url
from app.forms import parsed
from app.qr import qr_svg
from app.rendering import BACK_TO_CURRENT
from app.widget import cert_list, cloud_access, signing, transactions
from app.widget.forms import (
    CertificateForm,
    ConsentForm,
    EntryForm,
    IdentifyForm,
    KeyForm,
    RenewForm,
    SmsCodeForm,
)
from app.widget.pages import (
    bp,
    clear_device_cookie,
    current_transaction,
    device_token,
    first_screen,
    render_step,
    set_device_cookie,
    step_response,
)
from app.widget.pin_entry import press_key, submit_entry
from app.widget.steps import Step


@bp.get("/t/<transaction_id>")
def show(transaction_id: str) -> ResponseReturnValue:
    """The current step (the first one skips the start screen on a desktop)."""
    transaction = current_transaction(transaction_id)
    if transaction.step == Step.START:
        return first_screen(transaction)
    past_step = request.args.get("at", transaction.step) != transaction.step  # Back, or an old tab
    return render_step(
        transaction,
        banks_open=request.args.get("banks") == "1",
        flow_error=gettext(BACK_TO_CURRENT) if past_step else None,
    )


@bp.post("/t/<transaction_id>/start")
def start(transaction_id: str) -> ResponseReturnValue:
    """화면을 터치해주세요 (touch): begin, with 자동연결 if this browser has it."""
    transaction = current_transaction(transaction_id)
    cleared = cloud_access.begin(transaction, device_token())
    response = step_response(transaction)
    if cleared:
        clear_device_cookie(response)
    return response


@bp.post("/t/<transaction_id>/identify")
def identify(transaction_id: str) -> ResponseReturnValue:
    """가입정보 입력 → an SMS code is sent."""
    transaction = current_transaction(transaction_id)
    form = parsed(IdentifyForm)
    ratelimit.check("sms-send-ip")
    cloud_access.submit_identity(transaction, **form.parsed)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/sms")
def sms(transaction_id: str) -> ResponseReturnValue:
    """휴대폰 점유인증: check the code."""
    transaction = current_transaction(transaction_id)
    form = parsed(SmsCodeForm)
    ratelimit.check("sms-check-ip")
    cloud_access.confirm_sms(transaction, form.code.data)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/sms/resend")
def resend(transaction_id: str) -> ResponseReturnValue:
    """재전송: a new code (not before the resend delay, within the hourly limit)."""
    transaction = current_transaction(transaction_id)
    ratelimit.check("sms-send-ip")
    cloud_access.resend_sms(transaction)
    return step_response(transaction, sent_again=True)


@bp.post("/t/<transaction_id>/consent")
def consent(transaction_id: str) -> ResponseReturnValue:
    """클라우드 접근 권한 확인, with the 자동연결 choice."""
    transaction = current_transaction(transaction_id)
    form = parsed(ConsentForm)
    token = cloud_access.grant_cloud_access(
        transaction, auto_connect=bool(form.auto_connect.data), user_agent=request.headers.get("User-Agent", "")
    )
    response = step_response(transaction)
    if token:
        set_device_cookie(response, token)
    return response


@bp.post("/t/<transaction_id>/select")
def select(transaction_id: str) -> ResponseReturnValue:
    """인증서 선택 → the PIN."""
    transaction = current_transaction(transaction_id)
    signing.choose_certificate(transaction, parsed(CertificateForm).certificate_id.data)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/favourite")
def favourite(transaction_id: str) -> ResponseReturnValue:
    """즐겨찾기 on/off; the list is shown again."""
    transaction = current_transaction(transaction_id)
    signing.toggle_favourite(transaction, parsed(CertificateForm).certificate_id.data)
    return step_response(transaction, focus_favourites=True)


@bp.post("/t/<transaction_id>/another")
def another(transaction_id: str) -> ResponseReturnValue:
    """다른 인증서 선택."""
    transaction = current_transaction(transaction_id)
    signing.choose_another(transaction)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/keypad")
def keypad(transaction_id: str) -> ResponseReturnValue:
    """One key of the secure keypad without JavaScript (an opaque token, 재배열, 지우기 or
    전체삭제): the step again with what was typed, the sixth digit submits the entry."""
    transaction = current_transaction(transaction_id)
    ratelimit.check("keypad-ip")
    form = KeyForm()
    if not form.validate_on_submit():
        return step_response(transaction, status=422, pin_error=gettext("키를 다시 눌러주세요."))
    outcome = press_key(transaction, form.key.data)
    return step_response(transaction, status=422 if outcome.error else 200, pin_error=outcome.error)


@bp.post("/t/<transaction_id>/pin")
def pin_entry(transaction_id: str) -> ResponseReturnValue:
    """A whole PIN entry at once (the keypad with JavaScript keeps the pressed keys' tokens and
    sends them with the sixth key): the next step, or the keypad again with the reason."""
    transaction = current_transaction(transaction_id)
    ratelimit.check("keypad-ip")
    form = EntryForm()
    if not form.validate_on_submit():
        return step_response(transaction, status=422, pin_error=gettext("비밀번호를 다시 입력해주세요."))
    outcome = submit_entry(transaction, form.tokens)
    return step_response(transaction, status=422 if outcome.error else 200, pin_error=outcome.error)


@bp.post("/t/<transaction_id>/share")
def share(transaction_id: str) -> ResponseReturnValue:
    """getCertInfoList: 동의하고 제공."""
    transaction = current_transaction(transaction_id)
    cert_list.share(transaction)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/cancel")
def cancel(transaction_id: str) -> ResponseReturnValue:
    """취소: the RP gets code 800000."""
    transaction = current_transaction(transaction_id)
    transactions.cancel(transaction)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/renew")
def renew(transaction_id: str) -> ResponseReturnValue:
    """갱신: a new certificate under the same PIN, then the RP's result signed with it."""
    transaction = current_transaction(transaction_id)
    rrn = parsed(RenewForm).rrn.data
    signing.renew_now(transaction, rrn.replace("-", "") if rrn else None)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/renew/later")
def renew_later(transaction_id: str) -> ResponseReturnValue:
    """나중에."""
    transaction = current_transaction(transaction_id)
    signing.renew_later(transaction)
    return step_response(transaction)


@bp.get("/banks/<code>/qr.svg")
def bank_qr(code: str) -> ResponseReturnValue:
    """발급가능한 은행보기: a QR code of a bank's issuance page, to continue on a phone."""
    try:
        bank = get_bank(code)
    except UnknownBank:
        raise NotFound() from None
    response = Response(qr_svg(issue_page_url(bank, current_app.config["PUBLIC_URL"])), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
