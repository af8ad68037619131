"""Forms of the demo bank's stage 1 and of the mobile OTP enrollment."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from app.bankdemo.customers import card_challenges, customer_of
from app.forms import CodeForm, ParsedForm, rule
from app.models import DemoBankApplication
from app.personal_info import (
    normalise_email,
    normalise_name,
    normalise_phone,
    parse_birth_date,
    refuse_control_characters,
)


def internet_banking_id(raw: str) -> str:
    """An 인터넷뱅킹 ID as typed: NFC and trimmed; a hidden character is refused, not trimmed."""
    return refuse_control_characters(raw, "ib_id", label="인터넷뱅킹 ID").strip()


class TermsForm(ParsedForm):
    """이용약관 동의: three required consents, each readable on the page."""

    service_terms = BooleanField(
        "[필수] 금융인증서비스 이용약관에 동의합니다", validators=[DataRequired("이용약관에 동의해주세요.")]
    )
    personal_info = BooleanField(
        "[필수] 개인정보 수집·이용에 동의합니다", validators=[DataRequired("개인정보 수집·이용에 동의해주세요.")]
    )
    unique_id = BooleanField(
        "[필수] 고유식별정보 처리에 동의합니다", validators=[DataRequired("고유식별정보 처리에 동의해주세요.")]
    )


class KindForm(ParsedForm):
    kind = RadioField(
        "발급 구분",
        choices=[
            SelectChoice("issue", "발급 (처음 발급)"),
            SelectChoice("reissue", "재발급 (비밀번호 분실·잠김, 인증서 폐지 후 새로 발급)"),
        ],
        validators=[InputRequired("발급 또는 재발급을 선택해주세요.")],
    )


class CustomerForm(ParsedForm):
    """고객정보 입력: what the bank already knows about a customer it verified at a branch."""

    ib_id = StringField(
        "인터넷뱅킹 ID",
        validators=[
            DataRequired("인터넷뱅킹 ID를 입력해주세요."),
            Length(max=20, message="ID를 확인해주세요."),
            rule(internet_banking_id),
        ],
    )
    name = StringField(
        "이름", validators=[Length(max=60, message="이름은 30자 이내로 입력해주세요."), rule(normalise_name)]
    )
    birth_date = StringField(
        "생년월일", validators=[Length(max=10, message="생년월일 8자리를 입력해주세요."), rule(parse_birth_date)]
    )
    account_number = StringField(
        "출금계좌번호",
        validators=[
            DataRequired("계좌번호를 입력해주세요."),
            Regexp(r"^[0-9-]{6,20}$", message="계좌번호는 숫자와 -로 입력해주세요."),
        ],
    )
    account_password = PasswordField(
        "계좌 비밀번호",
        validators=[
            DataRequired("계좌 비밀번호 4자리를 입력해주세요."),
            Regexp(r"^[0-9]{4}$", message="계좌 비밀번호는 숫자 4자리입니다."),
        ],
    )


# 추가인증: the 6-digit 인증번호 of the bank's SMS or ARS call.
ExtraAuthForm = CodeForm


class ContactForm(ParsedForm):
    """개인정보 입력: where notices (renewal mail etc.) go."""

    email = StringField("이메일", validators=[Length(max=120), rule(normalise_email)])
    phone = StringField("휴대폰번호", validators=[Length(max=20), rule(normalise_phone)])


class OtpForm(ParsedForm):
    otp = StringField(
        "OTP 번호",
        validators=[
            DataRequired("OTP 번호 6자리를 입력해주세요."),
            Regexp(r"^[0-9]{6}$", message="OTP 번호는 숫자 6자리입니다."),
        ],
    )


class CardForm(ParsedForm):
    """Two digits of two numbered security-card codes; labels are set per challenge."""

    card_first = PasswordField(
        "보안카드 첫 번째",
        validators=[
            DataRequired("보안카드 번호를 입력해주세요."),
            Regexp(r"^[0-9]{2}$", message="숫자 2자리를 입력해주세요."),
        ],
    )
    card_second = PasswordField(
        "보안카드 두 번째",
        validators=[
            DataRequired("보안카드 번호를 입력해주세요."),
            Regexp(r"^[0-9]{2}$", message="숫자 2자리를 입력해주세요."),
        ],
    )


class MobileOtpStartForm(ParsedForm):
    ib_id = StringField(
        "인터넷뱅킹 ID",
        validators=[DataRequired("인터넷뱅킹 ID를 입력해주세요."), Length(max=20), rule(internet_banking_id)],
    )
    account_password = PasswordField(
        "계좌 비밀번호",
        validators=[
            DataRequired("계좌 비밀번호 4자리를 입력해주세요."),
            Regexp(r"^[0-9]{4}$", message="계좌 비밀번호는 숫자 4자리입니다."),
        ],
    )


class MobileOtpConfirmForm(ParsedForm):
    ib_id = StringField("인터넷뱅킹 ID", validators=[DataRequired(), Length(max=20)])
    code = StringField(
        "OTP 앱에 표시된 번호",
        validators=[
            DataRequired("OTP 앱의 6자리 번호를 입력해주세요."),
            Regexp(r"^[0-9]{6}$", message="숫자 6자리를 입력해주세요."),
        ],
    )


def media_form_class(application: DemoBankApplication) -> type[ParsedForm]:
    """보안매체 인증 asks what the customer's medium shows: a 보안카드 or an OTP (device or app)."""
    return CardForm if customer_of(application).medium == "card" else OtpForm


def media_form(application: DemoBankApplication, **kwargs: Any) -> ParsedForm:
    """The 보안매체 form, its card fields labelled with the codes this application asks for."""
    form = media_form_class(application)(**kwargs)
    if isinstance(form, CardForm):
        first, second = card_challenges(application)
        form.card_first.label.text = first.prompt
        form.card_second.label.text = second.prompt
    return form
