"""Conventions shared by the JSON APIs (RA, RP, test bed, the SDK's entry): errors, bodies,
bearer keys.

Bodies are bounded before they are parsed: at most ``MAX_JSON_BYTES`` and ``MAX_JSON_DEPTH``
levels of arrays and objects. Python's parser recurses once per level, so a body of 200,000
``[`` would otherwise end in a ``RecursionError`` (a 500) instead of a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import N_, ServiceError
from app.personal_info import InvalidField

MAX_JSON_BYTES = 256 * 1024  # the SDK's 10 texts of 4,000 characters fit, even \u-escaped
MAX_JSON_DEPTH = 16  # the deepest body an API takes has 2 levels (an object holding a list)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class ApiError(ServiceError):
    """An API request that cannot be served, with its status and stable code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        *,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message, params=params, status=status, code=code, fields=fields)


def error_body(error: ServiceError) -> Response:
    """``{"error": {"code", "message", "fields"}}`` with the error's status."""
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        payload["fields"] = error.fields
    response = jsonify(error=payload)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fincert"'
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def nesting_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays and objects in ``data`` nest deeper than ``limit`` (brackets inside strings
    do not count). Linear, and it stops at the first level too many."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400/413/415 ``ApiError``: never larger than
    ``MAX_JSON_BYTES`` or nested deeper than ``MAX_JSON_DEPTH``."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", N_("Content-Type: application/json 으로 보내주세요."))
    too_large = _too_large(N_("요청 본문"))
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise too_large
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:  # a body without Content-Length that outgrew the server's cap
        raise too_large from None
    return _parsed_object(data, N_("요청 본문"))


def _too_large(what: str) -> ApiError:
    message = N_("%(what)s은 %(limit)dKB 이하여야 합니다.")
    return ApiError(413, "too_large", message, params={"what": lazy_gettext(what), "limit": MAX_JSON_BYTES // 1024})


def _parsed_object(data: bytes, what: str) -> dict[str, Any]:
    """``what`` (marked with ``N_``) names the JSON in the messages: the SDK's reach an RP's page."""
    if len(data) > MAX_JSON_BYTES:
        raise _too_large(what)
    if nesting_exceeds(data, MAX_JSON_DEPTH):
        message = N_("%(what)s의 배열·객체는 %(limit)d단계까지만 중첩할 수 있습니다.")
        raise ApiError(400, "invalid_json", message, params={"what": lazy_gettext(what), "limit": MAX_JSON_DEPTH})
    try:
        body = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        body = None
    if not isinstance(body, dict):
        raise ApiError(
            400, "invalid_json", N_("%(what)s이 올바른 JSON 객체가 아닙니다."), params={"what": lazy_gettext(what)}
        )
    return body


def json_object_from(text: str) -> dict[str, Any]:
    """A JSON object carried in a form field (the SDK's request relayed by the warm iframe),
    with the bounds of ``json_object``, or a 400/413 ``ApiError``."""
    return _parsed_object(text.encode("utf-8"), N_("요청"))


def bearer_token() -> str:
    """The key presented in ``Authorization: Bearer …`` (empty when absent)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def collect_fields(
    body: dict[str, Any], parsers: dict[str, Callable[[Any], Any]], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Run each field's parser; all field errors are reported together as one 422."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, parse in parsers.items():
        raw = body.get(name)
        if raw is None and name in optional:
            values[name] = None
            continue
        if raw is None:
            errors[name] = "필수 항목입니다."
            continue
        if not isinstance(raw, str):
            errors[name] = "문자열이어야 합니다."
            continue
        try:
            values[name] = parse(raw)
        except InvalidField as error:
            errors[name] = error.message
    if errors:
        raise ApiError(422, "invalid_fields", "입력값을 확인해주세요.", errors)
    return values


def given_or(value: Any, default: str) -> Any:
    """``value``, or ``default`` when the option is left out: absent, null or "" (what the SDK sends
    for an unset option). Any other value, ``false``, ``0``, ``[]`` or ``{}`` included, is checked."""
    return default if value is None or value == "" else value


def choice(*allowed: str) -> Callable[[str], str]:
    """A parser accepting one of ``allowed``."""

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise InvalidField("", f"{', '.join(allowed)} 중 하나여야 합니다.")
        return raw

    return parse
