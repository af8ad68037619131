"""How real people browse: Back, reload, two tabs, lockouts, stars, and each purpose's SMS limit."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import SmsMessage
from e2e.flows import (
    allow_cloud_access,
    choose_certificate,
    enter_identity,
    enter_sms_code,
    full_login,
    latest_code,
    start_login,
    type_pin,
    widget,
)
from e2e.test_issuance import AT_KB, answer_otp
from tests.support import DEFAULT_PIN, subscriber_with_certificate

NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"
WRONG_PIN = "975310"


def sent_to(phone: str) -> int:
    db.session.expire_all()
    return db.session.query(SmsMessage).filter(SmsMessage.to == phone).count()


def test_back_while_the_widget_is_open_closes_it_and_tells_the_rp(page: Page, live_server, in_app, family):
    frame = start_login(page, live_server.rp_url, family)
    if family == "desktop":
        expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/rp/demo/$"))
    expect(page.get_by_role("status")).to_have_attribute("data-code", "800000")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()
    # The page works on: a new login opens the widget again.
    frame = start_login(page, live_server.rp_url, family)
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()


def test_back_after_a_login_leaves_no_dead_widget(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    full_login(page, live_server, "desktop")
    page.go_back()
    expect(page.get_by_role("button", name="금융인증서 로그인")).to_be_visible()
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()


def test_two_tabs_each_have_their_own_request(desktop_context, live_server, in_app):
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    first, second = desktop_context.new_page(), desktop_context.new_page()
    first_frame = start_login(first, live_server.rp_url, "desktop")
    second_frame = start_login(second, live_server.rp_url, "desktop")
    for page, frame in ((first, first_frame), (second, second_frame)):
        enter_identity(frame, NAME, PHONE, BIRTH)
        enter_sms_code(frame, page, live_server.url, PHONE)
        allow_cloud_access(frame, auto_connect=False)
    choose_certificate(second_frame, "KB국민은행")
    type_pin(second_frame, DEFAULT_PIN)
    expect(second.get_by_role("heading", name="로그인 성공")).to_be_visible()
    choose_certificate(first_frame, "KB국민은행")
    type_pin(first_frame, DEFAULT_PIN)
    expect(first.get_by_role("heading", name="로그인 성공")).to_be_visible()


def test_reload_and_back_keep_the_bank_and_stage_two_steps(desktop_page: Page, live_server, in_app):
    page = desktop_page
    page.goto(f"{live_server.url}/bank/004/")
    page.get_by_role("button", name="금융인증서 발급/재발급 시작").click()
    for label in ("이용약관에 동의합니다", "개인정보 수집·이용에 동의합니다", "고유식별정보 처리에 동의합니다"):
        page.get_by_label(re.compile(label)).check()
    page.get_by_role("button", name="다음").click()
    page.get_by_role("radio", name=re.compile("^발급 ")).check()
    page.get_by_role("button", name="다음").click()
    for label, value in (("인터넷뱅킹 ID", AT_KB["ib_id"]), ("이름", AT_KB["name"]), ("생년월일", AT_KB["birth"])):
        page.get_by_label(label).fill(value)
    page.get_by_label("출금계좌번호").fill(AT_KB["account"])
    page.get_by_label("계좌 비밀번호").fill("1357")
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("heading", name="추가인증")).to_be_visible()
    codes = sent_to(AT_KB["phone"])

    page.reload()  # the same step, no new code
    expect(page.get_by_role("heading", name="추가인증")).to_be_visible()
    page.go_back()  # a past step is not shown again: the current one is, with why
    expect(page.get_by_role("heading", name="추가인증")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("현재 단계부터 계속해주세요")
    assert sent_to(AT_KB["phone"]) == codes
    expect(page.get_by_role("button", name="재전송")).to_be_disabled()  # not before 30 s

    page.get_by_label("인증번호").fill(latest_code(page, live_server.url, AT_KB["phone"]))
    page.get_by_role("button", name="확인").click()
    page.get_by_label("이메일").fill("park@example.com")
    page.get_by_role("button", name="다음").click()
    answer_otp(in_app, "004", AT_KB["ib_id"])(page)
    page.get_by_role("button", name="확인").click()
    page.get_by_role("button", name="금융인증서 발급/저장 계속").click()
    enter_identity(page, AT_KB["name"], AT_KB["phone"], AT_KB["birth"])
    expect(page.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    codes = sent_to(AT_KB["phone"])
    page.reload()  # stage 2's SMS step again, no new SMS and no new 가입정보
    expect(page.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    enter_sms_code(page, page, live_server.url, AT_KB["phone"])
    type_pin(page, "482916")
    expect(page.get_by_role("heading", name="비밀번호 확인")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="비밀번호 확인")).to_be_visible()
    assert sent_to(AT_KB["phone"]) == codes
    type_pin(page, "482916")
    expect(page.get_by_role("heading", name="발급 완료")).to_be_visible()


def test_a_warning_before_the_lock_and_another_certificate_after_it(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="088")
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    for _ in range(4):
        type_pin(frame, WRONG_PIN)
    expect(frame.get_by_role("alert").filter(has_text="4/5회")).to_contain_text("1회 더 틀리면 인증서가 잠깁니다")
    keypad = frame.get_by_role("form", name=re.compile("보안 키패드"))
    keypad.get_by_role("button", name=WRONG_PIN[0], exact=True).click()  # typing again clears the message
    expect(frame.locator("#pin-error")).to_have_text("")
    keypad.get_by_role("button", name="전체삭제").click()
    type_pin(frame, WRONG_PIN)
    expect(frame.get_by_role("heading", name="인증서 선택")).to_be_visible()
    expect(frame.get_by_role("alert").first).to_contain_text("잠겼습니다")
    locked = frame.get_by_role("listitem").filter(has_text="KB국민은행")
    expect(locked).to_contain_text("잠김")
    expect(locked.get_by_role("link", name="KB국민은행에서 재발급받기")).to_have_attribute(
        "href", re.compile("/bank/004/")
    )
    choose_certificate(frame, "신한은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()


def test_the_star_does_not_move_the_cards(phone_page: Page, live_server, in_app):
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="088")
    frame = start_login(page, live_server.rp_url, "mobile")
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    cards = frame.get_by_role("list", name="클라우드의 인증서").get_by_role("listitem")
    expect(cards).to_have_count(2)
    before = cards.all_inner_texts()
    cards.nth(1).get_by_role("button", name="즐겨찾기").click()
    expect(cards.nth(1).get_by_role("button", name="즐겨찾기")).to_have_attribute("aria-pressed", "true")
    assert cards.all_inner_texts()[0] == before[0]


def test_the_banks_codes_do_not_use_up_the_logins(phone_page: Page, live_server, in_app):
    """Five 추가인증 codes (a bank's limit for the hour) leave the login's own codes untouched."""
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    for _ in range(5):
        db.session.add(SmsMessage(to=PHONE, body="[은행] 인증번호", purpose="code", scope="bank", gateway="outbox"))
    db.session.commit()
    frame = start_login(page, live_server.rp_url, "mobile")
    enter_identity(frame, NAME, PHONE, BIRTH)
    expect(frame.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    expect(widget(page).get_by_role("button", name="재전송")).to_be_disabled()
