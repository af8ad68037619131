"""The edge of the error model: Korean error pages and htmx fragments (400 CSRF, 404, 405, 429,
500, 503, and any ``ServiceError`` no blueprint showed in place), JSON for the APIs. A request
of an English widget transaction gets them in English (``app.i18n``)."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from app import contract
from app.api_json import error_body
from app.errors import N_, ServiceError
from app.extensions import db
from app.i18n import message_of
from app.rendering import into_main, render_page

API_PREFIXES = ("/api/", "/testbed/", "/pki/status/")
# The SDK's entry point answers JSON too, with the SDK's result codes (``sdk_routes`` maps its own
# refusals; this covers what reaches the edge: a wrong method, a crash).
SDK_PATHS = ("/widget/transactions",)

MESSAGES = {
    400: (N_("잘못된 요청입니다"), N_("요청을 처리할 수 없습니다. 처음부터 다시 시도해주세요.")),
    403: (N_("접근할 수 없습니다"), N_("이 페이지에 접근할 권한이 없습니다.")),
    404: (N_("페이지를 찾을 수 없습니다"), N_("주소가 바뀌었거나 없는 페이지입니다.")),
    405: (N_("허용되지 않는 요청입니다"), N_("이 주소는 이 방식의 요청을 받지 않습니다.")),
    413: (N_("요청이 너무 큽니다"), N_("보낸 내용이 너무 큽니다.")),
    429: (N_("요청이 너무 많습니다"), N_("잠시 후 다시 시도해주세요.")),
    500: (N_("일시적인 오류가 발생했습니다"), N_("잠시 후 다시 시도해주세요. 입력하신 내용은 저장되지 않았습니다.")),
    503: (
        N_("서비스를 잠시 이용할 수 없습니다"),
        N_("잠시 후 다시 시도해주세요. 입력하신 내용은 저장되지 않았습니다."),
    ),
}
CSRF_MESSAGE = (N_("보안 확인이 만료되었습니다"), N_("페이지를 새로 고친 뒤 다시 시도해주세요."))
# The JSON APIs' error codes are strings, like every ServiceError's ``code``.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def is_api_request() -> bool:
    """JSON clients (RA/RP APIs, test bed, the SDK) get JSON errors instead of pages."""
    return request.path.startswith(API_PREFIXES) or request.path in SDK_PATHS


def _json_code(status: int) -> str:
    if request.path in SDK_PATHS:
        return contract.UNREACHABLE if status >= 500 else contract.BAD_REQUEST
    return HTTP_CODES.get(status, f"http_{status}")


def error_response(status: int, title: str, detail: str, retry_after: int | None = None) -> Response:
    """One error, as JSON for API clients or as a page / htmx fragment."""
    if is_api_request():
        response = jsonify(error={"code": _json_code(status), "message": f"{title}. {detail}"})
        response.status_code = status
    else:
        response = into_main(
            render_page("partials/errors/error.html", status=status, title=title, detail=detail, code=status)
        )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _shown(message: tuple[str, str]) -> tuple[str, str]:
    """A title and detail of ``MESSAGES`` in the request's language."""
    return gettext(message[0]), gettext(message[1])


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    title, detail = _shown(MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500]))
    retry_after = getattr(error, "retry_after", None)
    response = error_response(status, title, detail, retry_after=retry_after)
    for name, value in error.get_headers():
        if name == "Allow":  # a 405 says which methods the URL takes
            response.headers[name] = value
    return response


def _service_error(error: ServiceError) -> Response:
    """A refusal no blueprint showed in its own place: JSON for the APIs, else a Korean page."""
    db.session.rollback()
    if is_api_request():
        return error_body(error)
    title = gettext(MESSAGES.get(error.status, MESSAGES[400])[0])
    return error_response(error.status, title, message_of(error), retry_after=error.retry_after)


def _csrf_error(_error: CSRFError) -> Response:
    return error_response(400, *_shown(CSRF_MESSAGE))


def _database_unavailable(_error: OperationalError) -> Response:
    # Whatever the request had written is gone with the rollback: nothing half-made.
    db.session.rollback()
    return error_response(503, *_shown(MESSAGES[503]), retry_after=5)


def _unexpected(error: Exception) -> Response:
    current_app.logger.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return error_response(500, *_shown(MESSAGES[500]))


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(ServiceUnavailable, _http_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _http_error)
    app.register_error_handler(Exception, _unexpected)
