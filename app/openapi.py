"""The OpenAPI 3.1 description of everything a bank, a relying party, a monitor or a PKI client
calls: the RA and RP APIs, the SDK's JSON calls, the test bed, the PKI publications and
``/healthz``. Served at ``/api/openapi.json``; schemathesis checks it against the running app
(tests/test_openapi.py).

The patterns say exactly what the server's parsers accept where a regular expression can
(``app/personal_info.py``, ``app/pki/vid.py``, ``app/rp/clients.py``, ``app/widget/sdk.py``,
``app/rp/api.py``); what one cannot say — a real calendar date, a check digit, the PIN rules, a
nonce never used, a signature that verifies — is in the descriptions. The parsers strip and split
on Python's whitespace (``str.strip``, ``re``'s ``\\s``), so the patterns spell that set out
instead of writing ``\\s``, which means another set to an ECMA-262 validator.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from app.banks import load_bank_data
from app.contract import SDK_CODES, SIGN_TYPES
from app.personal_info import is_displayable

bp = Blueprint("openapi", __name__)

# --- patterns ---------------------------------------------------------------------------------

# Python's whitespace: every character for which str.isspace() is true (a test keeps it so).
SPACE_CHARS = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
WS = f"[{SPACE_CHARS}]"

# Whitespace that shows as itself (category Zs): names and e-mail addresses refuse the rest of
# Python's whitespace (tabs, line breaks, separators) as hidden characters (is_displayable).
SHOWN_SPACE_CHARS = r"\x20\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
SHOWN_WS = f"[{SHOWN_SPACE_CHARS}]"

# normalise_name: NFC, trimmed, whitespace runs as one space, then a Hangul or Latin letter and up
# to 29 more of letters, space, '.', '·', '-'. A letter may also come decomposed (conjoining jamo,
# which NFC composes) or as one of the two characters NFC maps into the set (KELVIN SIGN → K,
# GREEK ANO TELEIA → ·). A whitespace run counts as one character.
_LETTER = r"(?:[가-힣A-Za-z\u212a]|[\u1100-\u1112][\u1161-\u1175][\u11a8-\u11c2]?)"
_NAME_MARK = r"[.\u00b7\u0387-]"
NAME_PATTERN = f"^{SHOWN_WS}*{_LETTER}(?:{_LETTER}|{_NAME_MARK}|{SHOWN_WS}+){{0,29}}{SHOWN_WS}*$"

# normalise_phone: whitespace and dashes anywhere are dropped, then 01[016789] and 7 or 8 digits.
_PHONE_GAP = f"[{SPACE_CHARS}-]*"
PHONE_PATTERN = f"^{_PHONE_GAP}0{_PHONE_GAP}1{_PHONE_GAP}[016789](?:{_PHONE_GAP}[0-9]){{7,8}}{_PHONE_GAP}$"

# parse_birth_date: trimmed, every '-' and '.' dropped, then eight digits.
BIRTH_DATE_PATTERN = f"^{WS}*[.-]*(?:[0-9][.-]*){{8}}{WS}*$"


# parse_rrn (orders, test bed): spaces and dashes anywhere are dropped, then 13 digits.
RRN_PATTERN = "^[ -]*(?:[0-9][ -]*){13}$"
# The verify API's rrn: dashes anywhere are dropped, then 13 digits (no check digit: a wrong
# number simply does not match the certificate's VID).
VERIFY_RRN_PATTERN = "^-*(?:[0-9]-*){13}$"

# rValue: base64 or base64url of 1–64 bytes, padding optional (a length of 4k+1 decodes to nothing).
_B64 = "[A-Za-z0-9+/_-]"
R_VALUE_PATTERN = f"^(?:(?:{_B64}{{4}}){{0,20}}(?:{_B64}{{4}}|{_B64}{{2,3}})|(?:{_B64}{{4}}){{21}}(?:{_B64}{{2}})?)=*$"

# The SDK's binaries and hashes: base64url, up to two '=' of padding.
_B64URL = "[A-Za-z0-9_-]"
BINARY_PATTERN = f"^(?:{_B64URL}{{4}})*(?:{_B64URL}{{4}}|{_B64URL}{{2,3}})={{0,2}}$"
BINARY_MAX_LENGTH = 87384  # 65536 bytes are 87382 characters, plus padding
HASH_PATTERN = f"^{_B64URL}{{43}}={{0,2}}$"  # 32 bytes

NONCE_PATTERN = "^[A-Za-z0-9_.~-]{16,128}$"
SERIAL_PATTERN = "^[0-9A-Fa-f]{1,40}$"
ORG_CODE_PATTERN = "^[A-Z0-9_]{2,40}$"
SDK_TIME_PATTERN = "^[0-9]{14}$"
REF_NUM_PATTERN = f"^{WS}*[0-9]{{8}}{WS}*$"
AUTH_CODE_PATTERN = f"^{WS}*[0-9]{{10}}{WS}*$"


@functools.cache
@functools.cache
def hidden_class(*, multiline: bool) -> str:
    """The characters ``personal_info.is_displayable`` refuses, as the body of a regex class.

    Written as ranges: \\uXXXX escapes in the BMP and the characters themselves beyond it (neither
    ECMA-262 nor Python know the other's astral escape). Surrogates are left out: a lone one is no
    character of a JSON text, and in a UTF-16 validator they would exclude every astral character.
    Unassigned code points are those of this Python's Unicode version.
    """
    ranges: list[tuple[int, int]] = []
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF or is_displayable(chr(point), multiline=multiline):
            continue
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))

    def spell(point: int) -> str:
        return f"\\u{point:04x}" if point <= 0xFFFF else chr(point)

    return "".join(spell(a) if a == b else f"{spell(a)}-{spell(b)}" for a, b in ranges)


def plain_text_pattern() -> str:
    """checked_text: every character shows as itself, lines and tabs allowed (with maxLength 4000:
    a class this large, counted, is too big a regex for some validators)."""
    return f"^[^{hidden_class(multiline=True)}]+$"


def email_pattern() -> str:
    """normalise_email: trimmed (spaces that show); at most one '@'-separated address of characters
    that show as themselves, no whitespace inside."""
    char = f"[^@{SPACE_CHARS}{hidden_class(multiline=False)}]"
    return f"^{SHOWN_WS}*{char}+@{char}+\\.[A-Za-z]{{2,}}{SHOWN_WS}*$"


def email_length_pattern() -> str:
    char = f"[^{SPACE_CHARS}{hidden_class(multiline=False)}]"
    return f"^{SHOWN_WS}*{char}{{1,120}}{SHOWN_WS}*$"


# --- schemas ----------------------------------------------------------------------------------

_NULL = {"type": "null"}  # inside "properties": absent or null


def _text(pattern: str, description: str, examples: list[str], **more: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "description": description, "examples": examples, **more}


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, _NULL]}


def _choice(values: list[str], description: str, *, default: bool = True) -> dict[str, Any]:
    """One of ``values``; with ``default``, also "" or null, which (like absent) mean the default."""
    extra: list[Any] = ["", None] if default else []
    return {"enum": [*values, *extra], "description": description}


NAME = _text(
    NAME_PATTERN,
    "이름: a Hangul or Latin letter, then letters, spaces, '.', '·' or '-' — at most 30 characters once "
    "NFC-normalised, trimmed and with each run of whitespace counted as one space (Hangul may be "
    "precomposed or fully decomposed; a precomposed syllable followed by a conjoining final consonant, "
    "which NFC also composes, is accepted by the server though the pattern does not show it)",
    ["홍길동", "Hong Gildong"],
)
PHONE = _text(
    PHONE_PATTERN,
    "a Korean mobile number, 01[016789] and 7 or 8 more digits; spaces and dashes anywhere are ignored",
    ["010-1234-5678", "01012345678"],
)
BIRTH_DATE = _text(
    BIRTH_DATE_PATTERN,
    "YYYYMMDD ('-' and '.' anywhere are ignored, e.g. 1990-01-01): a real calendar date from "
    "1900-01-01 to today (UTC), which a pattern cannot say",
    ["19900101", "1990-01-01"],
)


def _email() -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": email_pattern(),
        # A second pattern for the length: at most 120 characters once trimmed.
        "allOf": [{"pattern": email_length_pattern()}],
        "description": "name@domain.tld, at most 120 characters (surrounding whitespace is trimmed first, "
        "every character shows as itself); the domain is lower-cased",
        "examples": ["hong@example.com"],
    }


RRN = _text(
    RRN_PATTERN,
    "주민등록번호 for VID 본인확인 (optional; spaces and dashes are ignored): 13 digits whose check digit is "
    "right and whose date of birth (the first six digits, the century from the seventh) is birth_date — "
    "rules a pattern cannot say. Used to compute the certificate's VID, never stored.",
    ["900101-1234568"],
)
NONCE = _text(
    NONCE_PATTERN,
    "a one-time nonce: 16–128 of A-Za-z0-9-_.~",
    ["p0Kx9cVnY1wQ7rT2sU4vW6xY8zA0bC2d"],
)
SIGN_TYPE = {"enum": sorted(SIGN_TYPES), "description": ", ".join(f"{k} {v}" for k, v in SIGN_TYPES.items())}
SIGNED_VAL = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200_000,
    "description": "one of the SDK result's signedVals (base64url of the DER CMS, or of the PKCS1 signature)",
}
CERTIFICATE_PEM = {
    "type": "string",
    "pattern": "-----BEGIN CERTIFICATE-----",
    "description": "the SDK result's certificate (PEM): the signer's certificate, needed for PKCS1",
}


def _error_body(code: dict[str, Any], message: str, **more: Any) -> dict[str, Any]:
    """``{"error": {"code", "message", …}}``: the one shape of every error answer."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": code, "message": {"type": "string", "description": message}, **more},
            }
        },
    }


