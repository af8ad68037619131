"""Widget views: parse the form, call one flow function, render the transaction's current step.

Every step is a real form. A plain post gets the full widget page, an htmx post the step's
partial (``app.rendering``). Keypad presses swap only the PIN status until an entry is
complete. Cookies (session, CSRF, 자동연결) are third-party-capable and partitioned.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, session, url_for
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.api_json import ApiError, json_object
from app.banks import UnknownBank, get_bank, issue_page_url, list_banks
from app.clock import utcnow
from app.cloud.certificates import certificates_of, state_of
from app.cloud.devices import COOKIE_NAME, cookie_max_age
from app.extensions import csrf, db
from app.models import Certificate, RpClient, WidgetTransaction
from app.personal_info import mask_phone
from app.qr import qr_svg, qr_svg_inline
from app.ra.orders import OrderError, open_order
from app.rendering import attach_error, go_to, into_main, render_page, wants_partial
from app.rp.clients import RpError, all_origins, client_for_sdk
from app.security_headers import allow_framing_by
from app.sms.codes import SmsCodeError, seconds_until_resend
from app.widget import flow, manage, remote
from app.widget import keypad as keypads
from app.widget.forms import (
    AutoConnectForm,
    CertificateForm,
    ConsentForm,
    DeviceForm,
    IdentifyForm,
    IssueStartForm,
    KeyForm,
    SmsCodeForm,
)

bp = Blueprint("widget", __name__, url_prefix="/widget")

STEP_PARTIALS = {
    "start": "partials/widget/start.html",
    "identify": "partials/widget/identify.html",
    "sms": "partials/widget/sms.html",
    "consent": "partials/widget/consent.html",
    "select": "partials/widget/select.html",
    "nocert": "partials/widget/nocert.html",
    "pin": "partials/widget/pin.html",
    "new_pin": "partials/widget/pin.html",
    "confirm_pin": "partials/widget/pin.html",
    "done": "partials/widget/done.html",
    "closed": "partials/widget/closed.html",
    "issued": "partials/widget/issued.html",
    "renew_offer": "partials/widget/renew_offer.html",
    "remote": "partials/widget/remote.html",
    "pair": "partials/widget/pair.html",
    "remote_done": "partials/widget/remote_done.html",
    "manage": "partials/widget/manage.html",
    "cert_detail": "partials/widget/cert_detail.html",
    "change_current": "partials/widget/pin.html",
    "change_new": "partials/widget/pin.html",
    "change_confirm": "partials/widget/pin.html",
    "delete_confirm": "partials/widget/pin.html",
}

# Heading and instruction of each secure-keypad step.
PIN_TEXT = {
    "pin": ("비밀번호 입력", "금융인증서 비밀번호 6자리를 입력해주세요"),
    "new_pin": ("비밀번호 설정", "금융인증서 비밀번호 6자리를 입력해주세요"),
    "confirm_pin": ("비밀번호 확인", "같은 비밀번호 6자리를 한 번 더 입력해주세요"),
    "change_current": ("비밀번호 변경", "지금 사용하는 비밀번호 6자리를 입력해주세요"),
    "change_new": ("새 비밀번호 입력", "새 비밀번호 6자리를 입력해주세요"),
    "change_confirm": ("새 비밀번호 확인", "새 비밀번호 6자리를 한 번 더 입력해주세요"),
    "delete_confirm": (
        "인증서 삭제",
        "삭제하려면 이 인증서의 비밀번호 6자리를 입력해주세요. 삭제한 인증서는 폐지되어 다시 쓸 수 없습니다.",
    ),
}


# --- helpers -------------------------------------------------------------------------------


def browser_id() -> str:
    """A random id of this browser, kept in the (partitioned) session cookie."""
    if "browser_id" not in session:
        session["browser_id"] = secrets.token_urlsafe(16)
    return session["browser_id"]


def _transaction(transaction_id: str) -> WidgetTransaction:
    return flow.load(transaction_id, session.get("browser_id"))


def _frame_for(transaction: WidgetTransaction) -> None:
    if transaction.rp_org_code:
        client = db.session.get(RpClient, transaction.rp_org_code)
        allow_framing_by(client.origins if client else [])


def _step_context(transaction: WidgetTransaction) -> dict[str, Any]:
    context: dict[str, Any] = {
        "tx": transaction,
        "rp": db.session.get(RpClient, transaction.rp_org_code) if transaction.rp_org_code else None,
        "sign_type_label": flow.SIGN_TYPES.get(transaction.sign_type or "", ""),
        "cancel_url": url_for("widget.cancel", transaction_id=transaction.id) if transaction.status == "open" else None,
    }
    step = transaction.step
    default_forms = {"identify": IdentifyForm, "sms": SmsCodeForm, "consent": ConsentForm}
    if step in default_forms:
        context["form"] = default_forms[step](formdata=None)
    if step == "sms":
        challenge = flow.challenge_of(transaction)
        context.update(
            masked_phone=mask_phone(challenge.phone),
            expires_at=int(challenge.expires_at.replace(tzinfo=UTC).timestamp()),
            resend_in=seconds_until_resend(challenge),
        )
    if step in ("select", "nocert"):
        subscriber = flow.subscriber_of(transaction)
        certificates = certificates_of(subscriber) if subscriber else []
        context["certificates"] = [(c, state_of(c)) for c in certificates]
        context["banks"] = list_banks()
        context["banks_open"] = request.args.get("banks") == "1"
    if step in PIN_TEXT and transaction.keypad:
        context["pin_heading"], context["pin_sub"] = PIN_TEXT[step]
        context["keys"] = keypads.keys_of(transaction.keypad)
        context["typed_count"] = keypads.typed_count(transaction.keypad, transaction.id)
        context["certificate"] = (
            db.session.get(Certificate, transaction.certificate_id) if transaction.certificate_id else None
        )
        context["has_other_certificates"] = step == "pin" and len(certificates_of(flow.subscriber_of(transaction))) > 1
        context["new_pin_rules"] = step in ("new_pin", "change_new")
    if step == "renew_offer":
        certificate = db.session.get(Certificate, transaction.certificate_id)
        context.update(certificate=certificate, days_left=(certificate.not_after - utcnow()).days)
    if step == "remote":
        context.update(
            qr_url=remote.qr_url(transaction), qr=qr_svg_inline(remote.qr_url(transaction), "휴대폰 인증용 QR 코드")
        )
    if step in ("manage", "cert_detail"):
        context.update(manage.overview(transaction))
        if step == "cert_detail":
            certificate = db.session.get(Certificate, transaction.certificate_id)
            context.update(certificate=certificate, details=manage.details(certificate))
    if step == "issued":
        certificate = db.session.get(Certificate, transaction.certificate_id)
        context.update(
            certificate=certificate, bank=get_bank(certificate.bank_code), auto_connect_form=AutoConnectForm()
        )
    if step in ("done", "closed") and transaction.origin and transaction.result_taken_at is None:
        # Rendering the final step is the hand-over: the result travels in this response, once.
        context["handoff"] = json.dumps(flow.take_result(transaction), ensure_ascii=False)
    if step == "closed" and transaction.certificate_id:
        context["reissue_bank"] = get_bank(db.session.get(Certificate, transaction.certificate_id).bank_code)
    if step in ("identify", "new_pin", "confirm_pin") and transaction.purpose == "issue":
        context["issuing_bank"] = flow.bank_of_order(transaction)
    return context


def render_step(transaction: WidgetTransaction, *, status: int = 200, **extra: Any) -> Response:
    """The transaction's current step, as a partial or as the full widget page."""
    _frame_for(transaction)
    context = {**_step_context(transaction), **extra}
    return render_page(STEP_PARTIALS[transaction.step], layout="widget", status=status, **context)


