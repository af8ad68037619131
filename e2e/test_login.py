"""Logging in and signing at the demo relying party, cross-site, on a desktop and on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.clock import utcnow
from app.extensions import db
from app.models import SmsMessage, WidgetTransaction
from e2e.flows import (
    allow_cloud_access,
    choose_certificate,
    enter_identity,
    enter_sms_code,
    full_login,
    start_login,
    type_pin,
    widget,
)
from tests.support import DEFAULT_PIN, subscriber_with_certificate

NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"


def sms_count() -> int:
    db.session.expire_all()
    return db.session.query(SmsMessage).count()


def test_first_login_takes_five_steps(page: Page, live_server, in_app, family):
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    full_login(page, live_server, family, auto_connect=False)
    expect(page.get_by_test_id("signer-name")).to_have_text(NAME)


def test_login_with_auto_connect_takes_three_steps_and_no_sms(phone_page: Page, live_server, in_app):
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    full_login(page, live_server, "mobile", auto_connect=True)
    sent = sms_count()

    frame = start_login(page, live_server.rp_url, "mobile")  # 1. 금융인증 로그인 선택
    choose_certificate(frame, "KB국민은행")  # 2. 인증서 선택 (no 가입정보, no SMS)
    type_pin(frame, DEFAULT_PIN)  # 3. 비밀번호 입력
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    assert sms_count() == sent


def test_a_favourite_opens_straight_on_the_pin(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="088")
    full_login(page, live_server, "desktop", auto_connect=True, bank="신한은행")

    frame = start_login(page, live_server.rp_url, "desktop")
    shinhan = frame.get_by_role("listitem").filter(has_text="신한은행")
    shinhan.get_by_role("button", name="즐겨찾기").click()
    expect(
        frame.get_by_role("listitem").filter(has_text="신한은행").get_by_role("button", name="즐겨찾기")
    ).to_have_attribute("aria-pressed", "true")
    choose_certificate(frame, "신한은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()

    frame = start_login(page, live_server.rp_url, "desktop")
    expect(frame.get_by_role("heading", name="비밀번호 입력")).to_be_visible()
    expect(frame.get_by_text("신한은행 · 홍길동")).to_be_visible()
    frame.get_by_role("button", name="다른 인증서 선택").click()
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_text(re.compile("KB국민은행"))).to_be_visible()


def test_a_transfer_shows_the_text_before_the_pin_and_the_rp_verifies_it(phone_page: Page, live_server, in_app):
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    page.goto(f"{live_server.rp_url}/rp/demo/transfer")
    page.get_by_label("받는 은행").select_option(label="신한은행")
    page.get_by_label("받는 계좌번호").fill("110-123-456789")
    page.get_by_label("보낼 금액(원)").fill("150000")
    page.get_by_role("button", name="금융인증서로 이체").click()
    frame = widget(page)
    frame.get_by_role("button", name="화면을 터치해주세요").click()
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    content = frame.get_by_role("region", name="서명할 내용")
    expect(content).to_contain_text("신한은행 110-123-456789")
    expect(content).to_contain_text("150,000원")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="이체 완료")).to_be_visible()
    expect(page.get_by_test_id("signed-text")).to_contain_text("금액: 150,000원")


def test_cancel_returns_800000_to_the_rp(desktop_page: Page, live_server, in_app):
    page = desktop_page
    frame = start_login(page, live_server.rp_url, "desktop")
    frame.get_by_role("button", name="취소").click()
    expect(page.get_by_role("status")).to_have_attribute("data-code", "800000")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()


def test_five_wrong_pins_lock_the_certificate_with_a_way_to_reissue(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    for attempt in range(1, 5):
        type_pin(frame, "975310")
        expect(frame.get_by_role("alert")).to_contain_text(f"비밀번호 {attempt}/5회 오류")
    type_pin(frame, "975310")
    expect(frame.get_by_role("heading", name="인증을 완료하지 못했습니다")).to_be_visible()
    expect(frame.get_by_role("alert")).to_contain_text("5/5회")
    expect(frame.get_by_role("link", name="KB국민은행에서 재발급받기")).to_have_attribute(
        "href", re.compile("/bank/004/")
    )
    frame.get_by_role("button", name="닫기").click()
    expect(page.get_by_role("status")).to_have_attribute("data-code", "800005")


def test_no_certificate_leads_to_the_issuing_banks(desktop_page: Page, live_server, in_app):
    page = desktop_page
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, "김없음", "010-2222-3333", "19850505")
    enter_sms_code(frame, page, live_server.url, "01022223333")
    expect(frame.get_by_role("heading", name="사용할 수 있는 금융인증서가 없습니다")).to_be_visible()
    toggle = frame.get_by_role("button", name="발급가능한 은행보기")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    links = frame.locator("#bank-list").get_by_role("link")
    expect(links).to_have_count(22)
    frame.get_by_text("QR").first.click()
    expect(frame.get_by_role("img", name=re.compile("발급 페이지 QR 코드")).first).to_be_visible()
    with page.expect_popup() as popup:
        frame.get_by_role("link", name="카카오뱅크").click()
    expect(popup.value).to_have_url(re.compile(r"/bank/090/$"))
    expect(popup.value.get_by_role("heading", name="금융인증서 발급/재발급")).to_be_visible()
    expect(popup.value.get_by_text("카카오뱅크").first).to_be_visible()


def test_an_expired_transaction_says_so_and_tells_the_rp(phone_page: Page, live_server, in_app):
    page = phone_page
    frame = start_login(page, live_server.rp_url, "mobile")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    for transaction in db.session.scalars(db.select(WidgetTransaction)):
        transaction.expires_at = utcnow()
    db.session.commit()
    enter_identity(frame, NAME, PHONE, BIRTH)
    expect(frame.get_by_role("alert")).to_contain_text("요청 시간(10분)이 지났습니다")
    frame.get_by_role("button", name="닫기").click()
    expect(page.get_by_role("status")).to_have_attribute("data-code", "800004")


def test_a_transfer_with_the_persons_number_confirms_who_signed(phone_page: Page, live_server, in_app):
    """본인확인 (VID): the RP gets R with the signature and checks the number it was given."""
    from app.banks import get_bank
    from app.personal_info import parse_birth_date
    from app.ra.orders import open_order, place_order, redeem_order

    order, auth_code = place_order(
        get_bank("004"), name=NAME, phone=PHONE, birth_date=parse_birth_date(BIRTH), email=None, kind="issue",
        rrn="9001011234568",
    )  # fmt: skip
    redeem_order(open_order(order.ref_num, auth_code), pin=DEFAULT_PIN)
    page = phone_page
    for first, number, outcome in (
        (True, "900101-1234568", "본인확인 성공"),
        (False, "900101-1234573", "본인확인 실패"),
    ):
        page.goto(f"{live_server.rp_url}/rp/demo/transfer")
        page.get_by_label("받는 은행").select_option(label="신한은행")
        page.get_by_label("받는 계좌번호").fill("110-123-456789")
        page.get_by_label("보낼 금액(원)").fill("1000")
        page.get_by_label("주민등록번호 (본인확인, 선택)").fill(number)
        page.get_by_role("button", name="금융인증서로 이체").click()
        frame = widget(page)
        frame.get_by_role("button", name="화면을 터치해주세요").click()
        if first:  # the second time, 자동연결 skips to the certificates
            enter_identity(frame, NAME, PHONE, BIRTH)
            enter_sms_code(frame, page, live_server.url, PHONE)
            allow_cloud_access(frame, auto_connect=True)
        choose_certificate(frame, "KB국민은행")
        type_pin(frame, DEFAULT_PIN)
        expect(page.get_by_test_id("identity")).to_contain_text(outcome)
