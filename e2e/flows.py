"""Steps a test engineer repeats: the widget, found by the locators the README lists."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from playwright.sync_api import FrameLocator, Page, expect

from app.clock import utcnow
from app.extensions import db
from app.models import WidgetTransaction
from app.qr import qr_svg_inline
from app.widget import rotating_qr
from tests.support import DEFAULT_PIN

WIDGET = 'iframe[title="금융인증서비스"]'
QR_IMAGE = "휴대폰 인증용 QR 코드"
_QR_PATH = re.compile(r' d="([^"]+)"')


def widget(page: Page) -> FrameLocator:
    """The widget inside the relying party's overlay."""
    return page.frame_locator(WIDGET)


def latest_code(page: Page, service_url: str, phone: str) -> str:
    """The newest code sent to ``phone`` (SMS, or read out by an ARS call), from the test bed's outbox API."""
    messages = page.request.get(f"{service_url}/testbed/outbox?to={phone}").json()["messages"]
    body = messages[0]["body"]
    match = re.search(r"\[(\d{6})\]", body) or re.search(r"인증번호는 ((?:\d ){5}\d)", body)
    assert match, body
    return match.group(1).replace(" ", "")


def start_login(page: Page, rp_url: str, family: str) -> FrameLocator:
    """금융인증 로그인 선택: the RP's button, and on a phone 화면을 터치해주세요."""
    page.goto(f"{rp_url}/rp/demo/")
    page.get_by_role("button", name="금융인증서 로그인").click()
    frame = widget(page)
    if family == "mobile":
        frame.get_by_role("button", name="화면을 터치해주세요").click()
    return frame


def enter_identity(frame: FrameLocator, name: str, phone: str, birth: str) -> None:
    frame.get_by_label("이름").fill(name)
    frame.get_by_label("휴대폰번호").fill(phone)
    frame.get_by_label("생년월일").fill(birth)
    frame.get_by_role("button", name="다음").click()


def enter_sms_code(frame: FrameLocator, page: Page, service_url: str, phone: str) -> None:
    expect(frame.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    frame.get_by_label("인증번호").fill(latest_code(page, service_url, phone.replace("-", "")))
    frame.get_by_role("button", name="확인").click()


def allow_cloud_access(frame: FrameLocator, auto_connect: bool) -> None:
    expect(frame.get_by_role("heading", name="클라우드 접근 권한 확인")).to_be_visible()
    if auto_connect:
        frame.get_by_label("자동연결").check()
    frame.get_by_role("button", name="다음").click()


def choose_certificate(frame: FrameLocator, bank_name: str) -> None:
    expect(frame.get_by_role("heading", name="인증서 선택")).to_be_visible()
    frame.get_by_role("listitem").filter(has_text=bank_name).get_by_role("button", name="선택").click()


# The PIN steps' headings and the keypad's name, by the widget's language (init's lang).
KEYPAD_NAMES = {"kor": ("비밀번호", "보안 키패드"), "eng": ("PIN", "Secure keypad")}


def type_pin(where: Page | FrameLocator, pin: str, lang: str = "kor") -> None:
    """Six presses on the shuffled keypad (in the widget's frame or on a page), found by each
    key's accessible name; returns once the entry is done and this keypad has been replaced."""
    heading, keypad_name = KEYPAD_NAMES[lang]
    expect(where.get_by_role("heading", name=re.compile(heading))).to_be_visible()
    keypad = where.get_by_role("form", name=re.compile(keypad_name))
    first_token = keypad.locator('button[name="key"]').first.get_attribute("value")
    for digit in pin:
        keypad.get_by_role("button", name=digit, exact=True).click()
    # A finished entry replaces the keypad (a reshuffled one after an error, or the next step):
    # the next entry must not start on keys that no longer exist.
    expect(where.locator(f'button[name="key"][value="{first_token}"]')).to_have_count(0)


def full_login(
    page: Page,
    live_server,
    family: str,
    *,
    name: str = "홍길동",
    phone: str = "01012345678",
    birth: str = "19900101",
    pin: str = DEFAULT_PIN,
    auto_connect: bool = False,
    bank: str = "KB국민은행",
) -> None:
    """The 5 steps at the demo RP, ending on its verified 로그인 성공."""
    frame = start_login(page, live_server.rp_url, family)  # 1. 금융인증 로그인 선택
    enter_identity(frame, name, phone, birth)  # 2. 가입정보 입력
    enter_sms_code(frame, page, live_server.url, phone)  # 3. 휴대폰 점유인증
    allow_cloud_access(frame, auto_connect=auto_connect)  #    클라우드 접근 권한 확인
    choose_certificate(frame, bank)  # 4. 인증서 선택
    type_pin(frame, pin)  # 5. 비밀번호 입력
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()


def otp_now(in_app, bank_code: str, ib_id: str) -> str:
    """What the demo customer's OTP device (or app) shows now."""
    from app.bankdemo.customers import current_otp, find_customer
    from app.extensions import db

    db.session.expire_all()
    return current_otp(find_customer(bank_code, ib_id))


def card_digits(in_app, bank_code: str, ib_id: str, prompt: str) -> str:
    """Read '보안카드 12번 앞 2자리' off the customer's card, as the customer would."""
    from app.bankdemo.customers import find_customer

    number = int(re.search(r"(\d+)번", prompt).group(1))
    code = find_customer(bank_code, ib_id).card_codes[number - 1]
    return code[:2] if "앞" in prompt else code[2:]


def bank_stage_one(
    page: Page, service_url: str, bank_code: str, customer: dict, *, kind: str = "발급", medium_answer=None
) -> None:
    """은행 절차 1단계 at a demo bank, up to the hand-over to the widget."""
    page.goto(f"{service_url}/bank/{bank_code}/")
    page.get_by_role("button", name="금융인증서 발급/재발급 시작").click()
    expect(page.get_by_role("heading", name="이용약관 동의")).to_be_visible()
    for label in ("이용약관에 동의합니다", "개인정보 수집·이용에 동의합니다", "고유식별정보 처리에 동의합니다"):
        page.get_by_label(re.compile(label)).check()
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("heading", name="발급 신청")).to_be_visible()
    page.get_by_role("radio", name=re.compile(f"^{kind} ")).check()
    page.get_by_role("button", name="다음").click()
    fill_customer(page, customer)
    expect(page.get_by_role("heading", name="추가인증")).to_be_visible()
    page.get_by_label("인증번호").fill(latest_code(page, service_url, customer["phone"]))
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("heading", name="개인정보 입력")).to_be_visible()
    page.get_by_label("이메일").fill("customer@example.com")
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("heading", name="보안매체 인증")).to_be_visible()
    medium_answer(page)
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_role("heading", name="금융인증서 발급/저장")).to_be_visible()


