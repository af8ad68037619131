"""Beyond the seed: QR login from a phone, certificate management, renewal, history."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from app.clock import utcnow
from app.cloud.certificates import certificates_of, find_by_serial
from app.extensions import db
from app.models import Subscriber, WidgetTransaction
from e2e.flows import (
    QR_IMAGE,
    allow_cloud_access,
    camera_reads,
    choose_certificate,
    enter_identity,
    enter_sms_code,
    full_login,
    qr_drawing,
    start_login,
    type_pin,
    widget,
)
from tests.support import DEFAULT_PIN, subscriber_with_certificate

NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"


def test_a_pc_login_finished_on_a_phone_through_the_qr_code(desktop_context, mobile_context, live_server, in_app):
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    pc = desktop_context.new_page()
    frame = start_login(pc, live_server.rp_url, "desktop")
    frame.get_by_role("button", name="휴대폰으로 인증").click()
    expect(frame.get_by_role("img", name=QR_IMAGE)).to_be_visible()
    expect(frame.locator("[data-qr-url]")).to_have_count(0)  # the URL is in the image only
    pc_code = frame.get_by_test_id("pair-code").inner_text()

    phone = mobile_context.new_page()
    phone.goto(camera_reads(frame, in_app))
    expect(phone.get_by_role("heading", name="휴대폰으로 인증")).to_be_visible()
    expect(phone.get_by_text("데모 이용기관")).to_be_visible()
    # The PC is on the phone's network here: where it is, and no warning.
    expect(phone.get_by_test_id("pc-network")).to_have_text("127.0.0.1 · 이 휴대폰과 같은 네트워크")
    expect(phone.get_by_test_id("elsewhere-warning")).to_have_count(0)
    expect(phone.get_by_test_id("pair-code")).to_have_text(pc_code)
    phone.get_by_role("button", name="확인 코드가 같습니다").click()
    expect(frame.get_by_role("status").filter(has_text="휴대폰에서 인증을 진행하고 있습니다")).to_be_visible()
    enter_identity(phone, NAME, PHONE, BIRTH)
    enter_sms_code(phone, phone, live_server.url, PHONE)
    allow_cloud_access(phone, auto_connect=False)
    choose_certificate(phone, "KB국민은행")
    type_pin(phone, DEFAULT_PIN)
    expect(phone.get_by_role("heading", name="휴대폰 인증 완료")).to_be_visible()
    expect(pc.get_by_role("heading", name="로그인 성공")).to_be_visible(timeout=10_000)
    expect(pc.get_by_test_id("signer-name")).to_have_text(NAME)


def test_a_stale_qr_code_and_a_used_one_are_refused(desktop_context, mobile_context, live_server, in_app):
    pc = desktop_context.new_page()
    frame = start_login(pc, live_server.rp_url, "desktop")
    frame.get_by_role("button", name="휴대폰으로 인증").click()
    old_url = camera_reads(frame, in_app)
    old_drawing = qr_drawing(frame)
    # The photo of a QR code taken a minute ago: its time slot is long gone.
    for transaction in db.session.scalars(db.select(WidgetTransaction)):
        transaction.qr_started_at = utcnow() - timedelta(seconds=60)
    db.session.commit()
    phone = mobile_context.new_page()
    phone.goto(old_url)
    expect(phone.get_by_role("alert")).to_contain_text("QR 코드가 만료되었습니다")

    qr_path = frame.get_by_role("img", name=QR_IMAGE).locator("path")
    expect(qr_path).not_to_have_attribute("d", old_drawing, timeout=10_000)
    fresh_url = camera_reads(frame, in_app)
    phone.goto(fresh_url)
    expect(phone.get_by_role("button", name="확인 코드가 같습니다")).to_be_visible()
    second_phone = mobile_context.new_page()
    second_phone.goto(fresh_url)
    expect(second_phone.get_by_role("alert")).to_contain_text("이미 사용된 QR 코드입니다")

    phone.get_by_role("button", name="취소").click()
    expect(frame.get_by_role("alert")).to_contain_text("휴대폰에서 인증을 취소했습니다", timeout=10_000)
    frame.get_by_role("button", name="닫기").click()
    expect(pc.get_by_role("status")).to_have_attribute("data-code", "800000")


def test_pin_change_then_login_with_the_new_pin(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    frame.get_by_role("button", name="인증서 관리").click()
    expect(frame.get_by_role("heading", name="인증서 관리")).to_be_visible()
    frame.get_by_role("button", name="비밀번호 변경").click()
    type_pin(frame, "975310")
    expect(frame.get_by_role("alert")).to_contain_text("비밀번호 1/5회 오류")
    type_pin(frame, DEFAULT_PIN)
    expect(frame.get_by_role("heading", name="새 비밀번호 입력")).to_be_visible()
    type_pin(frame, "135792")
    expect(frame.get_by_role("heading", name="새 비밀번호 확인")).to_be_visible()
    type_pin(frame, "135792")
    expect(frame.get_by_role("alert")).to_contain_text("비밀번호를 변경했습니다")
    frame.get_by_role("button", name="로그인으로 돌아가기").click()
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, "135792")
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()


def test_disconnecting_this_browser_brings_back_the_five_steps(phone_page: Page, live_server, in_app):
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    full_login(page, live_server, "mobile", auto_connect=True)
    frame = start_login(page, live_server.rp_url, "mobile")
    expect(frame.get_by_role("heading", name="인증서 선택")).to_be_visible()
    frame.get_by_role("button", name="인증서 관리").click()
    devices = frame.get_by_role("region", name="자동연결 기기")
    expect(devices.get_by_text("(이 브라우저)")).to_be_visible()
    devices.get_by_role("button", name="연결 해제").click()
    expect(frame.get_by_role("alert")).to_contain_text("자동연결을 해제했습니다")
    expect(frame.get_by_role("region", name="자동연결 기기")).to_contain_text("자동연결된 기기가 없습니다")
    frame.get_by_role("button", name="취소").click()

    frame = start_login(page, live_server.rp_url, "mobile")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()


def test_renewal_is_offered_in_the_last_90_days_and_the_rp_gets_the_new_certificate(
    desktop_page: Page, live_server, in_app
):
    page = desktop_page
    issued_long_ago = utcnow() - timedelta(days=3 * 365 - 30)
    _subscriber, old = subscriber_with_certificate(
        name=NAME, phone=PHONE, birth=BIRTH, bank_code="004", now=issued_long_ago
    )
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, DEFAULT_PIN)
    expect(frame.get_by_role("heading", name="인증서 갱신")).to_be_visible()
    expect(frame.get_by_role("status")).to_contain_text(re.compile(r"(29|30)일 남음"))
    frame.get_by_role("button", name="갱신").click()
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    new_serial = page.get_by_test_id("signer-serial").inner_text()
    assert new_serial != old.serial
    db.session.expire_all()
    assert find_by_serial(old.serial).status == "revoked"
    assert find_by_serial(new_serial).not_after > utcnow() + timedelta(days=3 * 365 - 2)


def test_the_rp_opens_certificate_management_with_the_sdk(phone_page: Page, live_server, in_app):
    page = phone_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    page.goto(f"{live_server.rp_url}/rp/demo/")
    page.get_by_role("button", name="인증서 관리").click()
    frame = widget(page)
    frame.get_by_role("button", name="화면을 터치해주세요").click()
    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    certificates = frame.get_by_role("region", name="내 인증서")
    certificates.get_by_role("button", name="상세보기").click()
    expect(frame.get_by_text("SHA-256 지문")).to_be_visible()
    frame.get_by_role("button", name="목록으로").click()
    frame.get_by_role("button", name="관리 마치기").click()
    expect(page.get_by_role("status")).to_contain_text("인증서 관리를 마쳤습니다")
    subscriber = db.session.scalars(db.select(Subscriber)).one()
    assert len(certificates_of(subscriber)) == 1