ERROR = _error_body(
    {"type": "string", "description": "a stable machine-readable code", "examples": ["invalid_fields"]},
    "Korean, for people",
    fields={
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "for invalid_fields: a Korean message for each field",
    },
)
SDK_ERROR = {
    **_error_body(
        {
            "type": "string",
            "pattern": "^8000[0-9]{2}$",
            "description": "; ".join(f"{code} {message}" for code, message in SDK_CODES.items()),
            "examples": ["800001"],
        },
        "Korean, for people (says which option is wrong)",
    ),
    "description": "what the SDK's fail() receives",
}

_ERROR_WORDS = {
    400: "malformed JSON",
    401: "wrong or missing key",
    403: "unknown relying party, key or origin",
    404: "not found (or the test bed is off)",
    413: "body larger than 256 KiB",
    415: "not application/json",
    422: "invalid fields, each named; or refused (code says why)",
    429: "too many requests (Retry-After)",
    503: "database briefly unavailable (Retry-After)",
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": {"type": "string"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _errors(*statuses: int, ref: str = "#/components/schemas/Error", **words: str) -> dict[str, Any]:
    """JSON error responses; ``words`` overrides a status's description (``s422="…"``)."""
    responses = {}
    for status in statuses:
        headers = _RETRY_AFTER if status in (429, 503) else _WWW_AUTHENTICATE if status == 401 else None
        description = words.get(f"s{status}", _ERROR_WORDS[status])
        responses[str(status)] = _json({"$ref": ref}, description, headers)
    return responses


def _sdk_errors(*statuses: int, **words: str) -> dict[str, Any]:
    return _errors(*statuses, ref="#/components/schemas/SdkError", **words)


def _body(schema: dict[str, Any], example: dict[str, Any] | None = None, required: bool = True) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"required": required, "content": {"application/json": media}}


