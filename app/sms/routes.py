"""The dev-only SMS outbox page: off (404) unless FINCERT_DEV_OUTBOX is on."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue

from app.personal_info import normalise_phone_or_empty
from app.rendering import render_page
from app.sms.gateway import outbox_for

bp = Blueprint("outbox", __name__, url_prefix="/dev/outbox")


@bp.before_request
def only_when_enabled() -> None:
    """Messages carry live codes: never expose them unless explicitly enabled."""
    if not current_app.config.get("DEV_OUTBOX"):
        abort(404)


@bp.get("/")
def index() -> ResponseReturnValue:
    """The newest messages, optionally for one number (``?to=``)."""
    phone = normalise_phone_or_empty(request.args.get("to", ""))
    return render_page("partials/outbox/list.html", messages=outbox_for(phone), phone=phone)