def _step_response(transaction: WidgetTransaction, *, status: int = 200, **extra: Any) -> Response:
    """A step reached by a post: it replaces the whole step container."""
    return into_main(render_step(transaction, status=status, **extra))


def _set_device_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME, token, max_age=cookie_max_age(), secure=True, httponly=True, samesite="None", partitioned=True
    )


def _clear_device_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, secure=True, httponly=True, samesite="None", partitioned=True)


@bp.errorhandler(ratelimit.RateLimited)
def _rate_limited(error: ratelimit.RateLimited) -> ResponseReturnValue:
    """Too many requests: the current step stays, with the message and Retry-After."""
    message = f"요청이 너무 많습니다. {error.retry_after}초 후에 다시 시도해주세요."
    transaction_id = (request.view_args or {}).get("transaction_id")
    try:
        transaction = _transaction(transaction_id) if transaction_id else None
    except flow.FlowError:
        transaction = None
    if transaction is None:
        response = render_page("partials/widget/problem.html", layout="widget", status=429, message=message)
    else:
        response = _step_response(transaction, status=429, flow_error=message)
    response.headers["Retry-After"] = str(error.retry_after)
    return into_main(response)


@bp.errorhandler(flow.FlowError)
def _flow_error(error: flow.FlowError) -> ResponseReturnValue:
    """Out-of-order, expired or finished transactions show their current step with the message;
    missing or foreign ones (nothing to show) a page of their own."""
    transaction = None
    transaction_id = (request.view_args or {}).get("transaction_id")
    if transaction_id and not isinstance(error, flow.TransactionMissing | flow.TransactionForeign):
        try:
            transaction = _transaction(transaction_id)
        except flow.FlowError:
            transaction = None
    if transaction is not None:
        return _step_response(transaction, status=error.status, flow_error=error.message)
    response = render_page("partials/widget/problem.html", layout="widget", status=error.status, message=error.message)
    return into_main(response)


