"""모바일 OTP 등록: the ID and account password, the bank's 추가인증, then the app's first code;
the customer is told by SMS."""

from __future__ import annotations

import re

import pyotp
import pytest

from app.bankdemo import mobile_otp
from app.bankdemo.customers import DEMO_ACCOUNT_PASSWORD, find_customer
from app.extensions import db
from app.models import SmsMessage
from app.sms.gateway import SmsDeliveryFailed
from tests.conftest import HTMX, csrf_token_from


class Enrollment:
    """A browser at a demo bank's 모바일 OTP 등록."""

    def __init__(self, client, bank_code: str = "004", ib_id: str | None = None) -> None:
        self.client, self.bank_code = client, bank_code
        self.ib_id = ib_id or f"demo{bank_code}a"
        page = client.get(f"/bank/{bank_code}/otp")
        self.token = csrf_token_from(page.get_data(as_text=True))

    def post(self, path: str, **data):
        url = f"/bank/{self.bank_code}/otp{path}"
        return self.client.post(url, data={"csrf_token": self.token, **data}, headers=HTMX)

    def identify(self, password: str = DEMO_ACCOUNT_PASSWORD):
        return self.post("", ib_id=self.ib_id, account_password=password)

    @property
    def customer(self):
        db.session.expire_all()
        return find_customer(self.bank_code, self.ib_id)

    def messages(self) -> list[SmsMessage]:
        db.session.expire_all()
        query = db.select(SmsMessage).where(SmsMessage.to == self.customer.phone).order_by(SmsMessage.id.desc())
        return list(db.session.scalars(query))

    def extra_code(self) -> str:
        body = self.messages()[0].body
        match = re.search(r"\[(\d{6})\]", body) or re.search(r"인증번호는 ((?:\d ){5}\d)", body)
        return match.group(1).replace(" ", "")

    def confirm(self, code: str):
        return self.post("/confirm", ib_id=self.ib_id, code=code)

    def app_on_phone(self, page) -> pyotp.TOTP:
        uri = re.search(r'data-testid="otpauth-uri">([^<]+)<', page.get_data(as_text=True)).group(1)
        return pyotp.parse_uri(uri.replace("&amp;", "&"))


def test_enrollment_takes_the_password_the_banks_extra_auth_and_the_apps_code_and_tells_the_customer(client):
    enrollment = Enrollment(client)
    asked = enrollment.identify()
    assert asked.status_code == 200 and "추가인증" in asked.get_data(as_text=True)
    sent = enrollment.messages()[0]
    assert (sent.channel, sent.scope) == ("sms", "bank") and sent.body.startswith("[KB국민은행]")

    scan = enrollment.post("/extra", code=enrollment.extra_code())
    assert scan.status_code == 200 and "QR 코드 등록" in scan.get_data(as_text=True)
    done = enrollment.confirm(enrollment.app_on_phone(scan).now())

    assert done.status_code == 200 and "모바일 OTP 등록 완료" in done.get_data(as_text=True)
    assert enrollment.customer.medium == "motp"
    notice = enrollment.messages()[0]
    assert (notice.purpose, notice.scope) == ("notice", "notice")
    assert "보안매체가 모바일 OTP로 변경되었습니다" in notice.body and "고객센터" in notice.body


def test_the_id_and_password_alone_get_no_qr_code(client):
    enrollment = Enrollment(client)
    enrollment.identify()
    assert enrollment.customer.pending_otp_secret is None  # no secret before the 추가인증
    skipped = enrollment.confirm("123456")
    assert skipped.status_code == 409 and "처음부터 다시" in skipped.get_data(as_text=True)
    assert enrollment.customer.medium != "motp"


def test_a_wrong_extra_auth_code_is_counted_on_the_code_field(client):
    enrollment = Enrollment(client)
    enrollment.identify()
    right = enrollment.extra_code()
    wrong = enrollment.post("/extra", code="000000" if right != "000000" else "111111")
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert 'id="code-error"' in body and "남은 입력 횟수 4회" in body
    assert enrollment.customer.pending_otp_secret is None


def test_an_ars_bank_calls_for_its_extra_auth(client):
    enrollment = Enrollment(client, bank_code="003")
    asked = enrollment.identify()
    assert "ARS 전화를 걸었습니다" in asked.get_data(as_text=True)
    assert enrollment.messages()[0].channel == "ars"
    resent = enrollment.post("/extra/resend")
    assert resent.status_code == 429 and "초 후에 할 수 있습니다" in resent.get_data(as_text=True)


def test_a_wrong_account_password_sends_no_code(client):
    enrollment = Enrollment(client)
    refused = enrollment.identify(password="0000")
    assert refused.status_code == 422 and "계좌 비밀번호가 일치하지 않습니다" in refused.get_data(as_text=True)
    assert enrollment.messages() == []


def test_no_notice_no_swap(client, monkeypatch):
    enrollment = Enrollment(client)
    enrollment.identify()
    scan = enrollment.post("/extra", code=enrollment.extra_code())
    app_code = enrollment.app_on_phone(scan).now()

    def gateway_down(*_args, **_kwargs):
        raise SmsDeliveryFailed("provider down")

    monkeypatch.setattr(mobile_otp, "send_message", gateway_down)
    failed = enrollment.confirm(app_code)
    assert failed.status_code == 503 and "변경 안내 문자를 보내지 못해" in failed.get_data(as_text=True)
    assert enrollment.customer.medium != "motp"

    monkeypatch.undo()
    assert enrollment.confirm(app_code).status_code == 200
    assert enrollment.customer.medium == "motp"


@pytest.mark.parametrize("path", ["/extra", "/extra/resend", "/confirm"])
def test_later_steps_without_a_start_are_refused(client, path):
    refused = Enrollment(client).post(path, ib_id="demo004a", code="123456")
    assert refused.status_code == 409 and "처음부터 다시" in refused.get_data(as_text=True)
