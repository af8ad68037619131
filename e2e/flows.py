"""Steps a test engineer repeats: the widget, found by the locators the README lists."""

from __future__ import annotations

import re

from playwright.sync_api import FrameLocator, Page, expect

WIDGET = 'iframe[title="금융인증서비스"]'


def widget(page: Page) -> FrameLocator:
    """The widget inside the relying party's overlay."""
    return page.frame_locator(WIDGET)


def latest_code(page: Page, service_url: str, phone: str) -> str:
    """The newest SMS code sent to ``phone``, read from the test bed's outbox API."""
    messages = page.request.get(f"{service_url}/testbed/outbox?to={phone}").json()["messages"]
    match = re.search(r"\[(\d{6})\]", messages[0]["body"])
    assert match, messages[0]["body"]
    return match.group(1)


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


def type_pin(frame: FrameLocator, pin: str) -> None:
    """Six presses on the shuffled keypad, found by each key's accessible name."""
    expect(frame.get_by_role("heading", name=re.compile("비밀번호"))).to_be_visible()
    keypad = frame.get_by_role("form", name=re.compile("보안 키패드"))
    for digit in pin:
        keypad.get_by_role("button", name=digit, exact=True).click()