def _binary(media_type: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}


# --- operations -------------------------------------------------------------------------------

# JSON errors for the APIs: app/error_pages.API_PREFIXES.
_API_COMMON = (400, 413, 415, 422, 429, 503)


def _ra_orders() -> dict[str, Any]:
    return {
        "post": {
            "tags": ["RA"],
            "summary": "A bank orders a certificate for a person it identified (stage 1 done)",
            "operationId": "createOrder",
            "security": [{"bankKey": []}],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["name", "phone", "birth_date", "kind"],
                    "properties": {
                        "name": NAME,
                        "phone": PHONE,
                        "birth_date": BIRTH_DATE,
                        "email": _or_null(_email()),
                        "kind": _choice(["issue", "reissue"], "reissue revokes the bank's certificate", default=False),
                        "rrn": _or_null(RRN),
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
                            "ref_num": {"type": "string", "pattern": "^[0-9]{8}$", "description": "참조번호"},
                            "auth_code": {"type": "string", "pattern": "^[0-9]{10}$", "description": "인가코드"},
                            "expires_at": {"type": "string", "format": "date-time"},
                            "bank_code": {"type": "string", "pattern": "^[0-9]{3}$"},
                            "kind": {"enum": ["issue", "reissue"]},
                        },
                    },
                    "참조번호 and 인가코드 for stage 2 (single use, 7 days)",
                ),
                **_errors(401, *_API_COMMON),
            },
        }
    }


def _rp_nonces() -> dict[str, Any]:
    return {
        "post": {
            "tags": ["RP"],
            "summary": "A one-time nonce (10 minutes) for FinCert.Sdk.sign: the service's, or the RP's own",
            "operationId": "createNonce",
            "security": [{"rpSecret": []}],
            "requestBody": _body(
                {
                    "type": "object",
                    "properties": {
                        "nonce": _or_null(
                            {
                                **NONCE,
                                "description": "the RP's own nonce to register; it must never have been seen "
                                "by the service (a rule a pattern cannot say). Without it the service makes one.",
                            }
                        )
                    },
                },
                required=False,
            ),
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["nonce", "expires_at"],
                        "properties": {"nonce": NONCE, "expires_at": {"type": "string", "format": "date-time"}},
                    },
                    "the nonce",
                ),
                **_errors(401, *_API_COMMON, s400="malformed JSON (when a body is sent)", s422="nonce_rejected"),
            },
        }
    }