# --- entry from a relying party ----------------------------------------------------------


@bp.get("/warm")
def warm() -> ResponseReturnValue:
    """An empty widget page the SDK keeps loaded (hidden) so that opening the widget is quick."""
    allow_framing_by(all_origins())
    response = render_page("partials/widget/warm.html", layout="widget")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _cors(response: Response, origin: str) -> Response:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.vary.add("Origin")
    return response


@bp.route("/transactions", methods=["OPTIONS"])
def transaction_preflight() -> ResponseReturnValue:
    """CORS preflight for the SDK: only registered RP origins may create transactions."""
    origin = request.headers.get("Origin", "")
    if origin not in all_origins():
        return Response(status=403)
    response = _cors(Response(status=204), origin)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@bp.post("/transactions")
def create_transaction() -> ResponseReturnValue:
    """The SDK's request (a credentialed CORS call from the RP's page), checked by SDK key and by
    the browser-set ``Origin``; answers the URL the SDK opens in its iframe.

    A CSRF token is not possible across origins; the Origin check and the JSON content type
    (which forces a preflight) stand in for it.
    """
    origin = request.headers.get("Origin", "")
    ratelimit.check("widget-create-ip")
    body = json_object()
    try:
        client = client_for_sdk(body.get("orgCode"), body.get("apiKey"), origin)
        if body.get("op") == "manage":
            sign_type, plain_texts, purpose = "08", [], "manage"
        else:
            (sign_type, plain_texts), purpose = _parse_sign_request(body), "sign"
        transaction = flow.create_for_rp(
            client,
            origin=origin,
            sign_type=sign_type,
            plain_texts=plain_texts,
            nonce=body.get("nonce"),
            browser_id=browser_id(),
            purpose=purpose,
        )
    except RpError as error:
        db.session.rollback()
        raise ApiError(403 if error.code == "800002" else 422, error.code, error.message) from None
    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("widget.show", transaction_id=transaction.id)
    return _cors(jsonify(url=url), origin), 201


