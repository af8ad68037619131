"""The secure keypad in a real browser: with JavaScript the whole PIN goes in one post (the
tools work in the page); without JavaScript every key is a plain post of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from e2e.conftest import _open_context
from e2e.flows import allow_cloud_access, choose_certificate, enter_identity, enter_sms_code, start_login
from tests.support import DEFAULT_PIN, subscriber_with_certificate


def keypad_posts(page: Page) -> list[str]:
    """Every request of the keypad's two endpoints, as ``METHOD /path-end``, in order."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.method + " " + request.url.rsplit("/", 1)[1])
            if re.search(r"/widget/t/[^/]+/(keypad|pin)$", request.url)
            else None
        ),
    )
    return seen


def test_the_pin_is_one_post_and_the_tools_stay_in_the_page(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    posts = keypad_posts(page)
    frame = start_login(page, live_server.rp_url, "desktop")
    enter_identity(frame, "홍길동", "01012345678", "19900101")
    enter_sms_code(frame, page, live_server.url, "01012345678")
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    keypad = frame.get_by_role("form", name=re.compile("보안 키패드"))
    status = frame.get_by_role("status")

    for digit in "975":
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(status).to_have_text("3자리 입력됨")
    expect(frame.locator(".pin-dots li.is-filled")).to_have_count(3)
    keypad.get_by_role("button", name="지우기").click()
    expect(status).to_have_text("2자리 입력됨")

    faces = keypad.locator("[data-keypad-cell]")
    before = faces.all_text_contents()
    tokens = sorted(
        keypad.locator('button[name="key"][data-keypad-cell]').evaluate_all("keys => keys.map(k => k.value)")
    )
    for _ in range(5):  # a shuffle may, rarely, land on the same order
        keypad.get_by_role("button", name="재배열").click()
        if faces.all_text_contents() != before:
            break
    assert faces.all_text_contents() != before
    assert (
        sorted(keypad.locator('button[name="key"][data-keypad-cell]').evaluate_all("keys => keys.map(k => k.value)"))
        == tokens
    )
    expect(status).to_have_text("2자리 입력됨")  # 재배열 keeps what was typed

    keypad.get_by_role("button", name="전체삭제").click()
    expect(status).to_have_text("0자리 입력됨")
    assert posts == []  # nothing so far left the page

    for digit in DEFAULT_PIN:
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    assert posts == ["POST pin"]


@pytest.fixture
def no_script_page(request: pytest.FixtureRequest, browser: Browser, playwright: Playwright) -> Iterator[Page]:
    contexts: Iterator[BrowserContext] = _open_context(
        request,
        browser,
        playwright,
        "desktop",
        {"viewport": {"width": 1280, "height": 800}, "java_script_enabled": False},
    )
    context = next(contexts)
    yield context.new_page()
    next(contexts, None)


def test_without_javascript_each_key_is_a_post_and_the_sixth_submits(no_script_page: Page, live_server, in_app):
    page = no_script_page
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    posts = keypad_posts(page)
    page.goto(f"{live_server.url}/widget/manage")
    enter_identity(page, "홍길동", "01012345678", "19900101")
    enter_sms_code(page, page, live_server.url, "01012345678")
    page.get_by_role("button", name="비밀번호 변경").click()
    expect(page.get_by_role("heading", name="비밀번호 변경")).to_be_visible()
    keypad = page.get_by_role("form", name=re.compile("보안 키패드"))
    for typed, digit in enumerate(DEFAULT_PIN[:3], start=1):
        keypad.get_by_role("button", name=digit, exact=True).click()
        expect(page.get_by_role("status")).to_have_text(f"{typed}자리 입력됨")
    keypad.get_by_role("button", name="지우기").click()
    expect(page.get_by_role("status")).to_have_text("2자리 입력됨")
    for digit in DEFAULT_PIN[2:]:
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(page.get_by_role("heading", name="새 비밀번호 입력")).to_be_visible()
    assert posts == ["POST keypad"] * 8
