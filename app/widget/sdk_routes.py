"""The SDK's entry points: the warm iframe page and ``POST /widget/open`` (the widget opened in
one request: the warm page relays the RP page's request and gets the first step back), the
JSON API ``POST /widget/transactions`` (a credentialed CORS call: JSON in, a URL out, errors as
SDK codes), the ``init`` check, and the cloud-connection calls the warm iframe makes for
``checkCloudConn`` and ``disconnectCloudConn``. Also the SDK script itself at a versioned,
pinnable URL.

CORS: every answer to a registered RP origin carries its CORS headers, errors included, so the
page's ``fail`` gets the real code. Origins that are not registered get none (CORS allows
exact origins only); the SDK then tells "reachable but refused" (800002) from "unreachable"
(800009) by a no-cors probe of ``/healthz``.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from app import contract, ratelimit
from app.api_json import json_object, json_object_from
from app.browser import browser_id
from app.cloud.devices import device_for_token, revoke_device
from app.errors import ServiceError
from app.extensions import csrf, db
from app.i18n import message_of, use_language
from app.models import RpClient
from app.rendering import render_page
from app.rp.clients import all_origins, client_for_sdk
from app.security_headers import allow_framing_by
from app.widget.pages import bp, clear_device_cookie, device_token, first_screen
from app.widget.sdk import open_for_rp

SDK_VERSION = "1.2.0"
SDK_FILE = Path(__file__).resolve().parents[2] / "static" / "js" / "fincert.js"
sdk_bp = Blueprint("sdk", __name__, url_prefix="/sdk/v1")


def _cors(response: Response, origin: str) -> Response:
    """CORS headers for a registered RP origin (any answer: success or error)."""
    if origin and origin in all_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.vary.add("Origin")
    return response


def sdk_error(error: ServiceError) -> Response:
    """An SDK error as ``fail`` receives it: ``{"error": {"code": "8000xx", "message"}}``, in the
    language the SDK asked for."""
    response = jsonify(error={"code": error.sdk_code or contract.BAD_REQUEST, "message": message_of(error)})
    response.status_code = error.status
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.get("/warm")
def warm() -> ResponseReturnValue:
    """The widget's page without a request yet, which the SDK loads (hidden) at ``init`` so that
    opening the widget is one request (``/widget/open``) with the page, its styles and scripts
    already there. Only the calling RP (``?org=``) may frame it. It also answers the SDK's
    cloud-connection questions for this browser (static/js/widget.js). It is in the SDK's
    language (``?lang=``), as the request will be. Not cached: it carries a CSRF token, and it is
    loaded before the click, not on it."""
    use_language(request.args.get("lang"))
    client = db.session.get(RpClient, request.args.get("org", "")[:40])
    allow_framing_by(client.origins if client and client.disabled_at is None else [])
    response = render_page("partials/widget/warm.html", layout="widget")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/open")
def open_in_warm_page() -> ResponseReturnValue:
    """The SDK's request, relayed by the warm page: the transaction is created and its first
    step answered in the same request (into the warm page's ``#main``).

    The RP page's origin is the one the browser reported to the warm page for the SDK's
    postMessage; the warm page can only be framed by the RP's registered origins, and this post
    carries its CSRF token (checked here, so that a stale page gets ``refused`` with ``stale``
    and the SDK reloads it once). A refusal answers the SDK's code, which widget.js hands to
    the RP page's ``fail``, in the request's language (``lang``, which widget.js sends beside it).
    """
    use_language(request.form.get("lang"))
    origin = request.form.get("origin", "")
    try:
        csrf.protect()
    except CSRFError:
        stale = gettext("금융인증서비스 화면이 오래되어 다시 불러옵니다.")
        return _refused(stale, contract.UNREACHABLE, 400, stale=True)
    try:
        ratelimit.check("widget-create-ip")
        transaction = open_for_rp(
            json_object_from(request.form.get("request", "")), origin=origin, browser_id=browser_id()
        )
    except ServiceError as error:
        db.session.rollback()
        return _refused(message_of(error), error.sdk_code or contract.BAD_REQUEST, error.status)
    return first_screen(transaction, in_frame_shell=True)


def _refused(message: str, sdk_code: str, status: int, *, stale: bool = False) -> Response:
    return render_page(
        "partials/widget/refused.html", layout="widget", status=status, message=message, sdk_code=sdk_code, stale=stale
    )


@bp.route("/transactions", methods=["OPTIONS"])
@bp.route("/sdk/hello", methods=["OPTIONS"])
def sdk_preflight() -> ResponseReturnValue:
    """CORS preflight for the SDK: only registered RP origins may call."""
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
        body = json_object()
        use_language(body.get("lang"))
        transaction = open_for_rp(body, origin=origin, browser_id=browser_id())
    except ServiceError as error:
        db.session.rollback()
        return _cors(sdk_error(error), origin)
    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("widget.show", transaction_id=transaction.id)
    response = jsonify(url=url)
    response.status_code = 201
    return _cors(response, origin)


@bp.post("/sdk/hello")
def sdk_hello() -> ResponseReturnValue:
    """``FinCert.Sdk.init``: are this orgCode, apiKey and page origin a registered RP? (A
    refusal in the SDK's ``lang``.)"""
    origin = request.headers.get("Origin", "")
    try:
        body = json_object()
        use_language(body.get("lang"))
        client = client_for_sdk(body.get("orgCode"), body.get("apiKey"), origin)
    except ServiceError as error:
        return _cors(sdk_error(error), origin)
    return _cors(jsonify(ok=True, orgCode=client.org_code, name=client.name), origin)


def _connection_client() -> RpClient:
    """The RP behind a cloud-connection question relayed by the warm iframe: its key, and the
    parent page's origin as the browser reported it to the iframe (postMessage's origin)."""
    body = json_object()
    return client_for_sdk(body.get("orgCode"), body.get("apiKey"), body.get("origin"))


@bp.post("/cloud-conn")
def cloud_connection() -> ResponseReturnValue:
    """``checkCloudConn``: is this browser auto-connected on this site (``{connected}``)?"""
    try:
        _connection_client()
    except ServiceError as error:
        return sdk_error(error)
    device = device_for_token(device_token())
    db.session.rollback()  # a question only: "last used" is not touched
    return jsonify(connected=device is not None)


@bp.post("/cloud-conn/disconnect")
def cloud_disconnect() -> ResponseReturnValue:
    """``disconnectCloudConn``: forget this browser's 자동연결 on this site, at once."""
    try:
        _connection_client()
    except ServiceError as error:
        return sdk_error(error)
    device = device_for_token(device_token())
    if device is not None:
        revoke_device(device)
    db.session.commit()
    response = jsonify(connected=False, disconnected=device is not None)
    clear_device_cookie(response)
    return response


# --- the SDK script ---------------------------------------------------------------------------


def sdk_integrity() -> str:
    """The ``integrity`` value of the versioned script (Subresource Integrity, SHA-384)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(SDK_FILE.read_bytes()).digest()).decode()


def _script(max_age: int, immutable: bool) -> Response:
    response = Response(SDK_FILE.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    # Public, with no credentials: any page may load it with integrity + crossorigin="anonymous".
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@sdk_bp.get("/fincert-<version>.js")
def versioned_sdk(version: str) -> ResponseReturnValue:
    """The SDK at a URL that never changes content: pin it with its ``integrity`` hash."""
    if version != SDK_VERSION:
        return Response("unknown SDK version\n", status=404, mimetype="text/plain")
    return _script(365 * 24 * 3600, immutable=True)


@sdk_bp.get("/fincert.js")
def current_sdk() -> ResponseReturnValue:
    """The newest SDK (a short cache: it follows releases)."""
    return _script(300, immutable=False)


csrf.exempt(create_transaction)
csrf.exempt(open_in_warm_page)  # checked in the view, to answer a stale page
csrf.exempt(sdk_hello)
