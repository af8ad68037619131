"""The SDK's entry point: the warm iframe page and ``POST /widget/transactions``, a
credentialed CORS call from a relying party's page (JSON in, JSON out, errors as SDK codes)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from app import contract, ratelimit
from app.api_json import json_object
from app.browser import browser_id
from app.errors import ServiceError
from app.extensions import csrf, db
from app.rendering import render_page
from app.rp.clients import all_origins
from app.security_headers import allow_framing_by
from app.widget.pages import bp
from app.widget.sdk import open_for_rp


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
    """The SDK's request, checked by SDK key and by the browser-set ``Origin``; answers the URL
    the SDK opens in its iframe.

    A CSRF token is not possible across origins; the Origin check and the JSON content type
    (which forces a preflight) stand in for it.
    """
    origin = request.headers.get("Origin", "")
    try:
        ratelimit.check("widget-create-ip")
        transaction = open_for_rp(json_object(), origin=origin, browser_id=browser_id())
    except ServiceError as error:
        db.session.rollback()
        body = jsonify(error={"code": error.sdk_code or contract.BAD_REQUEST, "message": error.message})
        return body, error.status
    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("widget.show", transaction_id=transaction.id)
    return _cors(jsonify(url=url), origin), 201


csrf.exempt(create_transaction)