def _content_choice(text_schema: dict[str, Any], binary_schema: dict[str, Any], hash_schema: dict[str, Any]):
    """Exactly one of plainText, binary and hash is a string; the others absent or null."""
    kinds = {"plainText": text_schema, "binary": binary_schema, "hash": hash_schema}
    return {
        "anyOf": [
            {
                "required": [kind],
                "properties": {other: (schema if other == kind else _NULL) for other, schema in kinds.items()},
            }
            for kind, schema in kinds.items()
        ]
    }


def _rp_verify() -> dict[str, Any]:
    content = {"type": "string", "minLength": 1, "maxLength": 100_000}
    item_content = _content_choice(
        {**content, "description": "the text as sent to sign (NFC-normalised before checking)"},
        {**content, "description": "the base64url string as sent to sign"},
        {**content, "description": "the base64url SHA-256 as sent to sign"},
    )
    item = {
        "type": "object",
        "required": ["signedVal"],
        "properties": {"signedVal": SIGNED_VAL, "signType": SIGN_TYPE},
        **item_content,
    }
    items_form = {
        "title": "items: every signedVal of one result",
        "required": ["items"],
        "properties": {"items": {"type": "array", "minItems": 1, "maxItems": 10, "items": item}},
        # Each item's signType, or the body's as the default for those without one.
        "anyOf": [
            {"required": ["signType"], "properties": {"signType": SIGN_TYPE}},
            {"properties": {"items": {"items": {"required": ["signType"]}}}},
        ],
    }
    one_value_form = {
        "title": "one value: signedVal, signType and its content at the top",
        "required": ["signedVal", "signType"],
        "properties": {"items": _NULL, "signedVal": SIGNED_VAL, "signType": SIGN_TYPE},
        **item_content,
    }
    schema = {
        "type": "object",
        "required": ["nonce"],
        "description": "Every signedVal must verify against its content, the sign type and the nonce, be made "
        "by one certificate of this service within 10 minutes (CMS), and the nonce must be one this RP bound "
        "to a widget transaction and not yet verified — rules a schema cannot say. With encoding EUC-KR every "
        "content (a binary or hash string too, as the signed document holds it) must be representable in EUC-KR.",
        "properties": {
            "nonce": {**NONCE, "description": "the nonce the signatures were made with (used up by this call)"},
            "format": _choice(["CMS", "PKCS1"], "the SDK's signFormat.type"),
            "encoding": _choice(["UTF-8", "EUC-KR"], "the plainText encoding asked for"),
            "certificate": _or_null(CERTIFICATE_PEM),
            "rrn": {
                "type": "string",
                "pattern": VERIFY_RRN_PATTERN,
                "description": "with rValue: VID 본인확인 of the signer; 13 digits, dashes ignored (not stored)",
            },
            "rValue": {
                "type": "string",
                "pattern": R_VALUE_PATTERN,
                "description": "with rrn: the SDK's rValue, base64 or base64url of 1–64 bytes (padding optional)",
            },
        },
        "allOf": [
            {"anyOf": [items_form, one_value_form]},
            {
                "anyOf": [
                    {"properties": {"format": _choice(["CMS"], "CMS")}},
                    {
                        "required": ["format", "certificate"],
                        "properties": {"format": {"const": "PKCS1"}, "certificate": CERTIFICATE_PEM},
                    },
                ]
            },
            {
                "anyOf": [
                    {"required": ["rrn", "rValue"]},
                    {"properties": {"rrn": _NULL, "rValue": _NULL}},
                ]
            },
        ],
    }
    return {
        "post": {
            "tags": ["RP"],
            "summary": "Verify a result's signedVals against exactly what was asked (and use the nonce up)",
            "operationId": "verifySignature",
            "security": [{"rpSecret": []}],
            "requestBody": _body(
                schema,
                {
                    "nonce": "p0Kx9cVnY1wQ7rT2sU4vW6xY8zA0bC2d",
                    "items": [{"signedVal": "MIAGCSqGSIb3DQEHAqCAMIACAQEx…", "signType": "02", "plainText": "이체 1"}],
                    "format": "CMS",
                    "encoding": "UTF-8",
                },
            ),
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": [
                            "name",
                            "bank_code",
                            "bank_name",
                            "serial",
                            "subject",
                            "signing_time",
                            "revocation_checked_by",
                            "verified",
                        ],
                        "properties": {
                            "name": {"type": "string"},
                            "bank_code": {"type": "string"},
                            "bank_name": {"type": "string"},
                            "serial": {"type": "string", "pattern": SERIAL_PATTERN},
                            "subject": {"type": "string"},
                            "signing_time": {"type": "string", "format": "date-time"},
                            "revocation_checked_by": {"enum": ["ocsp", "crl", "none"]},
                            "verified": {"type": "integer", "minimum": 1, "maximum": 10},
                            "identity_verified": {
                                "type": "boolean",
                                "description": "present when rrn and rValue were sent: the 본인확인 result",
                            },
                        },
                    },
                    "who signed",
                ),
                **_errors(
                    401,
                    *_API_COMMON,
                    s422="invalid_fields, or why it does not verify: content_mismatch, revoked, expired, "
                    "untrusted_chain, signer_mismatch, nonce_rejected, …",
                ),
            },
        }
    }


