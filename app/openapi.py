"""The OpenAPI 3.1 description of the JSON APIs (RA, RP, SDK transactions, PKI status, test bed),
served at ``/api/openapi.json`` and checked against the running app with schemathesis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.contract import SIGN_TYPES

bp = Blueprint("openapi", __name__)

_PHONE = {
    "type": "string",
    "pattern": "^01[016789]-?[0-9]{3,4}-?[0-9]{4}$",
    "description": "a Korean mobile number, with or without dashes",
    "examples": ["010-1234-5678"],
}
_BIRTH = {
    "type": "string",
    "pattern": "^(19[0-9]{2}|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])$",
    "description": "YYYYMMDD, a real date, not in the future",
    "examples": ["19900101"],
}
_NAME = {
    "type": "string",
    "pattern": "^[가-힣]{2,10}$",
    "description": "Hangul or Latin, at most 30",
    "examples": ["홍길동"],
}

_RRN = {
    "type": ["string", "null"],
    "pattern": "^[0-9]{6}-?[0-9]{7}$",
    "description": "주민등록번호 for VID 본인확인 (optional): 13 digits with a valid check digit matching "
    "birth_date; used to compute the certificate's VID and never stored",
    "examples": ["900101-1234568"],
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": ["string", "integer"]},
                "message": {"type": "string", "description": "Korean, for people"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "malformed JSON",
        401: "wrong or missing key",
        403: "origin or key not allowed",
        404: "not found (or the test bed is off)",
        405: "method not allowed",
        409: "conflict",
        413: "body too large",
        415: "not application/json",
        422: "invalid fields, each named",
        429: "too many requests (Retry-After)",
        503: "database briefly unavailable (Retry-After)",
    }
    return {str(status): _json({"$ref": "#/components/schemas/Error"}, words[status]) for status in statuses}


def _body(schema: dict[str, Any], example: dict[str, Any] | None = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"required": True, "content": {"application/json": media}}


def document() -> dict[str, Any]:
    """The OpenAPI document for this deployment."""
    common = (400, 405, 413, 415, 422, 429, 503)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "금융인증서비스 API",
            "version": current_app.config["VERSION"],
            "description": "Registration authority (banks), relying parties, the SDK's transactions, "
            "certificate status and the integrators' test bed.",
        },
        "servers": [{"url": current_app.config["PUBLIC_URL"].rstrip("/")}],
        "components": {
            "securitySchemes": {
                "bankKey": {"type": "http", "scheme": "bearer", "description": "flask ra create-key"},
                "rpSecret": {"type": "http", "scheme": "bearer", "description": "flask rp register (secret)"},
            },
            "schemas": {"Error": ERROR},
        },
        "paths": {
            "/api/v1/ra/orders": {
                "post": {
                    "summary": "A bank orders a certificate for a person it identified (stage 1 done)",
                    "operationId": "createOrder",
                    "security": [{"bankKey": []}],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["name", "phone", "birth_date", "kind"],
                            "properties": {
                                "name": _NAME,
                                "phone": _PHONE,
                                "birth_date": _BIRTH,
                                "email": {"type": ["string", "null"], "format": "email", "maxLength": 120},
                                "kind": {"type": "string", "enum": ["issue", "reissue"]},
                                "rrn": _RRN,
                            },
                        },
                        {"name": "홍길동", "phone": "010-1234-5678", "birth_date": "19900101", "kind": "issue"},
                    ),
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["ref_num", "auth_code", "expires_at", "bank_code", "kind"],
                                "properties": {
                                    "ref_num": {"type": "string", "pattern": "^[0-9]{8}$"},
                                    "auth_code": {"type": "string", "pattern": "^[0-9]{10}$"},
                                    "expires_at": {"type": "string"},
                                    "bank_code": {"type": "string"},
                                    "kind": {"type": "string"},
                                },
                            },
                            "참조번호 and 인가코드 for stage 2",
                        ),
                        "401": _errors(401)["401"],
                        **_errors(*common),
                    },
                }
            },
            "/api/v1/rp/nonces": {
                "post": {
                    "summary": "A one-time nonce (10 minutes) for FinCert.Sdk.sign",
                    "operationId": "createNonce",
                    "security": [{"rpSecret": []}],
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["nonce", "expires_at"],
                                "properties": {"nonce": {"type": "string"}, "expires_at": {"type": "string"}},
                            },
                            "the nonce",
                        ),
                        **_errors(401, 405, 429, 503),
                    },
                }
            },
            "/api/v1/rp/verify": {
                "post": {
                    "summary": "Verify one signedVals entry against the exact plaintext, sign type and nonce",
                    "operationId": "verifySignature",
                    "security": [{"rpSecret": []}],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["signedVal", "plainText", "signType", "nonce"],
                            "properties": {
                                "signedVal": {"type": "string", "minLength": 1, "maxLength": 20000},
                                "plainText": {"type": "string", "minLength": 1, "maxLength": 4000},
                                "signType": {"type": "string", "enum": sorted(SIGN_TYPES)},
                                "nonce": {"type": "string", "minLength": 1, "maxLength": 128},
                                "rrn": {
                                    **_RRN,
                                    "description": "with rValue: VID 본인확인 of the signer (not stored)",
                                },
                                "rValue": {
                                    "type": ["string", "null"],
                                    "description": "the SDK's rValue (base64): the certificate's VID random R",
                                },
                            },
                        }
                    ),
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["name", "bank_code", "serial", "signing_time"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "bank_code": {"type": "string"},
                                    "bank_name": {"type": "string"},
                                    "serial": {"type": "string"},
                                    "subject": {"type": "string"},
                                    "signing_time": {"type": "string"},
                                    "revocation_checked_by": {"type": "string", "enum": ["ocsp", "crl", "none"]},
                                    "identity_verified": {
                                        "type": "boolean",
                                        "description": "present when rrn and rValue were sent: 본인확인 result",
                                    },
                                },
                            },
                            "who signed",
                        ),
                        **_errors(401, *common),
                    },
                }
            },
            "/widget/transactions": {
                "post": {
                    "summary": "The SDK's request from a relying party's page (CORS; the Origin is checked)",
                    "operationId": "createTransaction",
                    "parameters": [{"name": "Origin", "in": "header", "required": True, "schema": {"type": "string"}}],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["orgCode", "apiKey"],
                            "properties": {
                                "orgCode": {"type": "string"},
                                "apiKey": {"type": "string"},
                                "op": {"type": "string", "enum": ["sign", "manage"]},
                                "signType": {"type": "string", "enum": sorted(SIGN_TYPES)},
                                "plainTexts": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": 10,
                                    "items": {"type": "string", "minLength": 1, "maxLength": 4000},
                                },
                                "nonce": {"type": "string"},
                            },
                        }
                    ),
                    "responses": {
                        "201": _json(
                            {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}},
                            "the widget URL to open in the iframe",
                        ),
                        **_errors(403, *common),
                    },
                }
            },
            "/pki/status/{serial}": {
                "get": {
                    "summary": "good / revoked / unknown for a certificate serial",
                    "operationId": "certificateStatus",
                    "parameters": [{"name": "serial", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["serial", "status"],
                                "properties": {
                                    "serial": {"type": "string"},
                                    "status": {"type": "string", "enum": ["good", "revoked", "unknown"]},
                                },
                            },
                            "the status",
                        ),
                        **_errors(400, 404, 405, 429, 503),
                    },
                }
            },
            "/testbed/subscribers": {
                "post": {
                    "summary": "Test bed: a subscriber and a certificate in one call (FINCERT_TESTBED=1)",
                    "operationId": "testbedSubscriber",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["name", "phone", "birth_date", "bank_code", "pin"],
                            "properties": {
                                "name": _NAME,
                                "phone": _PHONE,
                                "birth_date": _BIRTH,
                                "bank_code": {"type": "string", "pattern": "^[0-9]{3}$"},
                                "pin": {"type": "string", "pattern": "^[0-9]{6}$"},
                                "rrn": _RRN,
                            },
                        },
                        {
                            "name": "테스트",
                            "phone": "01055550001",
                            "birth_date": "19851212",
                            "bank_code": "081",
                            "pin": "246813",
                        },
                    ),
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["serial", "cert_pem", "subject"],
                                "properties": {
                                    "serial": {"type": "string"},
                                    "cert_pem": {"type": "string"},
                                    "subject": {"type": "string"},
                                },
                            },
                            "the certificate",
                        ),
                        **_errors(404, *common),
                    },
                }
            },
            "/testbed/outbox": {
                "get": {
                    "summary": "Test bed: the SMS sent to a number, newest first",
                    "operationId": "testbedOutbox",
                    "parameters": [{"name": "to", "in": "query", "required": True, "schema": _PHONE}],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["messages"],
                                "properties": {"messages": {"type": "array", "items": {"type": "object"}}},
                            },
                            "the messages",
                        ),
                        **_errors(404, 405, 422, 429, 503),
                    },
                }
            },
        },
    }


@bp.get("/api/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI 3.1 document."""
    return jsonify(document())
