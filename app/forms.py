"""Form helpers shared by every site: field rules from ``personal_info`` as WTForms validators,
and the validated post (or ``InvalidForm``, which the sites show on the step it belongs to).
Labels and messages are Korean, translated lazily (``lazy_gettext``) into the language of the
page that shows them (``app.i18n``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import DataRequired, Regexp, ValidationError

from app.errors import N_, ServiceError
from app.i18n import message_of
from app.personal_info import InvalidField


def rule(parse: Callable[[str], Any]) -> Callable[[FlaskForm, Field], None]:
    """A WTForms validator from a ``personal_info`` rule; the parsed value lands in ``form.parsed``."""

    def validate(form: FlaskForm, field: Field) -> None:
        try:
            form.parsed[field.name] = parse(field.data or "")
        except InvalidField as error:
            raise ValidationError(message_of(error)) from None

    return validate


class ParsedForm(FlaskForm):
    """A form whose ``rule`` validators keep the parsed values in ``parsed``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: dict[str, Any] = {}


class CodeForm(FlaskForm):
    """A 6-digit 인증번호 sent by SMS or read out by an ARS call (the widget's 휴대폰 점유인증 and a
    bank's 추가인증 alike)."""

    code = StringField(
        lazy_gettext("인증번호"),
        validators=[
            DataRequired(lazy_gettext("인증번호 6자리를 입력해주세요.")),
            Regexp(r"^[0-9]{6}$", message=lazy_gettext("인증번호는 숫자 6자리입니다.")),
        ],
    )


class InvalidForm(ServiceError):
    """A posted form did not validate; its own messages are tied to its fields."""

    code = "invalid_fields"
    message = N_("입력 내용을 확인해주세요.")

    def __init__(self, form: FlaskForm) -> None:
        super().__init__()
        self.form = form

    def first_message(self) -> str:
        messages = [str(message) for messages in self.form.errors.values() for message in messages]
        return messages[0] if messages else message_of(self)


F = TypeVar("F", bound=FlaskForm)


def validated(form: F) -> F:
    """The posted form if it validates (CSRF included), else ``InvalidForm``."""
    if not form.validate_on_submit():
        raise InvalidForm(form)
    return form


def parsed(form_class: type[F]) -> F:
    """The posted form of this class, validated."""
    return validated(form_class())