def _contents(pattern: str, description: str, *, max_length: int | None = None) -> dict[str, Any]:
    """A request's ``contents``: 1 to 10 strings of one kind."""
    item: dict[str, Any] = {"type": "string", "pattern": pattern, "description": description}
    if max_length is not None:
        item["maxLength"] = max_length
    return {"type": "array", "minItems": 1, "maxItems": 10, "items": item}


def _sign_request() -> dict[str, Any]:
    """One of the SDK's sign parameter objects, as fincert.js sends it (app/widget/sdk.py)."""
    texts = _contents(
        plain_text_pattern(),
        "1–4000 characters; line feeds and tabs, but no other control, format or private-use character "
        "(such as U+202E)",
        max_length=4000,
    )
    login = {"enum": ["01", "", None]}
    return {
        "type": "object",
        "description": "All requests together carry at most 10 contents; with EUC-KR every text must be "
        "representable in EUC-KR; a time must be within 10 minutes of the service's clock — rules a schema "
        "cannot say.",
        "properties": {
            "signType": _choice(sorted(SIGN_TYPES), "info.signType; default 01 (로그인)"),
            "format": _choice(["CMS", "PKCS1"], "signFormat.type; default CMS"),
            "algorithm": _choice(["RSASSA-PKCS1-v1_5_SHA256", "RSASSA-PSS_SHA256_MGF_SHA256"], "algorithms"),
            "withoutContent": {"type": "boolean", "description": "CMSInfo.withoutContent; default true"},
            "generalSyntax": {"type": "boolean", "description": "CMSInfo.generalSyntax; default true"},
            "includeR": {"type": "boolean", "description": "CMSInfo.includeR; default false"},
            "time": {
                "anyOf": [
                    _choice(["CLOUD_SERVER"], "the service's clock"),
                    {"type": "string", "pattern": SDK_TIME_PATTERN, "description": "YYYYMMDDHHmmss, KST"},
                ]
            },
            "encoding": _choice(["UTF-8", "EUC-KR"], "content.plainText.encoding"),
            "contentType": _choice(["plainText", "binary", "hash"], "which content"),
        },
        "allOf": [
            {
                "anyOf": [
                    {"title": "CMS", "properties": {"format": _choice(["CMS"], "CMS")}},
                    {
                        "title": "PKCS1: no CMSInfo options",
                        "required": ["format"],
                        "properties": {
                            "format": {"const": "PKCS1"},
                            "withoutContent": {"const": True},
                            "generalSyntax": {"const": True},
                            "time": _choice(["CLOUD_SERVER"], "the service's clock"),
                        },
                    },
                ]
            },
            {
                "anyOf": [
                    {
                        "title": "plain texts",
                        "required": ["contents"],
                        "properties": {"contentType": _choice(["plainText"], "plainText"), "contents": texts},
                    },
                    {
                        "title": "a login without texts signs 로그인",
                        "properties": {
                            "contentType": _choice(["plainText"], "plainText"),
                            "contents": _NULL,
                            "signType": login,
                        },
                    },
                    {
                        "title": "binaries",
                        "required": ["contentType", "contents"],
                        "properties": {
                            "contentType": {"const": "binary"},
                            "contents": _contents(
                                BINARY_PATTERN, "base64url of 1–65536 bytes", max_length=BINARY_MAX_LENGTH
                            ),
                        },
                    },
                    {
                        "title": "hashes",
                        "required": ["contentType", "contents"],
                        "properties": {
                            "contentType": {"const": "hash"},
                            "contents": _contents(HASH_PATTERN, "base64url of a SHA-256 (32 bytes)"),
                        },
                    },
                ]
            },
        ],
    }


_ORIGIN = {
    "name": "Origin",
    "in": "header",
    "required": True,
    "description": "set by the browser: one of the RP's registered origins",
    "schema": {"type": "string"},
}


