"""The widget fits common screens: every key of the PIN step's keypad is in view without
scrolling the RP's page, also for a long 송금 text, and touch targets are large enough."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import _open_context
from e2e.flows import widget
from tests.support import subscriber_with_certificate

NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"
SCREENS = {
    "laptop-1366x657": {"viewport": {"width": 1366, "height": 657}},
    "laptop-1280x720": {"viewport": {"width": 1280, "height": 720}},
    "desktop-1280x800": {"viewport": {"width": 1280, "height": 800}},
    "phone-360x640": {"device": None, "viewport": {"width": 360, "height": 640}},
    "iphone-390x844": {"device": "iPhone 13"},
    "pixel-7": {"device": "Pixel 7"},
}


@pytest.fixture(params=list(SCREENS))
def screen_page(request, browser, playwright) -> Page:
    """A page on one of the screens the widget must fit."""
    screen = SCREENS[request.param]
    family = "desktop" if request.param.startswith(("laptop", "desktop")) else "mobile"
    options = {}
    if screen.get("device"):
        options = dict(playwright.devices[screen["device"]])
    elif family == "mobile":
        options = {**playwright.devices["Pixel 7"], "viewport": screen["viewport"], "screen": screen["viewport"]}
    else:
        options = {"viewport": screen["viewport"]}
    generator = _open_context(request, browser, playwright, family, options)
    context = next(generator)
    page = context.new_page()
    page.family = family
    yield page
    next(generator, None)


def inside_viewport(page: Page, box: dict) -> bool:
    viewport = page.viewport_size
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"] + 0.5
        and box["y"] + box["height"] <= viewport["height"] + 0.5
    )


def test_every_keypad_key_of_a_transfer_is_in_view(screen_page: Page, live_server, in_app):
    page = screen_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    page.goto(f"{live_server.rp_url}/rp/demo/transfer")
    page.get_by_label("받는 은행").select_option(label="신한은행")
    page.get_by_label("받는 계좌번호").fill("110-123-456789")
    page.get_by_label("보낼 금액(원)").fill("150000")
    page.get_by_role("button", name="금융인증서로 이체").click()
    frame = widget(page)
    if page.family == "mobile":
        frame.get_by_role("button", name="화면을 터치해주세요").click()
    from e2e.flows import allow_cloud_access, choose_certificate, enter_identity, enter_sms_code

    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    keypad = frame.get_by_role("form", name="보안 키패드 (숫자 배열은 입력할 때마다 바뀝니다)")
    expect(keypad).to_be_visible()
    keys = keypad.get_by_role("button").all()
    assert len(keys) == 13  # ten digits, 재배열, 지우기, 전체삭제
    page_scroll = page.evaluate("[window.scrollX, window.scrollY]")
    for key in keys:
        box = key.bounding_box()
        assert box is not None and inside_viewport(page, box), (key.inner_text(), box, page.viewport_size)
        if page.family == "mobile":
            assert box["width"] >= 44 and box["height"] >= 44, (key.inner_text(), box)
    assert page.evaluate("[window.scrollX, window.scrollY]") == page_scroll
    expect(frame.get_by_role("region", name="서명할 내용")).to_contain_text("150,000원")


def test_the_dialog_keeps_its_size_between_steps(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    page.goto(f"{live_server.rp_url}/rp/demo/")
    page.get_by_role("button", name="금융인증서 로그인").click()
    frame = widget(page)
    dialog = frame.get_by_role("dialog")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    first = dialog.bounding_box()
    from e2e.flows import enter_identity

    enter_identity(frame, NAME, PHONE, BIRTH)
    expect(frame.get_by_role("heading", name="휴대폰 점유인증")).to_be_visible()
    assert dialog.bounding_box() == first


def test_phone_targets_are_at_least_44_px(phone_page: Page, live_server, in_app):
    page = phone_page
    small = []
    for path in ("/", "/bank/004/", "/rp/demo/"):
        url = (live_server.rp_url if path.startswith("/rp") else live_server.url) + path
        page.goto(url)
        for target in page.locator("main button:visible, main li > a:visible, main p > a:only-child:visible").all():
            box = target.bounding_box()
            if box and (box["width"] < 44 or box["height"] < 44):
                small.append((path, target.inner_text()[:30], round(box["width"]), round(box["height"])))
    assert small == []


def test_stacked_buttons_do_not_touch(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH)
    page.goto(f"{live_server.rp_url}/rp/demo/")
    gaps = [_gap(page.get_by_role("button", name="금융인증서 로그인"), page.get_by_role("button", name="인증서 관리"))]
    page.get_by_role("button", name="금융인증서 로그인").click()
    frame = widget(page)
    from e2e.flows import allow_cloud_access, enter_identity, enter_sms_code

    enter_identity(frame, NAME, PHONE, BIRTH)
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    names = ("휴대폰으로 인증", "인증서 관리", "발급가능한 은행보기")
    buttons = [frame.get_by_role("button", name=name) for name in names]
    gaps += [_gap(upper, lower) for upper, lower in zip(buttons, buttons[1:], strict=False)]
    assert all(gap >= 8 for gap in gaps), gaps


def _gap(first, second) -> float:
    """The space between two boxes, horizontally or vertically, whichever separates them."""
    a, b = first.bounding_box(), second.bounding_box()
    horizontal = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
    vertical = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
    return max(horizontal, vertical)
