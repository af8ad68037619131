"""Widget views of stage 2 of an issuance: 참조번호 + 인가코드, and 자동연결 at the end
(가입정보, SMS and the PIN use the same views as a login)."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from app.browser import browser_id
from app.errors import ServiceError
from app.rendering import attach_error, into_main, render_page
from app.widget import issuance
from app.widget.forms import AutoConnectForm, IssueStartForm
from app.widget.pages import bp, current_transaction, set_device_cookie, step_response

ISSUE_START = "partials/widget/issue_start.html"


@bp.route("/issue", methods=["GET", "POST"])
def issue() -> ResponseReturnValue:
    """금융인증서 발급/저장: 참조번호 + 인가코드 (carried from the bank) open the order."""
    form = IssueStartForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_page(ISSUE_START, layout="widget", status=status, form=form)
    try:
        transaction = issuance.start(form.ref_num.data, form.auth_code.data, browser_id())
    except ServiceError as error:
        # This page is before any transaction: the refusal goes on its own form.
        attach_error(form, error.field or "ref_num", error.message)
        return into_main(render_page(ISSUE_START, layout="widget", status=error.status, form=form))
    return step_response(transaction)


@bp.post("/t/<transaction_id>/auto-connect")
def auto_connect(transaction_id: str) -> ResponseReturnValue:
    """After issuance: 자동연결 for this browser."""
    transaction = current_transaction(transaction_id)
    form = AutoConnectForm()
    if not form.validate_on_submit() or not form.auto_connect.data:
        return step_response(transaction, status=422, auto_connect_error="자동연결을 설정하려면 체크해주세요.")
    token = issuance.enable_auto_connect(transaction, request.headers.get("User-Agent", ""))
    response = step_response(transaction, auto_connected=True)
    set_device_cookie(response, token)
    return response
