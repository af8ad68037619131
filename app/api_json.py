"""Conventions shared by the JSON APIs (RA, RP, test bed): errors, bodies, bearer keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request

from app.errors import ServiceError
from app.personal_info import InvalidField


class ApiError(ServiceError):
    """An API request that cannot be served, with its status and stable code."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, status=status, code=code, fields=fields)


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


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 400/415 ``ApiError``."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Content-Type: application/json 으로 보내주세요.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "요청 본문이 올바른 JSON 객체가 아닙니다.")
    return body


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
