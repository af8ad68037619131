"""Widget views of 휴대폰으로 인증: the PC's QR code and poll, the phone's entry and pairing."""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue

from app.browser import browser_id
from app.rendering import go_to, render_page, wants_partial
from app.widget import remote
from app.widget.contexts import remote as remote_context
from app.widget.pages import allow_framing, bp, clear_device_cookie, current_transaction, device_token, step_response
from app.widget.steps import Step


@bp.post("/t/<transaction_id>/remote")
def remote_start(transaction_id: str) -> ResponseReturnValue:
    """휴대폰으로 인증: the PC shows a rotating QR code and waits."""
    transaction = current_transaction(transaction_id)
    remote.start_on_phone(transaction)
    return step_response(transaction)


@bp.get("/t/<transaction_id>/remote")
def remote_poll(transaction_id: str) -> ResponseReturnValue:
    """The PC's poll (htmx, every 2 s): a fresh QR code, or the step the phone brought us to."""
    transaction = current_transaction(transaction_id)
    if transaction.step == Step.REMOTE and wants_partial():
        allow_framing(transaction)
        return render_page("partials/widget/remote_live.html", tx=transaction, **remote_context(transaction))
    remote.poll(transaction)
    return step_response(transaction)


@bp.post("/t/<transaction_id>/remote/cancel")
def remote_cancel(transaction_id: str) -> ResponseReturnValue:
    """이 PC에서 계속."""
    transaction = current_transaction(transaction_id)
    remote.continue_on_pc(transaction)
    return step_response(transaction)


@bp.get("/m/<transaction_id>/<code>")
def phone_entry(transaction_id: str, code: str) -> ResponseReturnValue:
    """The URL in the QR code, opened on a phone: claim the PC's request, once."""
    phone = remote.claim(transaction_id, code, browser_id())
    return go_to(url_for("widget.show", transaction_id=phone.id))


@bp.post("/t/<transaction_id>/pair")
def pair(transaction_id: str) -> ResponseReturnValue:
    """확인 코드가 같습니다: the normal steps begin on the phone (3 with 자동연결)."""
    transaction = current_transaction(transaction_id)
    cleared = remote.confirm_pairing(transaction, device_token())
    response = step_response(transaction)
    if cleared:
        clear_device_cookie(response)
    return response
