"""금융인증서 발급: stage 1 at a demo bank, stage 2 in the widget, on a desktop and on a phone."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from app.bankdemo.customers import find_customer
from app.cloud.certificates import WrongPin, certificates_of, state_of, unlock_private_key
from app.extensions import db
from app.models import Certificate, Subscriber
from e2e.flows import bank_stage_one, card_digits, fill_customer, latest_code, otp_now, type_pin, widget_stage_two
from tests.support import subscriber_with_certificate

PARK = {"name": "박도윤", "birth": "19791123", "phone": "01010010003"}
AT_KB = {**PARK, "ib_id": "demo004a", "account": "004-01-100014"}  # OTP
AT_SHINHAN = {**PARK, "ib_id": "demo088b", "account": "088-02-100134"}  # 보안카드
UNVERIFIED = {
    "ib_id": "demo004c",
    "name": "정하준",
    "birth": "19830909",
    "phone": "01010010005",
    "account": "004-03-100016",
}
PIN = "482916"


def certificates_of_park() -> list[Certificate]:
    db.session.expire_all()
    subscriber = db.session.scalars(db.select(Subscriber).where(Subscriber.phone == PARK["phone"])).one()
    return certificates_of(subscriber)


def answer_otp(in_app, bank_code, ib_id):
    return lambda page: page.get_by_label("OTP 번호").fill(otp_now(in_app, bank_code, ib_id))


def answer_card(in_app, bank_code, ib_id):
    def answer(page):
        for label in page.locator("label", has_text=re.compile(r"보안카드 \d+번")).all():
            prompt = label.inner_text()
            page.get_by_label(prompt).fill(card_digits(in_app, bank_code, ib_id, prompt))

    return answer


def test_issuance_with_otp_then_with_a_security_card_at_a_second_bank(page: Page, live_server, in_app, family):
    bank_stage_one(page, live_server.url, "004", AT_KB, medium_answer=answer_otp(in_app, "004", "demo004a"))
    widget_stage_two(page, live_server.url, AT_KB, PIN)
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()
    expect(page.get_by_text("KB국민은행", exact=True)).to_be_visible()
    page.get_by_role("button", name="이 브라우저에 자동연결 설정").click()
    expect(page.get_by_role("status").filter(has_text="자동연결을 설정했습니다")).to_be_visible()

    bank_stage_one(page, live_server.url, "088", AT_SHINHAN, medium_answer=answer_card(in_app, "088", "demo088b"))
    widget_stage_two(page, live_server.url, AT_SHINHAN, PIN)
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()
    assert {c.bank_code for c in certificates_of_park()} == {"004", "088"}


def test_reissue_unlocks_a_locked_certificate(phone_page: Page, live_server, in_app):
    page = phone_page
    _subscriber, old = subscriber_with_certificate(
        name=PARK["name"], phone=PARK["phone"], birth=PARK["birth"], bank_code="004"
    )
    for _ in range(5):
        with pytest.raises(WrongPin):
            unlock_private_key(old, "975310")
    assert state_of(old).label == "잠김"
    bank_stage_one(
        page, live_server.url, "004", AT_KB, kind="재발급", medium_answer=answer_otp(in_app, "004", "demo004a")
    )
    widget_stage_two(page, live_server.url, AT_KB, PIN)
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()
    db.session.refresh(old)
    assert old.status == "revoked"
    (new,) = certificates_of_park()
    assert state_of(new).usable and unlock_private_key(new, PIN)


def test_stage_one_refuses_wrong_input_in_korean(desktop_page: Page, live_server, in_app):
    page = desktop_page
    page.goto(f"{live_server.url}/bank/004/")
    page.get_by_role("button", name="금융인증서 발급/재발급 시작").click()
    page.get_by_role("button", name="다음").click()  # no consent ticked
    expect(page.get_by_role("alert")).to_contain_text("이용약관에 동의해주세요.")
    for label in ("이용약관에 동의합니다", "개인정보 수집·이용에 동의합니다", "고유식별정보 처리에 동의합니다"):
        page.get_by_label(re.compile(label)).check()
    page.get_by_role("button", name="다음").click()
    page.get_by_role("radio", name=re.compile("^발급 ")).check()
    page.get_by_role("button", name="다음").click()

    fill_customer(page, UNVERIFIED)
    expect(page.get_by_role("alert")).to_contain_text("영업점에서 대면 신원확인을 받은 고객만")
    fill_customer(page, AT_KB, password="0000")
    expect(page.get_by_role("alert")).to_contain_text("계좌 비밀번호가 일치하지 않습니다. (오류 1/5회)")
    expect(page.get_by_label("계좌 비밀번호")).to_have_attribute("aria-invalid", "true")
    fill_customer(page, {**AT_KB, "birth": "19791323"})
    expect(page.get_by_role("alert")).to_contain_text("존재하지 않는 날짜")
    fill_customer(page, AT_KB)
    page.get_by_label("인증번호").fill("000000")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("alert")).to_contain_text("인증번호가 일치하지 않습니다")
    page.get_by_label("인증번호").fill(latest_code(page, live_server.url, AT_KB["phone"]))
    page.get_by_role("button", name="확인").click()
    page.get_by_label("이메일").fill("not-an-email")
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("alert")).to_contain_text("이메일 주소를 name@example.com 형식으로")
    page.get_by_label("이메일").fill("park@example.com")
    page.get_by_role("button", name="다음").click()
    page.get_by_label("OTP 번호").fill("000000" if otp_now(in_app, "004", "demo004a") != "000000" else "111111")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("alert")).to_contain_text("OTP 번호가 일치하지 않습니다. (오류 2/5회)")


def test_stage_two_refuses_wrong_input_in_korean(phone_page: Page, live_server, in_app):
    page = phone_page
    bank_stage_one(page, live_server.url, "004", AT_KB, medium_answer=answer_otp(in_app, "004", "demo004a"))
    page.get_by_role("button", name="금융인증서 발급/저장 계속").click()
    page.get_by_label("이름").fill("김다른")
    page.get_by_label("휴대폰번호").fill(PARK["phone"])
    page.get_by_label("생년월일").fill(PARK["birth"])
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("alert")).to_contain_text("은행에서 확인한 가입정보")
    page.get_by_label("이름").fill(PARK["name"])
    page.get_by_role("button", name="다음").click()
    page.get_by_label("인증번호").fill("12345")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("alert")).to_contain_text("인증번호는 숫자 6자리입니다.")
    page.get_by_label("인증번호").fill(latest_code(page, live_server.url, PARK["phone"]))
    page.get_by_role("button", name="확인").click()
    type_pin(page, "111111")
    expect(page.get_by_role("alert")).to_contain_text("같은 숫자만 반복된 비밀번호")
    type_pin(page, "791123")
    expect(page.get_by_role("alert")).to_contain_text("생년월일이 포함된 비밀번호")
    type_pin(page, PIN)
    type_pin(page, "482917")
    expect(page.get_by_role("alert")).to_contain_text("두 번 입력한 비밀번호가 일치하지 않습니다")
    type_pin(page, PIN)
    type_pin(page, PIN)
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()


def test_mobile_otp_enrolled_by_qr_code_is_accepted(desktop_page: Page, live_server, in_app):
    page = desktop_page
    page.goto(f"{live_server.url}/bank/004/otp")
    page.get_by_label("인터넷뱅킹 ID").fill("demo004a")
    page.get_by_label("계좌 비밀번호").fill("1357")
    page.get_by_role("button", name="다음").click()
    # The bank's 추가인증: the ID and the account password alone get no QR code.
    expect(page.get_by_role("heading", name="추가인증")).to_be_visible()
    expect(page.get_by_role("img", name="모바일 OTP 등록 QR 코드")).to_have_count(0)
    page.get_by_label("인증번호").fill(latest_code(page, live_server.url, PARK["phone"]))
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("img", name="모바일 OTP 등록 QR 코드")).to_be_visible()
    uri = page.get_by_test_id("otpauth-uri").text_content()
    app_on_phone = pyotp.parse_uri(uri)  # what the phone's OTP app holds after scanning
    page.get_by_label("OTP 앱에 표시된 번호").fill(app_on_phone.now())
    page.get_by_role("button", name="등록").click()
    expect(page.get_by_role("heading", name="모바일 OTP 등록 완료")).to_be_visible()
    assert find_customer("004", "demo004a").medium == "motp"
    notice = page.request.get(f"{live_server.url}/testbed/outbox?to={PARK['phone']}").json()["messages"][0]
    assert "보안매체가 모바일 OTP로 변경되었습니다" in notice["body"]

    bank_stage_one(
        page, live_server.url, "004", AT_KB, medium_answer=lambda p: p.get_by_label("OTP 번호").fill(app_on_phone.now())
    )
    widget_stage_two(page, live_server.url, AT_KB, PIN)
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()
