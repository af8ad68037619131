"""The widget's one blueprint and how it answers: a transaction's current step, rendered from
the step table as the step's partial (htmx) or the full widget page (plain request), and
every ``ServiceError`` shown in place on that step.

The views of the sub-flows (``routes``, ``manage_routes``, ``remote_routes``,
``issue_routes``, ``sdk_routes``) register on ``bp``; each parses its form, calls one
service function and answers with ``step_response``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.browser import known_browser_id
from app.cloud.devices import COOKIE_NAME, cookie_max_age
from app.contract import BAD_REQUEST, SIGN_TYPES
from app.errors import ServiceError
from app.extensions import db
from app.forms import InvalidForm
from app.i18n import message_of, use_language
from app.models import WidgetTransaction
from app.rendering import attach_error, into_main, push_step, render_page, wants_partial
from app.rules import PIN_LENGTH
from app.security_headers import allow_framing_by
from app.step_machine import IllegalMove, is_record_id
from app.widget import cloud_access, transactions
from app.widget.contexts import bank_items
from app.widget.lookups import rp_of
from app.widget.steps import Step, spec

bp = Blueprint("widget", __name__, url_prefix="/widget")
bp.add_app_template_global(bank_items)


@bp.url_value_preprocessor
def speak_the_transactions_language(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A transaction's pages speak its language (``lang`` of the SDK's request), and so do the
    errors of its requests — a stale CSRF token is refused before any view runs. The view loads
    the same row again from the session's identity map."""
    transaction_id = (values or {}).get("transaction_id")
    if is_record_id(transaction_id):
        transaction = db.session.get(WidgetTransaction, transaction_id)
        if transaction is not None:
            use_language(transaction.lang)


def current_transaction(transaction_id: str) -> WidgetTransaction:
    """The transaction in the URL, if it is this browser's."""
    return transactions.load(transaction_id, known_browser_id())


def allow_framing(transaction: WidgetTransaction) -> None:
    """Only the RP that asked may frame the widget's pages of this transaction."""
    client = rp_of(transaction)
    allow_framing_by(client.origins if client else [])


def render_step(transaction: WidgetTransaction, *, status: int = 200, **extra: Any) -> Response:
    """The transaction's current step, as its partial or as the full widget page, in the
    transaction's language."""
    use_language(transaction.lang)
    allow_framing(transaction)
    step = spec(transaction)
    context: dict[str, Any] = {
        "tx": transaction,
        "heading": gettext(step.heading),
        "subtitle": gettext(step.subtitle, pin_length=PIN_LENGTH) if step.subtitle else "",
        "rp": rp_of(transaction),
        "sign_type_label": gettext(SIGN_TYPES[transaction.sign_type]) if transaction.sign_type in SIGN_TYPES else "",
        **_close_context(transaction),
    }
    if step.form is not None:
        context["form"] = step.form(formdata=None)
    context.update(step.context(transaction))
    context.update(extra)
    return render_page(step.partial, layout="widget", status=status, **context)


def step_response(transaction: WidgetTransaction, *, status: int = 200, **extra: Any) -> Response:
    """A step reached by a post: it replaces the whole step container. On the service's own pages
    (not inside an RP's page, whose history is the RP's) the step gets a history entry."""
    response = into_main(render_step(transaction, status=status, **extra))
    if transaction.origin is None:
        push_step(response, url_for("widget.show", transaction_id=transaction.id, at=transaction.step))
    return response


def first_screen(transaction: WidgetTransaction, *, in_frame_shell: bool = False) -> Response:
    """A new transaction's first screen. On a desktop the start screen is skipped (the RP's button
    was step 1): into the cloud with a live 자동연결, else 가입정보.

    ``in_frame_shell``: the step goes into the SDK's warm page (``/widget/open``), whose header
    has no 취소 yet, so the answer brings it along (an out-of-band swap)."""
    cleared = False
    if transaction.step == Step.START and g.get("ui") == "desktop":
        cleared = cloud_access.begin(transaction, device_token())
    response = render_step(transaction)
    if in_frame_shell and wants_partial():
        response.set_data(
            response.get_data()
            + render_template("partials/widget/_close.html", oob=True, **_close_context(transaction)).encode()
        )
    if cleared:
        clear_device_cookie(response)
    return response


def _close_context(transaction: WidgetTransaction) -> dict[str, Any]:
    return {
        "cancel_url": url_for("widget.cancel", transaction_id=transaction.id) if transaction.status == "open" else None
    }


def set_device_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME, token, max_age=cookie_max_age(), secure=True, httponly=True, samesite="None", partitioned=True
    )


def clear_device_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, secure=True, httponly=True, samesite="None", partitioned=True)


def device_token() -> str | None:
    return request.cookies.get(COOKIE_NAME)


def _error_context(transaction: WidgetTransaction, error: ServiceError) -> dict[str, Any]:
    """Where the message goes on the current step: its form field, the keypad, or the step's notice."""
    step = spec(transaction)
    if isinstance(error, InvalidForm):
        if step.form is not None and isinstance(error.form, step.form):
            return {"form": error.form}
        if step.form is not None:
            return {"flow_error": message_of(IllegalMove())}  # another step's form: an old tab
        return {"flow_error": error.first_message()}
    if step.keypad is not None and error.field == "pin":
        return {"pin_error": message_of(error)}
    if step.form is not None and error.field and request.method == "POST":
        form = step.form()
        if error.field in form:
            attach_error(form, error.field, message_of(error))
            return {"form": form}
    return {"flow_error": message_of(error)}


@bp.errorhandler(ServiceError)
def show_error(error: ServiceError) -> ResponseReturnValue:
    """Any refusal: the current step with the message in place, or a page of its own when the
    transaction itself is missing or someone else's. Nothing half-written stays."""
    db.session.rollback()
    transaction = None
    transaction_id = (request.view_args or {}).get("transaction_id")
    if transaction_id and not isinstance(error, transactions.TransactionMissing | transactions.TransactionForeign):
        try:
            transaction = current_transaction(transaction_id)
        except ServiceError:
            transaction = None
    if transaction is None:
        response = render_page(
            "partials/widget/problem.html",
            layout="widget",
            status=error.status,
            message=message_of(error),
            sdk_code=error.sdk_code or BAD_REQUEST,
        )
    else:
        response = render_step(transaction, status=error.status, **_error_context(transaction, error))
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return into_main(response)