def _widget_transactions(policy_oid: str) -> dict[str, Any]:
    sign_request = _sign_request()
    plain_texts = sign_request["allOf"][1]["anyOf"][0]["properties"]["contents"]
    sign = {
        "title": "sign (also the default)",
        "required": ["nonce"],
        "properties": {"op": _choice(["sign"], "sign"), "nonce": NONCE},
        "anyOf": [
            {
                "title": "requests: one per sign parameter object",
                "required": ["requests"],
                "properties": {"requests": {"type": "array", "minItems": 1, "maxItems": 10, "items": sign_request}},
            },
            {
                "title": "the older one-request shape: signType and plainTexts",
                "properties": {"requests": _NULL, "signType": _choice(sorted(SIGN_TYPES), "default 01")},
                "anyOf": [
                    {"required": ["plainTexts"], "properties": {"plainTexts": plain_texts}},
                    {"properties": {"plainTexts": _NULL, "signType": {"enum": ["01", "", None]}}},
                ],
            },
        ],
    }
    schema = {
        "type": "object",
        "required": ["orgCode", "apiKey"],
        "description": "Built by fincert.js from the SDK's parameter objects. The nonce must never have been "
        "seen, or be one of the RP's that binds no transaction yet and has not expired; for issue, refNum and "
        "authCode must be a bank's open order — rules a schema cannot say.",
        "properties": {
            "orgCode": {"type": "string", "pattern": ORG_CODE_PATTERN, "description": "the RP's org code"},
            "apiKey": {"type": "string", "minLength": 1, "maxLength": 200, "description": "the RP's SDK key"},
            "lang": _choice(["kor", "eng"], "the widget's language; default kor"),
            "op": _choice(["sign", "manage", "issue", "certlist"], "what the widget does; default sign"),
            "view": _or_null(
                {
                    "type": "object",
                    "properties": {
                        "lastAccessCert": {"type": "boolean"},
                        "enableTextView": {"type": "boolean"},
                        "certSeqNum": _or_null(
                            {"type": "string", "pattern": "^([0-9A-Fa-f]{1,40})?$", "description": "preselect"}
                        ),
                        "oid": _choice([policy_oid], "the service's certificate policy"),
                    },
                }
            ),
            "authData": _or_null(
                {
                    "type": "object",
                    "description": "setAuthData: 가입정보 to pre-fill (an empty object: none)",
                    "properties": {
                        "name": NAME,
                        "phone": PHONE,
                        "birthday": BIRTH_DATE,
                        "disableInput": {"type": "boolean", "description": "go on only with this person"},
                    },
                    "anyOf": [{"required": ["name", "phone", "birthday"]}, {"maxProperties": 0}],
                }
            ),
        },
        "anyOf": [
            sign,
            {
                "title": "certlist (getCertInfoList)",
                "required": ["op", "nonce"],
                "properties": {"op": {"const": "certlist"}, "nonce": NONCE},
            },
            {"title": "manage (인증서 관리)", "required": ["op"], "properties": {"op": {"const": "manage"}}},
            {
                "title": "issue (stage 2 opened by a bank's page)",
                "required": ["op", "refNum", "authCode"],
                "properties": {
                    "op": {"const": "issue"},
                    "refNum": {
                        "type": "string",
                        "pattern": REF_NUM_PATTERN,
                        "maxLength": 40,
                        "description": "참조번호",
                    },
                    "authCode": {
                        "type": "string",
                        "pattern": AUTH_CODE_PATTERN,
                        "maxLength": 40,
                        "description": "인가코드",
                    },
                },
            },
        ],
    }
    return {
        "post": {
            "tags": ["SDK"],
            "summary": "The SDK's request from a relying party's page (CORS; the Origin is checked)",
            "operationId": "createTransaction",
            "parameters": [_ORIGIN],
            "requestBody": _body(
                schema,
                {
                    "orgCode": "MYSHOP",
                    "apiKey": "pk_…",
                    "lang": "kor",
                    "op": "sign",
                    "nonce": "p0Kx9cVnY1wQ7rT2sU4vW6xY8zA0bC2d",
                    "requests": [
                        {
                            "signType": "05",
                            "format": "CMS",
                            "contentType": "plainText",
                            "contents": ["결제 39,000원"],
                            "encoding": "UTF-8",
                        }
                    ],
                },
            ),
            "responses": {
                "201": _json(
                    {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "format": "uri"}}},
                    "the widget URL to open in the iframe",
                ),
                **_sdk_errors(
                    400,
                    403,
                    415,
                    422,
                    429,
                    s400="800001: malformed JSON",
                    s403="800002: unknown RP, key or origin",
                    s415="800001: not application/json",
                    s422="800001 (the message names the option) or 800003 (nonce refused)",
                    s429="800001: too many requests (Retry-After)",
                ),
                "413": {"description": "body larger than 256 KiB (a Korean error page)", "content": _HTML},
                "503": {"description": "database briefly unavailable (a Korean error page)", "content": _HTML},
            },
        }
    }


