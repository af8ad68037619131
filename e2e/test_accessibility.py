"""Keyboard-only use, focus on each new step's heading, and axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Frame, Page, expect

from e2e.conftest import context_options
from e2e.flows import latest_code
from tests.support import DEFAULT_PIN, subscriber_with_certificate

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def widget_frame(page: Page) -> Frame:
    frame_element = page.locator('iframe[title="금융인증서비스"]').element_handle()
    frame = frame_element.content_frame()
    assert frame is not None
    return frame


def expect_focus_on_heading(frame: Frame, name: str) -> None:
    expect(frame.locator("[data-step-heading]:focus")).to_have_text(name)


def test_login_with_the_keyboard_only(desktop_context, live_server, in_app):
    page = desktop_context.new_page()
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    page.goto(f"{live_server.rp_url}/rp/demo/")
    page.get_by_role("button", name="금융인증서 로그인").focus()
    page.keyboard.press("Enter")
    frame = page.frame_locator('iframe[title="금융인증서비스"]')
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    inner = widget_frame(page)
    expect_focus_on_heading(inner, "가입정보 입력")

    for text in ("홍길동", "01012345678", "19900101"):
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect_focus_on_heading(inner, "휴대폰 점유인증")

    page.keyboard.press("Tab")
    page.keyboard.type(latest_code(page, live_server.url, "01012345678"))
    page.keyboard.press("Enter")
    expect_focus_on_heading(inner, "클라우드 접근 권한 확인")

    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # 자동연결
    expect(frame.get_by_label("자동연결")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 다음
    expect_focus_on_heading(inner, "인증서 선택")

    page.keyboard.press("Tab")  # 즐겨찾기
    page.keyboard.press("Tab")  # 선택
    page.keyboard.press("Enter")
    expect_focus_on_heading(inner, "비밀번호 입력")

    keypad = frame.get_by_role("form", name="보안 키패드 (숫자 배열은 입력할 때마다 바뀝니다)")
    for count, digit in enumerate(DEFAULT_PIN, start=1):
        keypad.get_by_role("button", name=digit, exact=True).focus()
        page.keyboard.press("Enter")
        if count < 6:
            expect(frame.get_by_role("status").filter(has_text="자리 입력됨")).to_have_text(f"{count}자리 입력됨")
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()


def test_a_field_entered_before_the_swap_settles_keeps_the_focus_and_the_text(desktop_page: Page, live_server):
    """The new step's heading takes the focus when htmx settles the swap, a moment after it. Someone
    already in a field by then (a fast person, a Playwright script filling right after the error
    appeared) keeps it: moving the focus in the middle of typing empties the field. The settle is
    slowed down here so that the field is surely entered before it."""
    page = desktop_page
    page.goto(f"{live_server.url}/widget/manage")
    page.evaluate("htmx.config.defaultSettleDelay = 700")
    page.get_by_label("이름").fill("홍길동")
    page.get_by_label("휴대폰번호").fill("12345")
    page.get_by_label("생년월일").fill("19900101")
    page.get_by_role("button", name="다음").click()
    expect(page.get_by_role("alert")).to_contain_text("휴대폰번호")
    phone = page.get_by_label("휴대폰번호")
    phone.fill("01012345678")
    page.wait_for_function("() => !document.querySelector('.htmx-settling')")
    expect(phone).to_be_focused()
    expect(phone).to_have_value("01012345678")


def axe_violations(frame_or_page) -> list[dict]:
    frame_or_page.add_script_tag(path=str(AXE))
    result = frame_or_page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", WCAG
    )
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result]


def test_every_widget_step_passes_axe(browser, playwright, live_server, in_app, family):
    """axe-core (WCAG 2.0–2.2 A/AA rules) on each step; the scan needs CSP bypassed to inject axe."""
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    context = browser.new_context(**context_options(playwright, family), bypass_csp=True)
    page = context.new_page()
    findings: dict[str, list] = {}
    page.goto(f"{live_server.url}/")
    findings["home"] = axe_violations(page)
    page.goto(f"{live_server.url}/bank/004/")
    findings["bank"] = axe_violations(page)
    page.goto(f"{live_server.rp_url}/rp/demo/")
    findings["rp"] = axe_violations(page)
    page.get_by_role("button", name="금융인증서 로그인").click()
    frame = page.frame_locator('iframe[title="금융인증서비스"]')
    if family == "mobile":
        expect(frame.get_by_role("button", name="화면을 터치해주세요")).to_be_visible()
        findings["start"] = axe_violations(widget_frame(page))
        frame.get_by_role("button", name="화면을 터치해주세요").click()
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    findings["identify"] = axe_violations(widget_frame(page))
    frame.get_by_role("button", name="다음").click()
    expect(frame.get_by_role("alert").first).to_be_visible()
    findings["identify-errors"] = axe_violations(widget_frame(page))
    frame.get_by_label("이름").fill("홍길동")
    frame.get_by_label("휴대폰번호").fill("01012345678")
    frame.get_by_label("생년월일").fill("19900101")
    frame.get_by_role("button", name="다음").click()
    expect(frame.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    findings["sms"] = axe_violations(widget_frame(page))
    frame.get_by_label("인증번호").fill(latest_code(page, live_server.url, "01012345678"))
    frame.get_by_role("button", name="확인").click()
    expect(frame.get_by_role("heading", name="클라우드 접근 권한 확인")).to_be_visible()
    findings["consent"] = axe_violations(widget_frame(page))
    frame.get_by_role("button", name="다음").click()
    expect(frame.get_by_role("heading", name="인증서 선택")).to_be_visible()
    findings["select"] = axe_violations(widget_frame(page))
    frame.get_by_role("button", name="선택").click()
    expect(frame.get_by_role("heading", name="비밀번호 입력")).to_be_visible()
    findings["pin"] = axe_violations(widget_frame(page))
    context.close()
    assert {step: found for step, found in findings.items() if found} == {}, json.dumps(findings, ensure_ascii=False)
