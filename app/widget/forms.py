"""Forms of the widget steps. Field rules come from ``personal_info``; labels and messages are Korean,
translated where they are shown (``app.forms``)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.forms import CodeForm, ParsedForm, rule
from app.personal_info import normalise_name, normalise_phone, parse_birth_date


class IdentifyForm(ParsedForm):
    """가입정보: 이름 / 휴대폰번호 / 생년월일."""

    name = StringField(
        lazy_gettext("이름"),
        validators=[Length(max=60, message=lazy_gettext("이름은 30자 이내로 입력해주세요.")), rule(normalise_name)],
    )
    phone = StringField(
        lazy_gettext("휴대폰번호"),
        validators=[Length(max=20, message=lazy_gettext("휴대폰번호를 확인해주세요.")), rule(normalise_phone)],
    )
    birth_date = StringField(
        lazy_gettext("생년월일"),
        validators=[Length(max=10, message=lazy_gettext("생년월일 8자리를 입력해주세요.")), rule(parse_birth_date)],
    )


# 휴대폰 점유인증: the 6-digit 인증번호 of the SMS.
SmsCodeForm = CodeForm


class ConsentForm(FlaskForm):
    auto_connect = BooleanField(lazy_gettext("자동연결"))


class PairForm(FlaskForm):
    """휴대폰으로 인증, on the phone: the same 확인 코드, and — when the PC is on another network —
    the person's word that they started the request themselves (required by the service)."""

    started_here = BooleanField(lazy_gettext("PC에서 이 요청을 제가 직접 시작했습니다"))


class CertificateForm(FlaskForm):
    certificate_id = IntegerField(
        lazy_gettext("인증서"), validators=[InputRequired(lazy_gettext("인증서를 선택해주세요."))]
    )


class KeyForm(FlaskForm):
    key = StringField(lazy_gettext("키"), validators=[DataRequired(lazy_gettext("키를 눌러주세요.")), Length(max=40)])


class EntryForm(FlaskForm):
    """A whole PIN entry from the keypad with JavaScript: the pressed keys' tokens, in order,
    separated by commas (tokens are URL-safe base64, without commas)."""

    entry = StringField(
        lazy_gettext("비밀번호"), validators=[DataRequired(lazy_gettext("비밀번호를 입력해주세요.")), Length(max=200)]
    )

    @property
    def tokens(self) -> list[str]:
        return self.entry.data.split(",")


class IssueStartForm(FlaskForm):
    """참조번호 + 인가코드, carried from the bank (or typed by an integrator)."""

    ref_num = StringField(
        lazy_gettext("참조번호"),
        validators=[
            DataRequired(lazy_gettext("참조번호를 입력해주세요.")),
            Regexp(r"^[0-9]{8}$", message=lazy_gettext("참조번호는 숫자 8자리입니다.")),
        ],
    )
    auth_code = StringField(
        lazy_gettext("인가코드"),
        validators=[
            DataRequired(lazy_gettext("인가코드를 입력해주세요.")),
            Regexp(r"^[0-9]{10}$", message=lazy_gettext("인가코드는 숫자 10자리입니다.")),
        ],
    )


class AutoConnectForm(FlaskForm):
    """이 브라우저에 자동연결 설정, at the end of an issuance (one button)."""


class DeviceForm(FlaskForm):
    device_id = IntegerField(lazy_gettext("기기"), validators=[InputRequired(lazy_gettext("기기를 선택해주세요."))])


class RenewForm(FlaskForm):
    """갱신: a certificate with a VID asks for the 주민등록번호 again (checked, never stored)."""

    rrn = StringField(
        lazy_gettext("주민등록번호"),
        validators=[Optional(), Regexp(r"^\d{6}-?\d{7}$", message=lazy_gettext("주민등록번호 13자리를 입력해주세요."))],
    )