def _sdk_hello() -> dict[str, Any]:
    return {
        "post": {
            "tags": ["SDK"],
            "summary": "FinCert.Sdk.init: are this orgCode, apiKey and page origin a registered RP?",
            "operationId": "sdkHello",
            "parameters": [_ORIGIN],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["orgCode", "apiKey"],
                    "properties": {
                        "orgCode": {"type": "string", "pattern": ORG_CODE_PATTERN},
                        "apiKey": {"type": "string", "minLength": 1, "maxLength": 200},
                        "lang": {"description": "the SDK's lang: a refusal's message is English for eng, else Korean"},
                    },
                },
                {"orgCode": "MYSHOP", "apiKey": "pk_…", "lang": "kor"},
            ),
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["ok", "orgCode", "name"],
                        "properties": {
                            "ok": {"const": True},
                            "orgCode": {"type": "string"},
                            "name": {"type": "string"},
                        },
                    },
                    "the RP as registered",
                ),
                **_sdk_errors(
                    400,
                    403,
                    415,
                    s400="800001: malformed JSON",
                    s403="800002: unknown RP, key or origin",
                    s415="800001: not application/json",
                ),
                "413": {"description": "body larger than 256 KiB (a Korean error page)", "content": _HTML},
                "503": {"description": "database briefly unavailable (a Korean error page)", "content": _HTML},
            },
        }
    }


def _testbed(bank_codes: list[str]) -> dict[str, Any]:
    subscriber = {
        "post": {
            "tags": ["Test bed"],
            "summary": "Test bed: a subscriber and a certificate in one call (FINCERT_TESTBED=1)",
            "operationId": "testbedSubscriber",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["name", "phone", "birth_date", "bank_code", "pin"],
                    "properties": {
                        "name": NAME,
                        "phone": PHONE,
                        "birth_date": BIRTH_DATE,
                        "bank_code": {"enum": bank_codes, "description": "an issuing bank"},
                        "pin": _text(
                            "^[0-9]{6}$",
                            "six digits, not one digit repeated, not a run up or down (123456, 654321), not the "
                            "birth date as YYMMDD and without its MMDD — rules a pattern cannot say",
                            ["246813"],
                        ),
                        "rrn": _or_null(RRN),
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
                            "serial": {"type": "string", "pattern": SERIAL_PATTERN},
                            "cert_pem": {"type": "string", "pattern": "^-----BEGIN CERTIFICATE-----"},
                            "subject": {"type": "string"},
                        },
                    },
                    "the certificate",
                ),
                **_errors(404, *_API_COMMON),
            },
        }
    }
    outbox = {
        "get": {
            "tags": ["Test bed"],
            "summary": "Test bed: the SMS sent to a number, newest first",
            "operationId": "testbedOutbox",
            "parameters": [{"name": "to", "in": "query", "required": True, "schema": PHONE}],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["messages"],
                        "properties": {
                            "messages": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["to", "channel", "body", "sent_at"],
                                    "properties": {
                                        "to": {"type": "string"},
                                        "channel": {"type": "string"},
                                        "body": {"type": "string"},
                                        "sent_at": {"type": "string", "format": "date-time"},
                                    },
                                },
                            }
                        },
                    },
                    "the messages",
                ),
                **_errors(404, 422, 429, 503),
            },
        }
    }
    return {"/testbed/subscribers": subscriber, "/testbed/outbox": outbox}


