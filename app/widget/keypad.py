"""The secure keypad (보안 키패드, docs/design.md "Secure keypad").

Per PIN entry the server shuffles the ten digits and two inert blank keys over a 4×3 grid
and gives each digit key an opaque random token. The browser posts tokens, never digits,
and the server maps them back. With JavaScript the page keeps the pressed tokens itself and
sends the whole entry at once (``entry_digits``); without it, each key is a post and the
server keeps the typed digits, sealed with a KEK-derived key, in the transaction. Either
way an entry is taken once: the next one (after a wrong PIN, or for the confirmation) gets a
reshuffled keypad with new tokens, so a replayed token list matches nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from app.errors import N_, ServiceError
from app.keyed_hash import seal_value, unseal_value
from app.rules import PIN_LENGTH

_random = secrets.SystemRandom()


class UnknownKey(ServiceError):
    """A token that is not a key of the current keypad (stale page or forged post)."""

    field = "pin"
    code = "unknown_key"
    message = N_("키패드가 바뀌었습니다. 다시 입력해주세요.")


@dataclass(frozen=True)
class Key:
    token: str | None  # None for an inert blank key
    digit: str | None


def _seal(digits: str, context: str) -> str:
    return seal_value("keypad-digits", digits, context)


def _unseal(blob: str, context: str) -> str:
    return unseal_value("keypad-digits", blob, context)


def _shuffled_keys() -> list[dict[str, str | None]]:
    faces: list[str | None] = [*"0123456789", None, None]
    _random.shuffle(faces)
    return [{"token": secrets.token_urlsafe(9) if face else None, "digit": face} for face in faces]


def new_keypad(purpose: str, context: str) -> dict[str, Any]:
    """A freshly shuffled keypad for one PIN entry (``purpose``: pin | new | confirm)."""
    return {"purpose": purpose, "keys": _shuffled_keys(), "typed": _seal("", context)}


def keys_of(keypad: dict[str, Any]) -> list[Key]:
    return [Key(token=key["token"], digit=key["digit"]) for key in keypad["keys"]]


def typed(keypad: dict[str, Any], context: str) -> str:
    """The digits typed so far (server side only)."""
    return _unseal(keypad["typed"], context)


def typed_count(keypad: dict[str, Any], context: str) -> int:
    return len(typed(keypad, context))


def entry_digits(keypad: dict[str, Any], tokens: list[str]) -> str:
    """The PIN a whole entry's tokens stand for (the one-post keypad). Every token must be a
    digit key of this keypad and there must be exactly ``PIN_LENGTH`` of them: a list from an
    earlier keypad (replayed) or an edited one is refused as a whole."""
    digits = {key["token"]: key["digit"] for key in keypad["keys"] if key["token"]}
    if len(tokens) != PIN_LENGTH or any(token not in digits for token in tokens):
        raise UnknownKey()
    return "".join(digits[token] for token in tokens)


def press(keypad: dict[str, Any], token: str, context: str) -> dict[str, Any]:
    """The keypad after one key: a digit token, ``erase`` (지우기), ``clear`` (전체삭제) or
    ``shuffle`` (재배열: new places and tokens for the digits, what was typed is kept)."""
    digits = typed(keypad, context)
    if token == "shuffle":
        return {**keypad, "keys": _shuffled_keys()}
    if token == "erase":
        digits = digits[:-1]
    elif token == "clear":
        digits = ""
    else:
        digit = next((key["digit"] for key in keypad["keys"] if key["token"] and key["token"] == token), None)
        if digit is None:
            raise UnknownKey()
        if len(digits) < PIN_LENGTH:
            digits += digit
    return {**keypad, "typed": _seal(digits, context)}


def seal_pin(pin: str, context: str) -> str:
    """Keep a first PIN entry (new PIN) until it is confirmed."""
    return _seal(pin, f"pending:{context}")


def unseal_pin(blob: str, context: str) -> str:
    return _unseal(blob, f"pending:{context}")
