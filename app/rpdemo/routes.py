"""The demo relying party at ``/rp/demo/`` ("한빛마켓"), served so that it runs on another origin.

It behaves like a real RP: its server asks the service for a one-time nonce, its page calls
``FinCert.Sdk.sign`` from the service's ``fincert.js``, and its server verifies the returned
CMS with the verifier against the exact text it asked to be signed. Each page's request has its
own nonce (several tabs never disturb one another): the server remembers the nonces it asked
for in the visitor's session and takes back the one the page returns. (It calls the service's
functions directly; a separate RP calls ``POST /api/v1/rp/nonces`` the same way.)
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.banks import list_banks
from app.extensions import db
from app.models import RpClient
from app.pki.verifier import VerificationError, verify_vid
from app.rendering import render_page
from app.rp.clients import DEMO_ORG_CODE, NonceRejected, demo_credentials, ensure_demo_client, issue_nonce
from app.rp.verification import verify_for_rp
from app.security_headers import allow_sources

bp = Blueprint("rpdemo", __name__, url_prefix="/rp/demo")


class ResultForm(FlaskForm):
    """What the page posts back after ``FinCert.Sdk.sign`` succeeded: the signed value and the
    nonce of that page's request."""

    signed_val = StringField(validators=[DataRequired(), Length(max=20000)])
    nonce = StringField(validators=[DataRequired(), Length(max=128)])


class TransferForm(ResultForm):
    bank_code = StringField("받는 은행", validators=[DataRequired("받는 은행을 선택해주세요.")])
    account = StringField(
        "받는 계좌번호",
        validators=[
            DataRequired("계좌번호를 입력해주세요."),
            Regexp(r"^[0-9-]{6,20}$", message="계좌번호는 숫자와 -로 입력해주세요."),
        ],
    )
    amount = StringField(
        "보낼 금액(원)",
        validators=[
            DataRequired("금액을 입력해주세요."),
            Regexp(r"^[1-9][0-9]{0,9}$", message="금액은 1원 이상 숫자로 입력해주세요."),
        ],
    )
    # 본인확인 (VID): the number is only compared with the certificate's VID, never kept.
    rrn = StringField(
        "주민등록번호 (본인확인, 선택)",
        validators=[Optional(), Regexp(r"^[0-9]{6}-?[0-9]{7}$", message="주민등록번호 13자리를 입력해주세요.")],
    )
    r_value = StringField(validators=[Optional(), Length(max=200)])


def transfer_text(bank_name: str, account: str, amount: str) -> str:
    """The exact text the transfer signs; the server rebuilds it to verify."""
    return f"[데모 이용기관] 이체\n받는 분 계좌: {bank_name} {account}\n금액: {int(amount):,}원"


OUTSTANDING_NONCES = 10  # requests a visitor may have open at once (tabs, windows)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.before_request
def widget_sources() -> ResponseReturnValue | None:
    """The RP's pages load the SDK, call the service and frame the widget from its origin.

    Opened on the service's own origin, the RP would be the service itself (not a relying party
    the SDK accepts): send the visitor to the RP's own address instead.
    """
    widget_origin = _origin(current_app.config["PUBLIC_URL"])
    rp_url = current_app.config["DEMO_RP_URL"]
    if request.method == "GET" and _origin(request.url) == widget_origin and _origin(rp_url) != widget_origin:
        return redirect(rp_url.rstrip("/") + request.full_path.split(bp.url_prefix, 1)[1].rstrip("?"), code=302)
    for directive in ("script-src", "connect-src", "frame-src"):
        allow_sources(directive, [widget_origin])
    return None


def _client() -> RpClient:
    return db.session.get(RpClient, DEMO_ORG_CODE) or ensure_demo_client()


def _page(partial: str, status: int = 200, **context) -> ResponseReturnValue:
    api_key, _secret = demo_credentials()
    return render_page(
        partial,
        layout="rp",
        status=status,
        sdk_url=current_app.config["PUBLIC_URL"].rstrip("/") + "/static/js/fincert.js",
        org_code=DEMO_ORG_CODE,
        api_key=api_key,
        **context,
    )


def _new_nonce() -> str:
    """A one-time nonce from the service, remembered in the visitor's session for the verification."""
    record = issue_nonce(_client())
    session["rp_nonces"] = [*session.get("rp_nonces", []), record.nonce][-OUTSTANDING_NONCES:]
    return record.nonce


