"""Widget views of 인증서 관리: alone, from a login's certificate list, or from the SDK."""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from app import ratelimit
from app.browser import browser_id
from app.forms import parsed
from app.rendering import go_to
from app.widget import manage, signing
from app.widget.forms import CertificateForm, DeviceForm
from app.widget.pages import bp, clear_device_cookie, current_transaction, step_response
from app.widget.steps import Flow
from app.widget.transactions import open_transaction


@bp.route("/manage", methods=["GET", "POST"])
def manage_start() -> ResponseReturnValue:
    """인증서 관리 on its own (from the home page)."""
    ratelimit.check("widget-create-ip")
    transaction = open_transaction(Flow.MANAGE, browser_id())
    return go_to(url_for("widget.show", transaction_id=transaction.id))


@bp.post("/t/<transaction_id>/manage")
def manage_open(transaction_id: str) -> ResponseReturnValue:
    """인증서 관리 from the certificate list of a login."""
    transaction = current_transaction(transaction_id)
    manage.open_manage(transaction)
    return step_response(transaction)


def _certificate_id() -> int:
    return parsed(CertificateForm).certificate_id.data


@bp.post("/t/<transaction_id>/manage/<action>")
def manage_action(transaction_id: str, action: str) -> ResponseReturnValue:
    """One management action: details, PIN change, delete, favourite, back, finish."""
    transaction = current_transaction(transaction_id)
    actions = {
        "details": lambda: manage.show_certificate(transaction, _certificate_id()),
        "pin": lambda: manage.start_pin_change(transaction, _certificate_id()),
        "delete": lambda: manage.ask_delete(transaction, _certificate_id()),
        "confirm-delete": lambda: manage.start_delete(transaction),
        "favourite": lambda: signing.toggle_favourite(transaction, _certificate_id()),
        "list": lambda: manage.back_to_list(transaction),
        "login": lambda: manage.back_to_login(transaction),
        "finish": lambda: manage.finish(transaction),
    }
    if action not in actions:
        raise NotFound()
    actions[action]()
    return step_response(transaction)


@bp.post("/t/<transaction_id>/manage/device")
def manage_device(transaction_id: str) -> ResponseReturnValue:
    """연결 해제 of one 자동연결 device."""
    transaction = current_transaction(transaction_id)
    this_browser = manage.disconnect(transaction, parsed(DeviceForm).device_id.data)
    response = step_response(transaction)
    if this_browser:
        clear_device_cookie(response)
    return response