def _pki() -> dict[str, Any]:
    def download(summary: str, operation_id: str, media_type: str) -> dict[str, Any]:
        return {
            "get": {
                "tags": ["PKI"],
                "summary": summary,
                "operationId": operation_id,
                "responses": {"200": _binary(media_type, summary)},
            }
        }

    ocsp_response = _binary("application/ocsp-response", "an OCSPResponse (malformedRequest for a malformed request)")
    status = {
        "get": {
            "tags": ["PKI"],
            "summary": "good / revoked / unknown for a certificate serial",
            "operationId": "certificateStatus",
            "parameters": [
                {
                    "name": "serial",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": SERIAL_PATTERN, "description": "hex, any case"},
                }
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["serial", "status"],
                        "properties": {
                            "serial": {"type": "string", "pattern": "^[0-9A-F]{1,40}$"},
                            "status": {"enum": ["good", "revoked", "unknown"]},
                            "not_after": {"type": "string", "format": "date-time", "description": "when good"},
                            "revoked_at": {"type": ["string", "null"], "description": "when revoked"},
                            "reason": {"type": ["string", "null"], "description": "when revoked"},
                        },
                    },
                    "the status",
                ),
                **_errors(400, 404, 503, s400="invalid_serial", s404="a serial with a slash is another path"),
            },
        }
    }
    return {
        "/pki/root.pem": download("The root CA certificate (PEM)", "rootPem", "application/x-pem-file"),
        "/pki/root.cer": download("The root CA certificate (DER)", "rootCer", "application/pkix-cert"),
        "/pki/ca.pem": download("The issuing CA certificate (PEM)", "caPem", "application/x-pem-file"),
        "/pki/ca.cer": download("The issuing CA certificate (DER)", "caCer", "application/pkix-cert"),
        "/pki/ocsp.pem": download("The OCSP responder's certificate (PEM)", "ocspPem", "application/x-pem-file"),
        "/pki/crl": download("The issuing CA's current CRL (DER)", "crl", "application/pkix-crl"),
        "/pki/arl": download("The root's ARL (DER)", "arl", "application/pkix-crl"),
        "/pki/ocsp": {
            "post": {
                "tags": ["PKI"],
                "summary": "OCSP (RFC 6960) over POST: the DER OCSPRequest is the body",
                "operationId": "ocspPost",
                "requestBody": {
                    "required": False,
                    "description": "without one the answer is malformedRequest, in OCSP terms (HTTP 200)",
                    "content": {"application/ocsp-request": {"schema": {"type": "string", "format": "binary"}}},
                },
                "responses": {"200": ocsp_response},
            },
            "get": {
                "tags": ["PKI"],
                "summary": "OCSP over GET without a request (also /pki/ocsp/): malformedRequest",
                "operationId": "ocspGetEmpty",
                "responses": {"200": ocsp_response},
            },
        },
        "/pki/ocsp/{request}": {
            "get": {
                "tags": ["PKI"],
                "summary": "OCSP over GET: the DER OCSPRequest, base64 and URL-encoded (RFC 6960 A.1)",
                "operationId": "ocspGet",
                "parameters": [
                    {
                        "name": "request",
                        "in": "path",
                        "required": True,
                        "description": "base64 (or base64url; padding optional) of the DER OCSPRequest, e.g. "
                        "MEIwQDA+MDwwOjAJBgUrDgMCGgUABBQ…; anything else is answered malformedRequest",
                        # Werkzeug's path converter: not starting with '/', no line feed.
                        "schema": {"type": "string", "pattern": "^[^/\\n][^\\n]*$"},
                    }
                ],
                "responses": {
                    "200": ocsp_response,
                    "404": {"description": "a request starting with '/' or holding a line feed", "content": _HTML},
                },
            }
        },
        "/pki/status/{serial}": status,
    }


def _healthz() -> dict[str, Any]:
    health = {
        "type": "object",
        "required": ["status", "version", "database"],
        "properties": {
            "status": {"enum": ["ok", "degraded"]},
            "version": {"type": "string"},
            "database": {"enum": ["ok", "unavailable"]},
        },
    }
    return {
        "get": {
            "tags": ["Service"],
            "summary": "Liveness and database reachability, for load balancers and monitors",
            "operationId": "healthz",
            "responses": {
                "200": _json(health, "up, database reachable"),
                "503": _json(health, "up, database unreachable (status degraded)"),
            },
        }
    }


def _openapi() -> dict[str, Any]:
    return {
        "get": {
            "tags": ["Service"],
            "summary": "This document",
            "operationId": "openapi",
            "responses": {
                "200": _json({"type": "object", "required": ["openapi", "info", "paths"]}, "the OpenAPI 3.1 document")
            },
        }
    }


def document() -> dict[str, Any]:
    """The OpenAPI document for this deployment."""
    config = current_app.config
    bank_codes = [bank["code"] for bank in load_bank_data()]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "금융인증서비스 API",
            "version": config["VERSION"],
            "description": "Registration authority (banks), relying parties, the SDK's calls, the PKI "
            "publications and certificate status, the integrators' test bed and the health check. API errors "
            'are {"error": {"code", "message", "fields"}} with string codes; the SDK\'s are '
            '{"error": {"code": "8000xx", "message"}}.',
        },
        "servers": [{"url": config["PUBLIC_URL"].rstrip("/")}],
        "components": {
            "securitySchemes": {
                "bankKey": {"type": "http", "scheme": "bearer", "description": "flask ra create-key"},
                "rpSecret": {"type": "http", "scheme": "bearer", "description": "flask rp register (secret)"},
            },
            "schemas": {"Error": ERROR, "SdkError": SDK_ERROR},
        },
        "paths": {
            "/api/openapi.json": _openapi(),
            "/api/v1/ra/orders": _ra_orders(),
            "/api/v1/rp/nonces": _rp_nonces(),
            "/api/v1/rp/verify": _rp_verify(),
            "/widget/transactions": _widget_transactions(config["POLICY_OID"]),
            "/widget/sdk/hello": _sdk_hello(),
            **_testbed(bank_codes),
            **_pki(),
            "/healthz": _healthz(),
        },
    }


@bp.get("/api/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI 3.1 document."""
    return jsonify(document())