@bp.get("/")
def login_page() -> ResponseReturnValue:
    """데모 이용기관 로그인: a '금융인증서 로그인' button. The page comes with the nonce of its first
    login, so that the click opens the widget at once (the page asks for the next one after an
    attempt); this is what the README advises RPs to do."""
    return _page("partials/rpdemo/login.html", nonce=_new_nonce())


@bp.post("/prepare")
def prepare() -> ResponseReturnValue:
    """The RP's server gets a one-time nonce from the service and says what to sign.

    For a transfer it checks the fields and builds the text; the nonce is remembered in the
    RP's session for the verification that follows.
    """
    if request.form.get("kind") == "transfer":
        form = TransferForm()
        banks = {bank.code: bank.name for bank in list_banks()}
        form.signed_val.validators = []
        form.nonce.validators = []
        if not form.validate_on_submit() or form.bank_code.data not in banks:
            errors = {
                name: messages[0] for name, messages in form.errors.items() if name not in ("signed_val", "nonce")
            }
            if form.bank_code.data not in banks:
                errors.setdefault("bank_code", "받는 은행을 선택해주세요.")
            return jsonify(errors=errors), 422
        sign_type = "02"
        text = transfer_text(banks[form.bank_code.data], re.sub(r"\s", "", form.account.data), form.amount.data)
    else:
        if not FlaskForm().validate_on_submit():
            return jsonify(errors={"form": "페이지를 새로 고친 뒤 다시 시도해주세요."}), 400
        sign_type, text = "01", "로그인"
    include_r = request.form.get("kind") == "transfer" and bool(request.form.get("rrn"))
    return jsonify(nonce=_new_nonce(), signType=sign_type, plainText=text, includeR=include_r)


def _verify(form: ResultForm, plain_text: str, sign_type: str):
    """Verify this page's result with the nonce this visitor asked for (used up either way)."""
    outstanding = session.get("rp_nonces", [])
    nonce = form.nonce.data
    if nonce not in outstanding:
        raise NonceRejected("이 요청 정보를 찾을 수 없습니다. 처음부터 다시 시도해주세요.")
    session["rp_nonces"] = [other for other in outstanding if other != nonce]
    return verify_for_rp(
        _client(), signed_val=form.signed_val.data, plain_text=plain_text, sign_type=sign_type, nonce=nonce
    )


@bp.post("/login")
def login() -> ResponseReturnValue:
    """Verify the login signature; 로그인 성공 with who signed, or the reason it failed."""
    form = ResultForm()
    if not form.validate_on_submit():
        return _page("partials/rpdemo/failed.html", status=422, reason="서명 결과가 없습니다.")
    try:
        signer = _verify(form, "로그인", "01")
    except (VerificationError, NonceRejected) as error:
        return _page("partials/rpdemo/failed.html", status=422, reason=error.message)
    session["rp_user"] = {"name": signer.name, "bank": signer.bank_name, "serial": signer.serial}
    return _page("partials/rpdemo/welcome.html", signer=signer)


@bp.get("/transfer")
def transfer_page() -> ResponseReturnValue:
    """이체 (signType 02): the widget shows the exact text before the PIN."""
    return _page("partials/rpdemo/transfer.html", form=TransferForm(formdata=None), banks=list_banks())


@bp.post("/transfer")
def transfer() -> ResponseReturnValue:
    """Verify the transfer signature against the text rebuilt from the submitted fields; with a
    주민등록번호, also 본인확인: does the certificate's VID belong to that number (with R)?"""
    form = TransferForm()
    banks = {bank.code: bank.name for bank in list_banks()}
    if not form.validate_on_submit() or form.bank_code.data not in banks:
        return _page("partials/rpdemo/transfer.html", status=422, form=form, banks=list_banks())
    text = transfer_text(banks[form.bank_code.data], re.sub(r"\s", "", form.account.data), form.amount.data)
    try:
        signer = _verify(form, text, "02")
    except (VerificationError, NonceRejected) as error:
        return _page("partials/rpdemo/failed.html", status=422, reason=error.message)
    identity = None
    if form.rrn.data:
        r_value = _r_value(form.r_value.data or "")
        identity = r_value is not None and verify_vid(signer.certificate, form.rrn.data.replace("-", ""), r_value)
    return _page("partials/rpdemo/transferred.html", signer=signer, text=text, identity=identity)


def _r_value(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True) or None
    except (binascii.Error, ValueError):
        return None
