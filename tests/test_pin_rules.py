"""PIN rules (DESIGN §4)."""

from __future__ import annotations

from datetime import date

import pytest

from app.cloud.pin_rules import PinRuleViolation, check_new_pin

BIRTH = date(1990, 3, 15)


@pytest.mark.parametrize("pin", ["246813", "135792", "908172"])
def test_good_pins_pass(pin):
    check_new_pin(pin, BIRTH)


@pytest.mark.parametrize(
    ("pin", "words"),
    [
        ("12345", "6자리"),
        ("1234567", "6자리"),
        ("12a456", "6자리"),
        ("１２３４５６", "6자리"),
        ("111111", "같은 숫자"),
        ("123456", "연속"),
        ("654321", "연속"),
        ("345678", "연속"),
        ("900315", "생년월일"),
        ("031599", "생년월일"),
        ("120315", "생년월일"),
    ],
)
def test_weak_pins_are_refused_with_the_reason(pin, words):
    with pytest.raises(PinRuleViolation) as error:
        check_new_pin(pin, BIRTH)
    assert words in error.value.message