def _parse_sign_request(body: dict[str, Any]) -> tuple[str, list[str]]:
    sign_type = body.get("signType") or "01"
    if sign_type not in flow.SIGN_TYPES:
        raise ApiError(422, "800001", "signType은 01~08 또는 99여야 합니다.")
    plain_texts = body.get("plainTexts")
    if plain_texts is None and sign_type == "01":
        plain_texts = ["로그인"]
    if (
        not isinstance(plain_texts, list)
        or not 1 <= len(plain_texts) <= 10
        or not all(isinstance(text, str) and 0 < len(text) <= 4000 for text in plain_texts)
    ):
        raise ApiError(422, "800001", "plainTexts는 1~10개의 문자열(각 4000자 이내)이어야 합니다.")
    return sign_type, plain_texts


# --- the steps ---------------------------------------------------------------------------


@bp.get("/t/<transaction_id>")
def show(transaction_id: str) -> ResponseReturnValue:
    """The current step. On a desktop the start screen is skipped (the RP's button was step 1)."""
    transaction = _transaction(transaction_id)
    response = None
    if transaction.step == "start" and request.args.get("ui") != "touch" and _family() == "desktop":
        cleared = flow.begin(transaction, request.cookies.get(COOKIE_NAME))
        response = render_step(transaction)
        if cleared:
            _clear_device_cookie(response)
    return response or render_step(transaction)


def _family() -> str:
    return g.get("ui", "desktop")


@bp.post("/t/<transaction_id>/start")
def start(transaction_id: str) -> ResponseReturnValue:
    """화면을 터치해주세요 (touch): begin, with 자동연결 if this browser has it."""
    transaction = _transaction(transaction_id)
    cleared = flow.begin(transaction, request.cookies.get(COOKIE_NAME))
    response = _step_response(transaction)
    if cleared:
        _clear_device_cookie(response)
    return response


@bp.post("/t/<transaction_id>/identify")
def identify(transaction_id: str) -> ResponseReturnValue:
    """가입정보 입력 → an SMS code is sent."""
    transaction = _transaction(transaction_id)
    form = IdentifyForm()
    if not form.validate_on_submit():
        return _step_response(transaction, status=422, form=form)
    ratelimit.check("sms-send-ip")
    try:
        flow.submit_identity(transaction, **form.parsed)
    except OrderError as error:
        attach_error(form, error.field, error.message)
        return _step_response(transaction, status=422, form=form)
    except SmsCodeError as error:
        attach_error(form, "phone", error.message)
        return _step_response(transaction, status=error.status, form=form)
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/sms")
def sms(transaction_id: str) -> ResponseReturnValue:
    """휴대폰 점유인증: check the code."""
    transaction = _transaction(transaction_id)
    form = SmsCodeForm()
    if not form.validate_on_submit():
        return _step_response(transaction, status=422, form=form)
    ratelimit.check("sms-check-ip")
    try:
        flow.confirm_sms(transaction, form.code.data)
    except SmsCodeError as error:
        attach_error(form, "code", error.message)
        return _step_response(transaction, status=error.status, form=form)
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/sms/resend")
def resend(transaction_id: str) -> ResponseReturnValue:
    """재전송: a new code (not before 30 s, at most 5 an hour)."""
    transaction = _transaction(transaction_id)
    form = SmsCodeForm(formdata=None)
    ratelimit.check("sms-send-ip")
    try:
        flow.resend_sms(transaction)
    except SmsCodeError as error:
        attach_error(form, "code", error.message)
        return _step_response(transaction, status=error.status, form=form)
    return _step_response(transaction, sent_again=True, form=form)


