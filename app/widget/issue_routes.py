"""Widget views of stage 2 of an issuance: 참조번호 + 인가코드, and 자동연결 at the end
(가입정보, SMS and the PIN use the same views as a login)."""

from __future__ import annotations

from flask import request, url_for
from flask.typing import ResponseReturnValue

from app import ratelimit
from app.browser import browser_id
from app.errors import ServiceError
from app.forms import parsed
from app.i18n import message_of
from app.rendering import attach_error, go_to, into_main, render_page
from app.widget import issuance
from app.widget.forms import AutoConnectForm, IssueStartForm
from app.widget.pages import bp, current_transaction, set_device_cookie, step_response

ISSUE_START = "partials/widget/issue_start.html"


@bp.route("/issue", methods=["GET", "POST"])
def issue() -> ResponseReturnValue:
    """금융인증서 발급/저장: 참조번호 + 인가코드 (carried from the bank) open the order."""
    form = IssueStartForm()
    if request.method == "GET":
        return render_page(ISSUE_START, layout="widget", form=form)
    try:
        ratelimit.check("widget-create-ip")  # every post is a guess at 참조번호 + 인가코드
        if not form.validate_on_submit():
            return render_page(ISSUE_START, layout="widget", status=422, form=form)
        transaction = issuance.start(form.ref_num.data, form.auth_code.data, browser_id())
    except ServiceError as error:
        # This page is before any transaction: the refusal goes on its own form.
        attach_error(form, error.field or "ref_num", message_of(error))
        response = into_main(render_page(ISSUE_START, layout="widget", status=error.status, form=form))
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    # Post/redirect/get: a reload shows the current step instead of posting the codes again.
    return go_to(url_for("widget.show", transaction_id=transaction.id))


@bp.post("/t/<transaction_id>/auto-connect")
def auto_connect(transaction_id: str) -> ResponseReturnValue:
    """After issuance: 자동연결 for this browser."""
    transaction = current_transaction(transaction_id)
    parsed(AutoConnectForm)
    token = issuance.enable_auto_connect(transaction, request.headers.get("User-Agent", ""))
    response = step_response(transaction, auto_connected=True)
    set_device_cookie(response, token)
    return response
