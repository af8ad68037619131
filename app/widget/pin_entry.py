"""A press on the secure keypad, and what a complete six-digit entry does on each keypad step.

Each sub-flow registers the handler of its keypad steps with ``@on_entry(Step.X)`` (signing:
``pin``; issuance: ``new_pin``, ``confirm_pin``; 인증서 관리: ``change_*``, ``delete_confirm``).
A press touches only the keypad, the transaction and, on the sixth digit, that handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext

from app.cloud.certificates import WrongPin
from app.extensions import db
from app.models import WidgetTransaction
from app.rules import PIN_LENGTH
from app.widget import keypad as keypads
from app.widget.steps import KeypadUse, Step, keypad_steps, spec
from app.widget.transactions import require


@dataclass(frozen=True)
class KeyOutcome:
    """What a press led to: still typing, or a finished entry (with an error to show, if any)."""

    finished_entry: bool
    error: str | None = None


EntryHandler = Callable[[WidgetTransaction, str], KeyOutcome]
_HANDLERS: dict[Step, EntryHandler] = {}


def on_entry(step: Step) -> Callable[[EntryHandler], EntryHandler]:
    """Register what a complete entry does on ``step``."""

    def register(handler: EntryHandler) -> EntryHandler:
        _HANDLERS[step] = handler
        return handler

    return register


def handled_steps() -> set[Step]:
    return set(_HANDLERS)


def press_key(transaction: WidgetTransaction, key: str) -> KeyOutcome:
    """One key (an opaque digit token, ``erase``, ``clear`` or ``shuffle``); the sixth digit
    submits the entry to the step's handler."""
    require(transaction, *keypad_steps())
    if transaction.keypad is None:
        raise keypads.UnknownKey()
    transaction.keypad = keypads.press(transaction.keypad, key, transaction.id)
    pin = keypads.typed(transaction.keypad, transaction.id)
    if len(pin) < PIN_LENGTH:
        db.session.commit()
        return KeyOutcome(finished_entry=False)
    return _take_entry(transaction, pin)


def submit_entry(transaction: WidgetTransaction, tokens: list[str]) -> KeyOutcome:
    """A whole entry at once: the six tokens the page kept while the person typed (the keypad
    with JavaScript). A list that is not six keys of the current keypad is refused and nothing
    changes; a valid one is taken like the sixth key of ``press_key``."""
    require(transaction, *keypad_steps())
    if transaction.keypad is None:
        raise keypads.UnknownKey()
    return _take_entry(transaction, keypads.entry_digits(transaction.keypad, tokens))


def _take_entry(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    # The entry is taken: whatever the handler does, the six digits are never kept, and the
    # next entry on this step starts on a reshuffled keypad (new tokens: the old list is spent).
    fresh_keypad(transaction)
    outcome = _HANDLERS[Step(transaction.step)](transaction, pin)
    db.session.commit()
    return outcome


def fresh_keypad(transaction: WidgetTransaction, use: KeypadUse | None = None) -> None:
    """A newly shuffled keypad for the next entry on the current (or a just reached) step."""
    keypad_use = use or spec(transaction).keypad
    assert keypad_use is not None
    transaction.keypad = keypads.new_keypad(keypad_use, transaction.id)


def retry_after_wrong_pin(wrong: WrongPin) -> KeyOutcome:
    """비밀번호 n/5회 오류, with a warning when one more locks the certificate (the caller
    handles the lock itself), in the request's language."""
    if wrong.limit - wrong.failures == 1:
        error = gettext("비밀번호 %(failures)d/%(limit)d회 오류 · 1회 더 틀리면 인증서가 잠깁니다.", **wrong.params)
    else:
        error = gettext("비밀번호 %(failures)d/%(limit)d회 오류", **wrong.params)
    return KeyOutcome(finished_entry=True, error=error)
