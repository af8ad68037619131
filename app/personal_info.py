"""가입정보 rules: name, Korean mobile number, birth date (docs/design.md, "Rules"), and what any
text a person reads must be: shown as itself.

Each rule raises ``InvalidField`` with a Korean message for the field, so views only map
the exception to the form field it belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext

from app.clock import utcnow
from app.errors import N_, ServiceError


class InvalidField(ServiceError):
    """A value a user typed breaks a rule; ``message`` is what they are shown, on ``field``."""

    code = "invalid_fields"

    def __init__(self, field: str, message: str, *, params: dict[str, object] | None = None) -> None:
        super().__init__(message, params=params, field=field or None)


_PHONE = re.compile(r"01[016789][0-9]{7,8}")
_NAME = re.compile(r"[가-힣A-Za-z][가-힣A-Za-z .·-]{0,29}")

# Characters that do not show as themselves: controls (C0, DEL, C1), format characters (the bidi
# overrides and isolates — U+202E makes "홍길동" read "동길홍" — zero-width spaces and joiners, the
# BOM, soft hyphens), line and paragraph separators, surrogates, private-use and unassigned code
# points, and the Hangul fillers, which are letters that draw nothing.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_LINE_BREAKS = frozenset("\n\r\t")


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that would not show as itself, if any.

    ``multiline`` is for a text to read and sign (not a name or an address): line breaks, tabs
    and the line and paragraph separators are what they say, and a code point unassigned in this
    server's Unicode tables is taken as a character newer than them (a person's device may well
    draw it), not refused.
    """
    for char in text:
        if multiline and char in _LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if multiline and category in ("Zl", "Zp", "Cn"):
            continue
        if category in _HIDDEN_CATEGORIES or char in _HANGUL_FILLERS:
            return char
    return None


def is_displayable(text: str, *, multiline: bool = False) -> bool:
    """Whether every character of ``text`` shows as itself (see ``hidden_character``)."""
    return hidden_character(text, multiline=multiline) is None


def refuse_control_characters(text: str, field: str, *, label: str = "", multiline: bool = False) -> str:
    """``text`` in NFC, or ``InvalidField`` on ``field`` when a character in it would not show as
    itself (``is_displayable``). Use it before any other rule, so a hidden character is named as
    such instead of being trimmed away or reported as a format error."""
    normalised = unicodedata.normalize("NFC", text or "")
    if not is_displayable(normalised, multiline=multiline):
        if not label:
            raise InvalidField(
                field, N_("제어 문자나 방향 표시 문자처럼 화면에 그대로 보이지 않는 문자를 쓸 수 없습니다.")
            )
        message = N_("%(label)s에는 제어 문자나 방향 표시 문자처럼 화면에 그대로 보이지 않는 문자를 쓸 수 없습니다.")
        raise InvalidField(field, message, params={"label": lazy_gettext(label)})
    return normalised


def normalise_phone(raw: str, field: str = "phone") -> str:
    """``010-1234-5678`` / ``01012345678`` → ``01012345678``."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not digits:
        raise InvalidField(field, N_("휴대폰번호를 입력해주세요."))
    if not _PHONE.fullmatch(digits):
        raise InvalidField(field, N_("휴대폰번호를 010-1234-5678 형식으로 정확히 입력해주세요."))
    return digits


def normalise_phone_or_empty(raw: str) -> str:
    """The normalised number, or ``""`` when it is not a valid mobile number."""
    try:
        return normalise_phone(raw)
    except InvalidField:
        return ""


def format_phone(phone: str) -> str:
    """``01012345678`` → ``010-1234-5678`` for display."""
    if len(phone) == 11:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"


def mask_phone(phone: str) -> str:
    """``01012345678`` → ``010-****-5678``."""
    return f"{phone[:3]}-****-{phone[-4:]}"


def parse_birth_date(raw: str, field: str = "birth_date") -> date:
    """Eight digits (YYYYMMDD), a real date, not in the future, not before 1900."""
    text = (raw or "").strip().replace("-", "").replace(".", "")
    if not text:
        raise InvalidField(field, N_("생년월일 8자리를 입력해주세요."))
    if not re.fullmatch(r"[0-9]{8}", text):
        raise InvalidField(field, N_("생년월일은 숫자 8자리(예: 19900101)로 입력해주세요."))
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidField(field, N_("존재하지 않는 날짜입니다. 생년월일을 확인해주세요.")) from None
    if born > utcnow().date():
        raise InvalidField(field, N_("생년월일은 미래의 날짜일 수 없습니다."))
    if born.year < 1900:
        raise InvalidField(field, N_("생년월일을 확인해주세요."))
    return born


def normalise_name(raw: str, field: str = "name") -> str:
    """A person's name: NFC, trimmed, 1–30 letters (Hangul or Latin). A control, bidi or other
    hidden character is refused, never silently turned into a space."""
    name = refuse_control_characters(raw, field, label=N_("이름")).strip()
    name = re.sub(r"\s+", " ", name)
    if not name:
        raise InvalidField(field, N_("이름을 입력해주세요."))
    if not _NAME.fullmatch(name):
        raise InvalidField(field, N_("이름은 한글 또는 영문 30자 이내로 입력해주세요."))
    return name


def normalise_email(raw: str, field: str = "email") -> str:
    """A plausible e-mail address, lower-cased domain, at most 120 characters."""
    email = refuse_control_characters(raw, field, label=N_("이메일 주소")).strip()
    if not email:
        raise InvalidField(field, N_("이메일 주소를 입력해주세요."))
    if len(email) > 120 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", email):
        raise InvalidField(field, N_("이메일 주소를 name@example.com 형식으로 입력해주세요."))
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"