@bp.post("/t/<transaction_id>/consent")
def consent(transaction_id: str) -> ResponseReturnValue:
    """클라우드 접근 권한 확인, with the 자동연결 choice."""
    transaction = _transaction(transaction_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _step_response(transaction, status=422, form=form)
    token = flow.grant_cloud_access(
        transaction, auto_connect=bool(form.auto_connect.data), user_agent=request.headers.get("User-Agent", "")
    )
    response = _step_response(transaction)
    if token:
        _set_device_cookie(response, token)
    return response


def _certificate_id() -> int:
    form = CertificateForm()
    if not form.validate_on_submit():
        abort(422)
    return int(form.certificate_id.data)


@bp.post("/t/<transaction_id>/select")
def select(transaction_id: str) -> ResponseReturnValue:
    """인증서 선택 → the PIN."""
    transaction = _transaction(transaction_id)
    flow.choose_certificate(transaction, _certificate_id())
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/favourite")
def favourite(transaction_id: str) -> ResponseReturnValue:
    """즐겨찾기 on/off; the list is shown again."""
    transaction = _transaction(transaction_id)
    flow.toggle_favourite(transaction, _certificate_id())
    return _step_response(transaction, focus_favourites=True)


@bp.post("/t/<transaction_id>/another")
def another(transaction_id: str) -> ResponseReturnValue:
    """다른 인증서 선택."""
    transaction = _transaction(transaction_id)
    flow.choose_another(transaction)
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/keypad")
def keypad(transaction_id: str) -> ResponseReturnValue:
    """One key of the secure keypad (an opaque token, 지우기 or 전체삭제)."""
    transaction = _transaction(transaction_id)
    if transaction.status != "open" and wants_partial():
        return Response(status=204)  # a key pressed after the entry already finished the request
    ratelimit.check("keypad-ip")
    ratelimit.check("keypad-tx", transaction.id)
    form = KeyForm()
    if not form.validate_on_submit():
        return _step_response(transaction, status=422, pin_error="키를 다시 눌러주세요.")
    try:
        outcome = flow.press_key(transaction, form.key.data)
    except keypads.UnknownKey:
        return _step_response(transaction, status=422, pin_error="키패드가 바뀌었습니다. 다시 입력해주세요.")
    if not outcome.finished_entry and wants_partial():
        return render_page(
            "partials/widget/pin_status.html",
            tx=transaction,
            typed_count=keypads.typed_count(transaction.keypad, transaction.id),
        )
    status = 422 if outcome.error else 200
    return _step_response(transaction, status=status, pin_error=outcome.error)


@bp.post("/t/<transaction_id>/cancel")
def cancel(transaction_id: str) -> ResponseReturnValue:
    """취소: the RP gets code 800000."""
    transaction = _transaction(transaction_id)
    flow.cancel(transaction)
    return _step_response(transaction)


# --- 갱신 after a successful PIN -----------------------------------------------------------------


@bp.post("/t/<transaction_id>/renew")
def renew(transaction_id: str) -> ResponseReturnValue:
    """갱신: a new certificate under the same PIN, then the RP's result signed with it."""
    transaction = _transaction(transaction_id)
    flow.renew_now(transaction)
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/renew/later")
def renew_later(transaction_id: str) -> ResponseReturnValue:
    """나중에."""
    transaction = _transaction(transaction_id)
    flow.renew_later(transaction)
    return _step_response(transaction)


# --- 휴대폰으로 인증 (a PC's request finished on a phone) -----------------------------------------


@bp.post("/t/<transaction_id>/remote")
def remote_start(transaction_id: str) -> ResponseReturnValue:
    """휴대폰으로 인증: the PC shows a rotating QR code and waits."""
    transaction = _transaction(transaction_id)
    remote.start_on_phone(transaction)
    return _step_response(transaction)


@bp.get("/t/<transaction_id>/remote")
def remote_poll(transaction_id: str) -> ResponseReturnValue:
    """The PC's poll (htmx, every 2 s): a fresh QR code, or the step the phone brought us to."""
    transaction = _transaction(transaction_id)
    if transaction.step == "remote" and wants_partial():
        _frame_for(transaction)
        return render_page("partials/widget/remote_live.html", **_step_context(transaction))
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/remote/cancel")
def remote_cancel(transaction_id: str) -> ResponseReturnValue:
    """이 PC에서 계속."""
    transaction = _transaction(transaction_id)
    remote.continue_on_pc(transaction)
    return _step_response(transaction)


@bp.get("/m/<transaction_id>/<code>")
def phone_entry(transaction_id: str, code: str) -> ResponseReturnValue:
    """The URL in the QR code, opened on a phone: claim the PC's request, once."""
    phone = remote.claim(transaction_id, code, browser_id())
    return go_to(url_for("widget.show", transaction_id=phone.id))


@bp.post("/t/<transaction_id>/pair")
def pair(transaction_id: str) -> ResponseReturnValue:
    """확인 코드가 같습니다: the normal steps begin on the phone (3 with 자동연결)."""
    transaction = _transaction(transaction_id)
    cleared = remote.confirm_pairing(transaction, request.cookies.get(COOKIE_NAME))
    response = _step_response(transaction)
    if cleared:
        _clear_device_cookie(response)
    return response


# --- 인증서 관리 -------------------------------------------------------------------------------


@bp.route("/manage", methods=["GET", "POST"])
def manage_start() -> ResponseReturnValue:
    """인증서 관리 on its own (from the home page)."""
    transaction = flow.create_for_management(browser_id())
    return go_to(url_for("widget.show", transaction_id=transaction.id))


@bp.post("/t/<transaction_id>/manage")
def manage_open(transaction_id: str) -> ResponseReturnValue:
    """인증서 관리 from the certificate list of a login."""
    transaction = _transaction(transaction_id)
    manage.open_manage(transaction)
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/manage/<action>")
def manage_action(transaction_id: str, action: str) -> ResponseReturnValue:
    """One management action: details, PIN change, delete, favourite, back, finish."""
    transaction = _transaction(transaction_id)
    actions = {
        "details": lambda: manage.show_certificate(transaction, _certificate_id()),
        "pin": lambda: manage.start_pin_change(transaction, _certificate_id()),
        "delete": lambda: manage.start_delete(transaction, _certificate_id()),
        "favourite": lambda: manage.toggle_favourite(transaction, _certificate_id()),
        "list": lambda: manage.back_to_list(transaction),
        "login": lambda: manage.back_to_login(transaction),
        "finish": lambda: manage.finish(transaction),
    }
    if action not in actions:
        abort(404)
    actions[action]()
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/manage/device")
def manage_device(transaction_id: str) -> ResponseReturnValue:
    """연결 해제 of one 자동연결 device."""
    transaction = _transaction(transaction_id)
    form = DeviceForm()
    if not form.validate_on_submit():
        abort(422)
    this_browser = manage.disconnect(transaction, int(form.device_id.data))
    response = _step_response(transaction)
    if this_browser:
        _clear_device_cookie(response)
    return response


# --- issuance, stage 2 ---------------------------------------------------------------------


@bp.route("/issue", methods=["GET", "POST"])
def issue() -> ResponseReturnValue:
    """금융인증서 발급/저장: 참조번호 + 인가코드 (carried from the bank) open the order."""
    form = IssueStartForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_page("partials/widget/issue_start.html", layout="widget", status=status, form=form)
    try:
        order = open_order(form.ref_num.data, form.auth_code.data)
    except OrderError as error:
        attach_error(form, "ref_num", error.message)
        return render_page("partials/widget/issue_start.html", layout="widget", status=422, form=form)
    transaction = flow.create_for_issuance(order, browser_id())
    return _step_response(transaction)


@bp.post("/t/<transaction_id>/auto-connect")
def auto_connect(transaction_id: str) -> ResponseReturnValue:
    """After issuance: 자동연결 for this browser, if the user ticks it."""
    transaction = _transaction(transaction_id)
    form = AutoConnectForm()
    if not form.validate_on_submit() or not form.auto_connect.data:
        return _step_response(transaction, status=422, auto_connect_error="자동연결을 설정하려면 체크해주세요.")
    token = flow.enable_auto_connect(transaction, request.headers.get("User-Agent", ""))
    response = _step_response(transaction, auto_connected=True)
    _set_device_cookie(response, token)
    return response


# --- 발급가능한 은행보기 ------------------------------------------------------------------------


@bp.get("/banks/<code>/qr.svg")
def bank_qr(code: str) -> ResponseReturnValue:
    """A QR code of a bank's issuance page, to continue on a phone."""
    try:
        bank = get_bank(code)
    except UnknownBank:
        abort(404)
    response = Response(qr_svg(issue_page_url(bank, current_app.config["PUBLIC_URL"])), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


csrf.exempt(create_transaction)