def fill_customer(page: Page, customer: dict, password: str = "1357") -> None:
    expect(page.get_by_role("heading", name="고객정보 입력")).to_be_visible()
    page.get_by_label("인터넷뱅킹 ID").fill(customer["ib_id"])
    page.get_by_label("이름").fill(customer["name"])
    page.get_by_label("생년월일").fill(customer["birth"])
    page.get_by_label("출금계좌번호").fill(customer["account"])
    page.get_by_label("계좌 비밀번호").fill(password)
    page.get_by_role("button", name="다음").click()


def widget_stage_two(page: Page, service_url: str, customer: dict, pin: str) -> None:
    """은행 절차 2단계 in the widget: 클라우드 가입/연결, SMS, the PIN twice."""
    page.get_by_role("button", name="금융인증서 발급/저장 계속").click()
    expect(page.get_by_role("heading", name="클라우드 가입/연결")).to_be_visible()
    page.get_by_label("이름").fill(customer["name"])
    page.get_by_label("휴대폰번호").fill(customer["phone"])
    page.get_by_label("생년월일").fill(customer["birth"])
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    page.get_by_label("인증번호").fill(latest_code(page, service_url, customer["phone"]))
    page.get_by_role("button", name="확인").click()
    type_pin(page, pin)
    expect(page.get_by_role("heading", name="비밀번호 확인")).to_be_visible()
    type_pin(page, pin)


def qr_drawing(frame: FrameLocator) -> str:
    """The modules of the QR code on the PC's screen (its SVG path)."""
    return frame.get_by_role("img", name=QR_IMAGE).locator("path").get_attribute("d")


def camera_reads(frame: FrameLocator, app: Flask) -> str:
    """The URL a phone's camera reads from the PC's QR code. The page carries the image only, so
    the test draws each QR code the waiting transactions could be showing (the current slot and
    the two before it) and keeps the URL whose drawing is the one on the screen."""
    drawn = qr_drawing(frame)
    db.session.expire_all()
    waiting = db.session.scalars(
        db.select(WidgetTransaction).where(WidgetTransaction.step == "remote", WidgetTransaction.paired_at.is_(None))
    ).all()
    now = utcnow()
    with app.test_request_context():
        for transaction in waiting:
            for slots_back in range(3):
                url = rotating_qr.qr_url(transaction, now - timedelta(seconds=slots_back * rotating_qr.ROTATE_SECONDS))
                if _QR_PATH.search(qr_svg_inline(url, QR_IMAGE)).group(1) == drawn:
                    return url
    raise AssertionError("the QR code on the screen is not one a waiting transaction would show")
