"""Widget views of 휴대폰으로 인증: the PC's QR code and poll, the phone's entry and pairing."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask.typing import ResponseReturnValue

from app.browser import browser_id
from app.forms import parsed
from app.ratelimit import client_address
from app.rendering import go_to, render_page, wants_partial
from app.widget import remote
from app.widget.contexts import remote as remote_context
from app.widget.forms import PairForm
from app.widget.pages import allow_framing, bp, clear_device_cookie, current_transaction, device_token, step_response
from app.widget.steps import Step


@bp.context_processor
def phone_offer() -> dict[str, Any]:
    """Whether a step offers 휴대폰으로 인증 (``phone_allowed(tx)``): the service's rule, not the template's."""
    return {"phone_allowed": remote.allows_phone}


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


@bp.post("/t/<transaction_id>/remote")
def remote_start(transaction_id: str) -> ResponseReturnValue:
    """휴대폰으로 인증: the PC shows a rotating QR code and waits."""
    transaction = current_transaction(transaction_id)
    remote.start_on_phone(transaction, address=client_address(), user_agent=_user_agent())
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
    phone = remote.claim(transaction_id, code, browser_id(), address=client_address(), user_agent=_user_agent())
    return go_to(url_for("widget.show", transaction_id=phone.id))


@bp.post("/t/<transaction_id>/pair")
def pair(transaction_id: str) -> ResponseReturnValue:
    """확인 코드가 같습니다 (and, from another network, 제가 직접 시작했습니다): the normal steps
    begin on the phone (3 with 자동연결)."""
    transaction = current_transaction(transaction_id)
    form = parsed(PairForm)
    cleared = remote.confirm_pairing(transaction, device_token(), started_here=bool(form.started_here.data))
    response = step_response(transaction)
    if cleared:
        clear_device_cookie(response)
    return response
