"""금융인증서 비밀번호 rules (docs/design.md, "Rules"): six digits, not guessable from itself
or the birth date."""

from __future__ import annotations

from datetime import date

from app.errors import N_, ServiceError
from app.rules import PIN_LENGTH


class PinRuleViolation(ServiceError):
    """The chosen PIN breaks a rule; ``message`` says which, in Korean."""

    field = "pin"
    code = "pin_rule"


RULES_TEXT = [
    f"숫자 {PIN_LENGTH}자리",
    "같은 숫자 반복 불가 (예: 111111)",
    "연속된 숫자 불가 (예: 123456, 654321)",
    "생년월일 포함 불가 (예: 900101, 0101)",
]


def _is_run(pin: str, step: int) -> bool:
    return all(int(b) - int(a) == step for a, b in zip(pin, pin[1:], strict=False))


def check_new_pin(pin: str, birth_date: date | None = None) -> None:
    """Raise ``PinRuleViolation`` unless ``pin`` may be used as a new PIN."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        raise PinRuleViolation(N_("비밀번호는 숫자 %(length)d자리로 입력해주세요."), params={"length": PIN_LENGTH})
    if len(set(pin)) == 1:
        raise PinRuleViolation(N_("같은 숫자만 반복된 비밀번호(예: 111111)는 사용할 수 없습니다."))
    if _is_run(pin, 1) or _is_run(pin, -1):
        raise PinRuleViolation(N_("연속된 숫자(예: 123456, 654321)는 비밀번호로 사용할 수 없습니다."))
    if birth_date is not None:
        yymmdd = birth_date.strftime("%y%m%d")
        mmdd = birth_date.strftime("%m%d")
        if pin == yymmdd or mmdd in pin:
            raise PinRuleViolation(N_("생년월일이 포함된 비밀번호는 사용할 수 없습니다."))
